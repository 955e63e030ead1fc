"""Every route that renders or exports concern content, tried as one person.

`ROUTES` are the GET pages and htmx fragments (each object-taking route with
every object of the world, ours and the other school's); `EXPORTS` are the
POSTs that make a PDF, JSON or CSV file, which is then downloaded and read
back (pdftotext for PDFs). `NO_CONCERN_CONTENT` lists, with a reason, the URL
patterns that render none; tests/policy/test_routes.py fails when a pattern
is in neither.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in

Args = Callable[[Any], list[dict[str, Any]]]


def _none(world: Any) -> list[dict[str, Any]]:
    return [{}]


def _pks(key: str) -> Args:
    return lambda world: [{"pk": pk} for pk in world.pks[key]]


_learners = _pks("learner")
_concerns = _pks("concern")


def _concern_sample(world: Any) -> list[dict[str, Any]]:
    """The pages about a concern (forms that show it) for the concerns that
    carry DSL actions and notes, the restricted-by-default one and another
    school's; the concern page itself is tried for every concern."""
    names = ("restricted", "pastoral", "default", "foreign_restricted")
    return [{"pk": world.concerns[n].pk} for n in names]


def _audit_records(world: Any) -> list[dict[str, Any]]:
    return [
        {"object_type": "safeguarding.concern", "object_id": str(c.pk)}
        for c in world.concerns.values()
    ]


def _concern_links(world: Any) -> list[dict[str, Any]]:
    """Each learner's link to the sampled concerns (the link-role POST)."""
    from safeguarding.models import ConcernLearner

    pks = [kw["pk"] for kw in _concern_sample(world)]
    links = ConcernLearner.objects.filter(concern_id__in=pks).order_by("pk")
    return [{"pk": link.concern_id, "link_pk": link.pk} for link in links]


def _retention_reviews(world: Any) -> list[dict[str, Any]]:
    """Each learner's review page for each record type (404 where nothing is held)."""
    keys = ("cp-file", "sen", "pastoral", "attendance", "behaviour")
    return [{"key": key, "pk": pk} for key in keys for pk in world.pks["learner"]]


def _plan_versions(world: Any) -> list[dict[str, Any]]:
    return [{"pk": pk, "number": 1} for pk in world.pks["plan"]]


@dataclass(frozen=True)
class Route:
    name: str
    args: Args = _none
    queries: tuple[str, ...] = ("",)
    # POST-only routes are posted empty: an invalid POST re-renders its page.
    post: bool = False
    # Also asked as htmx does (HX-Request): lists, search, dashboards, the
    # concern and learner pages, whose fragments differ from the full page.
    htmx: bool = False


SEARCH_WORDS = ("PURPLE", "DINGO", "FOX")

ROUTES = [
    # Dashboards, lists, counts, search.
    Route("home", htmx=True),
    Route("pastoral:learner-list", queries=("", "q=QUOKKA", "q=Nina"), htmx=True),
    Route("pastoral:learner-search", queries=("q=QUOKKA", "q=Nina", "q=Tess"), htmx=True),
    Route("pastoral:learner-detail", _learners, htmx=True),
    Route("pastoral:audit-list", queries=("", "q=PURPLE"), htmx=True),
    Route("pastoral:audit-export"),
    Route("pastoral:audit-object", _audit_records),
    Route("safeguarding:concern-new"),
    Route("safeguarding:learner-picker", queries=("q=QUOKKA", "q=Nina"), htmx=True),
    Route("safeguarding:my-concerns", htmx=True),
    Route("safeguarding:inbox", htmx=True),
    Route("safeguarding:dashboard", queries=("", "sen=1&looked_after=1"), htmx=True),
    Route("safeguarding:pastoral-list", queries=("", "status=all"), htmx=True),
    Route("safeguarding:concern-list", queries=("", *(f"q={w}" for w in SEARCH_WORDS)), htmx=True),
    Route("safeguarding:categories"),
    # A concern and every page about it.
    Route("safeguarding:concern-detail", _concerns, htmx=True),
    Route("safeguarding:concern-follow-up", _concern_sample),
    Route("safeguarding:concern-correct", _concern_sample),
    Route("safeguarding:concern-triage", _concern_sample),
    Route("safeguarding:concern-action", _concern_sample),
    Route("safeguarding:concern-link", _concern_sample),
    Route("safeguarding:concern-close", _concern_sample),
    Route("safeguarding:concern-decision", _concern_sample, post=True),
    Route("safeguarding:concern-learner-role", _concern_links, post=True),
    Route("safeguarding:concern-reopen", _concern_sample),
    Route("safeguarding:concern-share", _concern_sample),
    Route("safeguarding:investigation-new", _concern_sample),
    Route("safeguarding:action-outcome", _pks("action")),
    Route("safeguarding:attachment", _pks("attachment")),
    Route("safeguarding:investigation-detail", _pks("investigation"), htmx=True),
    Route("safeguarding:investigation-participant", _pks("investigation"), post=True),
    Route("safeguarding:investigation-statement", _pks("investigation"), post=True),
    Route("safeguarding:investigation-evidence", _pks("investigation"), post=True),
    Route("safeguarding:investigation-outcome", _pks("investigation"), post=True),
    Route("safeguarding:investigation-conclude", _pks("investigation"), post=True),
    # The learner: chronology, CP file, profile timeline, export pages.
    Route("safeguarding:learner-chronology", _learners, htmx=True),
    Route("safeguarding:cp-file", _learners),
    Route("caseload:profile", _learners, htmx=True),
    Route("caseload:learner-sessions", _learners),
    Route("caseload:learner-contacts", _learners),
    Route("caseload:mine"),
    Route("caseload:board", htmx=True),
    Route("caseload:need-list"),
    Route("caseload:send-queue"),
    Route("caseload:sen-record", _learners),
    Route("caseload:intervention-list"),
    Route("caseload:plan-detail", _pks("plan")),
    Route("caseload:plan-version", _plan_versions),
    Route("caseload:plan-diff", _pks("plan")),
    Route("caseload_reports:transfer", _learners),
    Route("caseload_reports:case-conference", _learners),
    Route("caseload_reports:bundle", _learners),
    Route("caseload_reports:leaver-ctf", _learners),
    # Subject access: recording, the list, each request (released and open) and
    # its parts; the released pack is a job of reports:job-detail/job-download.
    Route("caseload_reports:sar-record", _learners),
    Route("caseload_reports:sar-list"),
    Route("caseload_reports:sar-detail", _pks("sar")),
    Route("caseload_reports:sar-extend", _pks("sar")),
    Route("caseload_reports:sar-records", _pks("sar")),
    Route("caseload_reports:sar-safeguarding", _pks("sar")),
    Route("caseload_reports:sar-release", _pks("sar")),
    Route("caseload_reports:caseload-review"),
    Route("safeguarding_reports:cp-transfer", _learners),
    Route("safeguarding_reports:agency-report", _learners),
    Route("attendance:dashboard"),
    Route("attendance:learner-list"),
    Route("attendance:today"),
    Route("attendance:learner", _learners),
    # Behaviour: separate from safeguarding; its learner page is tried for every learner.
    Route("behaviour:learner", _learners),
    Route("behaviour:analysis"),
    # Suspensions: the lists and the record form for every learner (never concern content).
    Route("behaviour:exclusion-list"),
    Route("behaviour:exclusion-notices"),
    Route("behaviour:exclusion-mismatches"),
    Route("behaviour:exclusion-create", _learners),
    # Alternative provision: its learner pages are tried for every learner.
    Route("provision:learner", _learners),
    Route("provision:where", _learners),
    Route("provision:placement-create", _learners),
    Route("provision:placement-list"),
    Route("provision:reconciliation"),
    # Notifications: the centre, its badge (a count), each notification opened.
    Route("notifications:list", htmx=True),
    Route("notifications:badge", htmx=True),
    Route("notifications:open", _pks("notification")),
    # Report jobs: the DSL's files, tried by everyone.
    Route("reports:job-list", htmx=True),
    Route("reports:job-detail", _pks("job")),
    Route("reports:job-status", _pks("job"), htmx=True),
    Route("reports:job-download", _pks("job")),
    Route("reports:cp-transfer-list"),
    Route("reports:cp-transfer-receipt", _pks("cp_transfer")),
    Route("reports:imported-records", _learners),
    # Retention (learner names, record types, counts, due dates; never content):
    # the queues, each learner's review page per record type, holds, tombstones,
    # the yearly report; dispose and hold re-render the review page when refused.
    Route("retention:queue", lambda world: [{"kind": k} for k in ("safeguarding", "records")]),
    Route("retention:review", _retention_reviews),
    Route("retention:dispose", _retention_reviews, post=True),
    Route("retention:hold-place", _retention_reviews, post=True),
    Route("retention:holds"),
    Route("retention:tombstones"),
    Route("retention:report"),
    # Users: the admin's pages about people (may show what they did).
    Route("accounts:user-list"),
    Route("accounts:user-detail", _pks("user")),
]

TRANSFER_SECTIONS = ["profile", "parents", "attendance", "plans", "interventions", "contacts"]


def _transfer(world: Any) -> dict[str, Any]:
    return {"sections": [*TRANSFER_SECTIONS, "concerns"], "destination": "Riverside Academy"}


def _conference(world: Any) -> dict[str, Any]:
    return {
        "since": (timezone.localdate() - dt.timedelta(days=365)).isoformat(),
        "meeting": "Review child protection conference",
        "sections": ["profile", "plans", "concerns", "attendance", "contacts"],
    }


def _cp_transfer(world: Any) -> dict[str, Any]:
    return {
        "receiving_school": "Riverside Academy",
        "receiving_school_urn": "123999",
        "receiving_dsl": "Rita Receiver",
        "receiving_contact": "dsl@riverside.test",
        "method": "email",
        "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "include_attachments": "on",
        "notes": "",
    }


def _agency(world: Any) -> dict[str, Any]:
    # Asks for restricted content: a role that may not have it must get none.
    return {
        "agency_name": "CAMHS North",
        "sections": ["profile", "parents", "concerns", "actions"],
        "summary": "We ask CAMHS to assess.",
        "include_restricted": "on",
    }


@dataclass(frozen=True)
class Export:
    name: str
    data: Callable[[Any], dict[str, Any]]
    per_learner: bool = True


EXPORTS = [
    Export("caseload_reports:transfer", _transfer),
    Export("caseload_reports:case-conference", _conference),
    Export("caseload_reports:bundle", lambda world: {}),
    Export(
        "caseload_reports:leaver-ctf",
        lambda world: {"source_estab": "4012", "dest_la": "MMM", "dest_estab": "MMMM"},
    ),
    Export("caseload_reports:caseload-review", lambda world: {}, per_learner=False),
    Export("safeguarding_reports:cp-transfer", _cp_transfer),
    Export("safeguarding_reports:agency-report", _agency),
]

# URL patterns that render no concern content, each with the reason.
NO_CONCERN_CONTENT: dict[str, str] = {
    "healthz": "liveness probe: plain OK",
    "caseload:learner-picker": "learner picker search: names and year groups only (JSON)",
    "login": "sign-in form",
    "logout": "signs out, redirects",
    "accounts:otp-verify": "second-factor code form",
    "accounts:otp-setup": "TOTP enrolment (QR code)",
    "accounts:sessions-end-others": "POST: ends the person's other sessions, redirects",
    "accounts:user-sessions-end": "POST: the admin ends a member's sessions, redirects",
    "accounts:recovery-codes": "the person's own recovery codes",
    "accounts:step-up": "fresh second-factor form",
    "accounts:password-change": "password form",
    "accounts:user-create": "form for a new user (names, e-mail)",
    "accounts:role-grant": "role grant form/POST: roles, not records",
    "accounts:role-years": "year groups of a head-of-year role",
    "accounts:role-remove": "POST: removes a role",
    "accounts:role-requests": "pending role grants: people and roles, not records",
    "accounts:role-request": "one role grant awaiting a second person: who, which role, why",
    "accounts:role-request-approve": "POST: approves a role grant, redirects",
    "accounts:role-request-decline": "POST: declines a role grant, redirects",
    "accounts:user-deactivate": "POST: deactivates a user",
    "accounts:user-reactivate": "POST: reactivates a user",
    "accounts:user-unlock": "POST: clears a lock-out",
    "pastoral:school-switch": "POST: changes the current school",
    "trust:index": "trust roles only: redirects to the person's trust page",
    "trust:dashboard": "trust safeguarding lead: counts and trends per school, no names or text",
    "trust:schools": "trust roles: the trust's schools (name, URN, LA code, DSL assigned)",
    "trust:school-create": "trust administrator: form for a new school",
    "trust:school-invite-admin": "trust administrator: invite a school administrator",
    "trust:school-first-dsl": "trust safeguarding lead: the first DSL of a school with none",
    "trust:members": "trust administrator: people with trust roles",
    "trust:member-remove": "POST: removes a trust administrator, redirects",
    "people:learner-contacts": "a learner's parents and carers with their restrictions",
    "people:contact-create": "form: a new parent or carer",
    "people:contact-edit": "form: a parent's details and restrictions",
    "people:restriction-create": "form: a contact restriction",
    "people:restriction-edit": "form: a contact restriction",
    "people:agency-list": "the school's outside agencies and their named people",
    "people:agency-create": "form: a new agency",
    "people:agency-edit": "form: an agency's details",
    "people:agency-contact-create": "form: a named person at an agency",
    "people:agency-contact-edit": "form: a named person at an agency",
    "attendance:intervention-letter": "PDF of an attendance letter and its recipient's restrictions",
    "attendance:settings": "the school's attendance settings (a number of weeks)",
    "attendance:la-absence-queue": "learners due an LA notice of unauthorised absence: no concerns",
    "attendance:la-absence-notify": "form: the LA told of a run of unauthorised absence",
    "attendance:la-absence-notified": "notifications made to the LA: dates, how, reference",
    "attendance:la-absence-notice": "PDF notice of unauthorised absence for the LA",
    "attendance:roll-changes": "roll changes (additions, deletions) with ground and LA notice",
    "attendance:roll-change-create": "form: a roll change of a learner",
    "attendance:roll-change-detail": "one roll change and the form recording the LA told",
    "attendance:penalty-threshold": "learners at the penalty-notice threshold: session counts",
    "attendance:la-settings": "the school's LA-return thresholds (numbers)",
    "attendance:part-time-list": "part-time timetables: dates, sessions, reasons; no concerns",
    "attendance:part-time-reconciliation": "marks against part-time timetables: no concerns",
    "attendance:part-time-create": "part-time timetable form",
    "attendance:part-time-detail": "one part-time timetable: attendance data, no concerns",
    "attendance:part-time-la-notified": "POST: records the LA notification, redirects",
    "attendance:part-time-review": "POST: records a part-time timetable review, redirects",
    "attendance:part-time-la-notice": "PDF notice of a part-time timetable for the LA",
    "attendance:part-time-agreement": "the scanned parental agreement of a part-time timetable",
    "pastoral:import-start": "MIS import upload (learners, attendance): no concerns",
    "pastoral:import-detail": "MIS import preview: rows of the uploaded file",
    "pastoral:import-confirm": "POST: applies an MIS import",
    "pastoral:import-file": "the MIS file or CTF as uploaded (MIS data; a CTF carries no CP content)",
    "pastoral:import-discard": "POST: discards an MIS import",
    "safeguarding:draft-save": "POST: saves the person's own draft, answers a timestamp",
    "safeguarding:draft-discard": "POST: discards the person's own draft",
    "safeguarding:share-withdraw": "POST only: withdraws a share, redirects",
    "safeguarding:category-toggle": "POST: switches a category on/off",
    "safeguarding:category-update": "POST: a category's default level and alert groups "
    "(re-renders the categories page, crawled)",
    "caseload:reallocate": "POST: moves a learner between key workers",
    "caseload:allocation-create": "allocation form: learner and worker names",
    "caseload:allocation-end": "POST: ends an allocation",
    "caseload:session-one-to-one": "form to record a session (no records shown)",
    "caseload:contact-create": "form to record a contact (no records shown)",
    "caseload:plan-create": "form for a new plan",
    "caseload:plan-edit": "plan form (plan content covered by plan-detail)",
    "caseload:plan-status": "POST: changes a plan's status",
    "caseload:plan-review": "review form (plan content covered by plan-detail)",
    "caseload:intervention-create": "form for a new group",
    "caseload:intervention-detail": "group intervention: sessions and attendance, no concerns",
    "caseload:session-create": "form to record a group session",
    "caseload:session-detail": "session notes: caseload content, no concerns",
    "caseload:contact-detail": "contact log entry: caseload content, no concerns",
    "caseload:action-done": "POST: marks an agreed action done",
    "caseload:sen-record-edit": "SEN record form (record content covered by sen-record)",
    "caseload:ehcp-review-create": "form: the date of an EHCP annual review meeting",
    "caseload:review-step-done": "form/POST: marks an EHCP review step done",
    "caseload:send-settings": "the school's SEND labels (England or Wales)",
    "caseload:plan-incidents": "behaviour incidents behind a plan (behaviour never sees concerns)",
    "attendance:target-create": "attendance target form",
    "attendance:intervention-create": "attendance intervention form",
    "attendance:return-plan-create": "return-to-school plan form",
    "attendance:target-review": "attendance target review",
    "attendance:quick-call": "POST: logs a first-day call",
    "attendance:import": "attendance marks upload",
    "attendance:import-detail": "attendance import preview",
    "attendance:import-confirm": "POST: queues a previewed attendance import",
    "accounts:invitation-list": "invitations: staff names, e-mails and link status",
    "accounts:invitation-create": "invitation form (names, e-mail, role)",
    "accounts:invitation-csv": "POST: staff CSV, then invitations",
    "accounts:invitation-resend": "POST: sends a new invitation link",
    "accounts:invitation-revoke": "POST: withdraws an invitation link",
    "accounts:two-factor-reset": "a member's second-factor reset form",
    "accounts:invitation-accept": "the invitee's password form (public, by token)",
    "accounts:invitation-authenticator": "the invitee's TOTP enrolment (public, by token)",
    "notifications:read-all": "POST: marks all read",
    "notifications:read": "POST: marks one read",
    "notifications:preferences": "the person's e-mail preferences",
    "reports:bundle-receipt": "the signed receipt of an imported bundle (school names and the "
    "receiving DSL's name, no concern content; DSL only; tests/reports/test_receipts.py)",
    "reports:bundle-import": "upload form for a bundle from another school (round trip is "
    "DSL to DSL; tests/reports/test_bundle.py)",
    "provision:provider-list": "AP providers directory (no learner data)",
    "provision:provider-create": "AP provider form",
    "provision:provider-detail": "one AP provider and its safer-recruitment confirmations",
    "provision:provider-edit": "AP provider form",
    "provision:confirmation-create": "safer-recruitment confirmation form",
    "provision:confirmation-letter": "a provider's scanned confirmation letter",
    "provision:placement-detail": "one AP placement (never concern content)",
    "provision:placement-edit": "AP placement form",
    "provision:placement-start": "POST: starts a placement",
    "provision:placement-end": "POST: ends a placement",
    "provision:review-create": "AP placement review form",
    "provision:report-create": "provider's attendance report form",
    "admin:index": "Django's admin site: superusers only, no school role reaches it",
    "behaviour:home": "classes to log behaviour for (names of reg groups)",
    "behaviour:log": "a class list (directory fields) and behaviour types",
    "behaviour:incident-list": "behaviour incidents (never concern content)",
    "behaviour:incident-detail": "one behaviour incident; a link to the concern form",
    "behaviour:incident-detention": "detention form for a behaviour incident",
    "behaviour:learner-detention": "detention form for a learner",
    "behaviour:settings": "behaviour types, rewards and detention settings",
    "behaviour:type-edit": "one behaviour type's settings",
    "behaviour:detention-type-edit": "one detention type's settings",
    "behaviour:sessions": "detention sessions",
    "behaviour:session-detail": "a detention register",
    "behaviour:detention-detail": "one detention",
    "behaviour:detention-letter": "detention letter PDF (no concern content)",
    "behaviour:leaderboard": "positive points totals",
    "behaviour:certificate": "a milestone certificate PDF",
    "behaviour:oncall": "on-call form and open requests (room, reason, learner name)",
    "behaviour:oncall-live": "htmx partial: open on-call requests (room, reason, learner name)",
    "behaviour:oncall-requests": "on-call requests with times and outcomes",
    "behaviour:oncall-detail": "one on-call request (never concern content)",
    "behaviour:oncall-accept": "POST: accepts an on-call request (409 when taken)",
    "behaviour:oncall-resolve": "POST: resolves an on-call request with its outcome",
    "behaviour:oncall-settings": "on-call rota (staff names) and the removal alert threshold",
    "behaviour:removals": "removals from class (behaviour records, no concern content)",
    "behaviour:learner-removal": "form to record a removal from class",
    "behaviour:isolation": "isolation sessions (date, room, supervisor)",
    "behaviour:isolation-session": "an isolation list and register (learners, reasons)",
    "behaviour:exclusion-detail": "one suspension: DfE reason, dates, notices (no concern content)",
    "behaviour:exclusion-letter": "suspension letter PDF (no concern content)",
    "behaviour:exclusion-policy": "the school's suspension thresholds (no learner data)",
    "retention:home": "links to the retention queues, holds, disposals and rules",
    "retention:rules": "retention rules per record type: periods and their sources",
    "retention:rule-edit": "form: a record type's retention period",
    "retention:hold-lift": "POST: lifts a legal hold, redirects",
    # School settings (administrator; the hub also lists the DSL's categories link):
    # the school's details, calendar, thresholds and letter templates, no case content.
    **dict.fromkeys(
        [
            "school_settings:hub",
            "school_settings:details",
            "school_settings:sessions",
            "school_settings:reminders",
            "school_settings:retention",
            "school_settings:terms",
            "school_settings:term-add",
            "school_settings:term-import",
            "school_settings:term-edit",
            "school_settings:term-delete",
            "school_settings:closure-add",
            "school_settings:closure-delete",
            "school_settings:bank-holiday",
            "school_settings:checklist",
            "attendance:letter-list",
            "attendance:letter-create",
            "attendance:letter-preview",
            "attendance:letter-edit",
        ],
        "school settings: calendar, details, thresholds, letter templates or counts; "
        "no concern content",
    ),
}


@dataclass
class Hit:
    route: str
    url: str
    status: int
    text: str
    htmx: bool = False


@dataclass
class Crawl:
    role: str
    hits: list[Hit] = field(default_factory=list)
    exports: dict[str, list[Hit]] = field(default_factory=dict)


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=False
    )
    return " ".join(result.stdout.decode("utf-8", "replace").split())


def body_text(response: Any) -> str:
    """What the person receives: the page, or the file (a PDF read back as a
    reader would copy it, plus its raw bytes)."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    text = raw.decode("utf-8", "replace")
    if raw.startswith(b"%PDF-"):
        text = f"{pdf_text(raw)}\n{raw.decode('latin-1')}"
    return text


def client_for(world: Any, role: str, *, forced_school: Any = None) -> Client:
    client = Client()
    home = world.other_school if role == "outsider" else world.school
    school = forced_school or home
    sign_in(client, world.users[role], school=school)
    return client


def get(client: Client, route: str, url: str, *, htmx: bool, post: bool = False) -> Hit:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if post:
        response = client.post(url, {}, **headers)
    else:
        response = client.get(url, follow=route == "notifications:open", **headers)
    return Hit(route, url, response.status_code, body_text(response), htmx)


def crawl(world: Any, role: str, client: Client) -> Crawl:
    result = Crawl(role)
    for route in ROUTES:
        for kwargs in route.args(world):
            base = reverse(route.name, kwargs=kwargs)
            for query in route.queries:
                url = f"{base}?{query}" if query else base
                for htmx in (False, True) if route.htmx else (False,):
                    result.hits.append(get(client, route.name, url, htmx=htmx, post=route.post))
    for export in EXPORTS:
        result.exports[export.name] = run_export(world, client, export, role)
    if role == "dsl":
        result.exports["world"] = [
            Hit(name, f"POST {name} learner9 (made with the world)", 200, text)
            for name, text in world.dsl_exports.items()
        ]
    return result


def run_export(world: Any, client: Client, export: Export, role: str) -> list[Hit]:
    """POST the export, then open its job page and download the file: for
    learner9 (in every scope but the admin's and the outsider's) and for the
    other school's learner. learner10's scope is tried by the GET of each
    export page (ROUTES); the DSL's own exports of learner9 were made with
    the world (world.dsl_exports) and are not made twice."""
    hits = []
    learners = [world.learner9.pk, world.other_learner.pk]
    if role == "dsl":
        learners.remove(world.learner9.pk)
    if role == "outsider" and export.name != "safeguarding_reports:cp-transfer":
        # The other school's learner is the outsider's own: one export (the CP
        # file, every level) shows that none of our records joins theirs.
        learners.remove(world.other_learner.pk)
    kwargs_list = [{"pk": pk} for pk in learners] if export.per_learner else [{}]
    for kwargs in kwargs_list:
        url = reverse(export.name, kwargs=kwargs)
        response = client.post(url, export.data(world))
        hits.append(Hit(export.name, f"POST {url}", response.status_code, body_text(response)))
        location = response.get("Location", "") if response.status_code == 302 else ""
        if location.startswith("/reports/"):
            page = client.get(location)
            hits.append(Hit("reports:job-detail", location, page.status_code, body_text(page)))
            download = client.get(f"{location}download/")
            hits.append(
                Hit(
                    "reports:job-download",
                    f"{location}download/ ({export.name})",
                    download.status_code,
                    body_text(download),
                )
            )
    return hits


def export_as_dsl(world: Any) -> dict[str, str]:
    """The DSL's own exports of learner9's record (the files other people then
    try to download by their id): name -> text of the file."""
    client = client_for(world, "dsl")
    texts = {}
    for export in EXPORTS:
        kwargs = {"pk": world.learner9.pk} if export.per_learner else {}
        response = client.post(reverse(export.name, kwargs=kwargs), export.data(world))
        if response.status_code == 404:  # not the DSL's (caseload review: SENCO, HoY)
            continue
        assert response.status_code == 302, (export.name, response.content.decode()[:2000])
        download = client.get(f"{response['Location']}download/")
        assert download.status_code == 200, export.name
        texts[export.name] = body_text(download)
    return texts


def _sar_record(client: Client, world: Any) -> Any:
    from caseload.models import SubjectAccessRequest

    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("caseload_reports:sar-record", kwargs={"pk": world.learner9.pk}),
        {
            "requester_name": "Pat Parent",
            "requester_relationship": "parent",
            "received_on": today,
            "identity_checked_by": "Reception",
            "identity_checked_on": today,
            "identity_method": "Passport seen at reception",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return SubjectAccessRequest.objects.latest("id")


def subject_access_in_the_world(world: Any) -> None:
    """Two requests about learner9, both recorded by the admin: one the DSL
    assembles, approves (both parts) and releases, whose pack is then a job
    every role tries to open; one left open, whose parts every role tries.
    The released pack's text is the DSL's "subject-access" export."""
    admin = client_for(world, "admin")
    world.sar_released = _sar_record(admin, world)
    world.sar_open = _sar_record(admin, world)
    dsl = client_for(world, "dsl")
    released = world.sar_released
    for part in ("records", "safeguarding"):
        url = reverse(f"caseload_reports:sar-{part}", kwargs={"pk": released.pk})
        response = dsl.post(url, {"action": "approve"})
        assert response.status_code == 302, (part, response.content.decode()[:2000])
    response = dsl.post(reverse("caseload_reports:sar-release", kwargs={"pk": released.pk}))
    assert response.status_code == 302, response.content.decode()[:2000]
    released.refresh_from_db()
    assert released.released_at is not None and released.report_job is not None
    world.sar_job = released.report_job
    download = dsl.get(reverse("reports:job-download", kwargs={"pk": world.sar_job.pk}))
    assert download.status_code == 200
    world.dsl_exports["subject-access"] = body_text(download)


def world_pks(world: Any) -> dict[str, list[int]]:
    from caseload.models import Plan, SubjectAccessRequest
    from pastoral.notifications.models import Notification
    from pastoral.reports.models import CPFileTransfer, ReportJob
    from safeguarding.models import Attachment, ConcernAction, Investigation

    return {
        "learner": [world.learner9.pk, world.learner10.pk, world.other_learner.pk],
        "concern": [c.pk for c in world.concerns.values()],
        "action": list(ConcernAction.objects.values_list("pk", flat=True)),
        "attachment": list(Attachment.objects.values_list("pk", flat=True)),
        "investigation": list(Investigation.objects.values_list("pk", flat=True)),
        "notification": list(Notification.objects.values_list("pk", flat=True)),
        "job": list(ReportJob.objects.values_list("pk", flat=True)),
        "cp_transfer": list(CPFileTransfer.objects.values_list("pk", flat=True)),
        "plan": list(Plan.objects.values_list("pk", flat=True)),
        "sar": list(SubjectAccessRequest.objects.values_list("pk", flat=True)),
        "user": [u.pk for u in world.users.values()],
    }
