"""Every template under templates/ renders at least once (Zulip's test_templates).

The pages are driven through their real views: each case of the permission
matrix (tests/matrix) that answers a page (200, or 422 for a refused form) is
requested once, by the first role allowed to see it, each inside a savepoint
that is rolled back so the cases do not see each other's rows. Pages the
matrix does not show (the sign-in steps, htmx answers to a POST, error pages)
are requested in VISITS; the print templates, which no page lays out, are
rendered in DIRECT with `render_to_string` and a small context built from the
`world`.

Each rendered page is checked for what a broken template shows: template
syntax left in the output ("{{", "{%"), a Python None printed, a page whose
<title> is empty. The test fails naming every template that nothing rendered,
so a new template needs a page (or an entry in VISITS or DIRECT) to merge.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.template import Template
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from tests.conftest import ROLES, World, sign_in
from tests.matrix import Case, all_cases

pytestmark = pytest.mark.django_db

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates"
ALL_TEMPLATES = sorted(
    str(path.relative_to(TEMPLATE_DIR)) for path in TEMPLATE_DIR.rglob("*") if path.is_file()
)
# Statuses of a page a person was meant to see (not a refusal or a redirect).
PAGE_STATUSES = (200, 422)
SYNTAX = re.compile(r"\{\{|\{%|%\}|\}\}")
# None in a link or an attribute is always a bug ("/learners/None/", value="None").
NONE_IN_MARKUP = re.compile(r"=\"None\"|/None(?:/|\"|\?)|=None(?:&|\")")
# None as text is a bug too, unless it is a choice's own label ("SEN status: None").
NONE_AS_TEXT = re.compile(r">\s*None\s*<")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _page_cases() -> list[tuple[Case, str]]:
    """Each matrix case that answers a page, with the first role it answers."""
    cases = []
    for case in all_cases():
        role = next((r for r in ROLES if case.expect[r] in PAGE_STATUSES), None)
        if role is not None:
            cases.append((case, role))
    return cases


@contextmanager
def _recording() -> Iterator[set[str]]:
    """The names of the templates rendered inside the block (includes and
    parents too: the test environment instruments Template._render)."""
    seen: set[str] = set()

    def on_render(sender: Template, template: Template, context: Any, **kwargs: Any) -> None:
        if template.origin is not None and template.origin.template_name:
            seen.add(str(template.origin.template_name))

    template_rendered.connect(on_render, dispatch_uid="test_templates_render")
    try:
        yield seen
    finally:
        template_rendered.disconnect(dispatch_uid="test_templates_render")


@contextmanager
def _rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@functools.cache
def _none_is_a_label() -> bool:
    """Whether some choice is labelled "None" (then ">None<" may be that label)."""
    return any(
        str(label) == "None"
        for model in apps.get_models()
        for f in model._meta.get_fields()
        for _value, label in getattr(f, "flatchoices", None) or ()
    )


def _check_html(html: str, where: str) -> list[str]:
    problems = []
    if SYNTAX.search(html):
        problems.append(f"{where}: template syntax in the output")
    if NONE_IN_MARKUP.search(html) or (NONE_AS_TEXT.search(html) and not _none_is_a_label()):
        problems.append(f"{where}: a Python None printed")
    if "<html" in html:
        title = TITLE.search(html)
        if title is None or not title.group(1).split("·")[0].strip():
            problems.append(f"{where}: a page without a title")
    return problems


def _content(response: HttpResponse) -> str:
    """The HTML of a page or fragment ("" for JSON, CSV, files)."""
    if getattr(response, "streaming", False) or "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


# --- pages the matrix does not show: sign-in steps, htmx answers, errors -----
# Each makes its request(s) through the real view and returns the response
# whose page is checked, with the statuses it may answer.

HX = {"HTTP_HX_REQUEST": "true"}


def _as(world: World, role: str) -> Client:
    return sign_in(Client(), world.user(role), school=world.school)


def _login_page(world: World) -> HttpResponse:
    return Client().get(reverse("login"))


def _wrong_password(world: World) -> HttpResponse:
    return Client().post(
        reverse("login"), {"username": world.user("staff").email, "password": "not-it"}
    )


def _locked_out(world: World) -> HttpResponse:
    client = Client()
    data = {"username": world.user("staff").email, "password": "not-it"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), data)
    return client.post(reverse("login"), data)


def _otp_setup(world: World) -> HttpResponse:
    # A DSL who has signed in with a password but never enrolled an app.
    client = Client()
    client.force_login(world.user("dsl"))
    return client.get(reverse("accounts:otp-setup"))


def _recovery_codes(world: World) -> HttpResponse:
    from pastoral.accounts.views import SESSION_NEW_RECOVERY_CODES

    client = _as(world, "dsl")
    session = client.session
    session[SESSION_NEW_RECOVERY_CODES] = ["ab12cd34", "ef56gh78"]
    session.save()
    return client.get(reverse("accounts:recovery-codes"))


def _notification_row(world: World) -> HttpResponse:
    from pastoral.notifications.services import notifications_create

    (note,) = notifications_create(
        recipients=[world.user("dsl")],
        school=world.school,
        kind="safeguarding.concern.logged",
        title="New concern C-1 logged",
        url="/",
    )
    return _as(world, "dsl").post(reverse("notifications:read", kwargs={"pk": note.pk}), **HX)


def _quick_call(world: World) -> HttpResponse:
    url = reverse("attendance:quick-call", kwargs={"pk": world.learner9.pk})
    return _as(world, "senco").post(url, {"outcome": "Parent says unwell"}, **HX)


def _reallocate_refused(world: World) -> HttpResponse:
    return _as(world, "senco").post(reverse("caseload:reallocate"), {})


def _not_found(world: World) -> HttpResponse:
    return _as(world, "staff").get(
        reverse("pastoral:learner-detail", kwargs={"pk": world.other_learner.pk})
    )


def _home_as_head_of_year(world: World) -> HttpResponse:
    """The home page with the panels a head of year sees (behaviour's)."""
    return _as(world, "hoy").get(reverse("home"))


def _bad_host(world: World) -> HttpResponse:
    return Client().get("/", HTTP_HOST="not-our-host.example")


def _invite(world: World) -> Any:
    from pastoral.access import scope_for
    from pastoral.accounts.services import invitation_create

    return invitation_create(
        scope=scope_for(world.user("admin"), world.school),
        email="ivy.invited@school.test",
        full_name="Ivy Invited",
    )


def _invitation_page(world: World) -> HttpResponse:
    token = _invite(world).token
    return Client().get(reverse("accounts:invitation-accept", kwargs={"token": token}))


def _invitation_authenticator(world: World) -> HttpResponse:
    token = _invite(world).token
    client = Client()
    password = "a-long-enough-passphrase-7"
    client.post(
        reverse("accounts:invitation-accept", kwargs={"token": token}),
        {"password1": password, "password2": password},
    )
    return client.get(reverse("accounts:invitation-authenticator", kwargs={"token": token}))


def _invitation_dead(world: World) -> HttpResponse:
    return Client().get(reverse("accounts:invitation-accept", kwargs={"token": "unknown"}))


def _invitation_signed_in(world: World) -> HttpResponse:
    token = _invite(world).token
    return _as(world, "staff").get(reverse("accounts:invitation-accept", kwargs={"token": token}))


def _server_error(world: World) -> HttpResponse:
    from pastoral.errors import server_error

    return server_error(RequestFactory().get("/"))


def _applied_ctf(world: World) -> HttpResponse:
    # An applied CTF import keeps its file and shows what it carried.
    from pastoral.models import ImportBatch

    batch = ImportBatch.objects.create(
        school=world.school, uploaded_by=world.user("admin"), kind="ctf", filename="t.xml",
        size=9, content=b"<CTfile/>", status="applied", applied_at=timezone.now(),
        counts={"rows": 1, "create": 1, "update": 0, "unchanged": 0},
        details={"version": "25.0", "source": {"name": "Fenside", "la": "873", "estab": "2041"},
                 "pupils": [{"upn": world.learner9.upn, "name": "Nina Nine", "former_upns": [],
                             "attendance": [{"year": "2025", "possible": 10, "attended": 9,
                                             "percent": 90.0, "school": "Fenside"}],
                             "schools": [{"school": "", "la": "873", "entry": "2019-09-04",
                                          "leaving": "", "reason": ""}]}]},
    )  # fmt: skip
    client = sign_in(Client(), world.user("admin"), school=world.school)
    return client.get(reverse("pastoral:import-detail", args=[batch.pk]))


def _trust_page(
    role: str, name: str, *, second_trust: bool = False
) -> Callable[[World], HttpResponse]:
    # The trust pages answer people with a trust role, whom the six-role sweep
    # does not include: the lead and the administrator of tests/trust's world.
    def visit(world: World) -> HttpResponse:
        from pastoral.models import Trust
        from pastoral.trust.models import TrustMembership, TrustRole
        from tests.trust.fixtures import trust_world

        # Each visit is rolled back: the trust is made afresh and the schools'
        # in-memory rows are put back as they were.
        kept = (world.school.trust_id, world.other_school.trust_id)
        world.trust = None
        trust_world(world)
        try:
            person = world.trust_lead if role == "lead" else world.trust_admin
            if second_trust:
                TrustMembership.objects.create(
                    user=person,
                    trust=Trust.objects.create(name="Second Trust"),
                    role=TrustRole.ADMIN,
                )
            client = sign_in(Client(), person)
            kwargs = {} if name == "trust:index" else {"pk": world.trust.pk}
            return client.get(reverse(name, kwargs=kwargs))
        finally:
            world.school.trust_id, world.other_school.trust_id = kept
            world.trust = None

    return visit


VISITS: dict[str, tuple[Callable[[World], HttpResponse], tuple[int, ...]]] = {
    "trust: the lead's dashboard": (_trust_page("lead", "trust:dashboard"), (200,)),
    "trust: the administrator's schools": (_trust_page("admin", "trust:schools"), (200,)),
    "trust: add a school": (_trust_page("admin", "trust:school-create"), (200,)),
    "trust: people": (_trust_page("admin", "trust:members"), (200,)),
    "trust: a choice of trusts": (
        _trust_page("lead", "trust:index", second_trust=True),
        (200,),
    ),
    "sign-in page": (_login_page, (200,)),
    "wrong password": (_wrong_password, (422,)),
    "locked out": (_locked_out, (429,)),
    "enrol an authenticator app": (_otp_setup, (200,)),
    "new recovery codes": (_recovery_codes, (200,)),
    "notification marked read (htmx row)": (_notification_row, (200,)),
    "first-day call (htmx)": (_quick_call, (200,)),
    # 400 before the caseload app's move to one invalid status, 422 after.
    "reallocation refused": (_reallocate_refused, (400, 422)),
    "another school's learner": (_not_found, (404,)),
    "home: the head of year's panels": (_home_as_head_of_year, (200,)),
    "a forged Host header": (_bad_host, (400,)),
    "server error": (_server_error, (500,)),
    "invitation: choose a password": (_invitation_page, (200,)),
    "invitation: enrol an authenticator": (_invitation_authenticator, (200,)),
    "invitation: a dead link": (_invitation_dead, (404,)),
    "invitation: signed in as someone else": (_invitation_signed_in, (409,)),
    "an applied CTF import": (_applied_ctf, (200,)),
}


# --- templates no page lays out: print templates ------------------------------


def _pdf_context(world: World) -> dict[str, Any]:
    from pastoral.reports.printing import PrintEntry, Section, Table

    now = timezone.now()
    entry = PrintEntry(
        ref="C-1",
        title="Concern logged",
        when=now,
        body="Said they were hungry at break.",
        facts=[("Logged by", "Sally Staff")],
        children=[PrintEntry(ref="A-1", title="Phoned parent", when=now, body="No answer.")],
    )
    return {
        "title": "Chronology",
        "school": world.school,
        "exporter": world.user("dsl"),
        "exported_at": now,
        "learner": world.learner9,
        "sections": [
            Section(key="chronology", title="Chronology", entries=[entry]),
            Section(key="plans", title="Plans"),
            Section(
                key="attendance", title="Attendance", table=Table(["Year", "%"], [["9", "96"]])
            ),
        ],
    }


def _pdf(world: World) -> str:
    # The HTML WeasyPrint would lay out (test_machinery checks the PDF itself).
    return render_to_string("pdf/base.html", _pdf_context(world))


def _sar_pdf(world: World) -> str:
    # The subject-access pack: one entry withheld whole, the list of reasons at the end.
    from caseload.models import SubjectAccessRedaction
    from pastoral.reports.printing import PrintEntry, Section

    context = _pdf_context(world)
    context["sections"].append(
        Section(
            key="concerns",
            title="Concerns",
            entries=[PrintEntry(title="", redacted=True, redaction_reason="TP")],
        )
    )
    context["redaction_rows"] = [
        {
            "section": "Concerns",
            "when": "1 Dec 2026",
            "what": "Whole entry",
            "code": "TP",
            "reason": "third-party information",
        }
    ]
    context["reason_codes"] = SubjectAccessRedaction.Reason.choices
    return render_to_string("pdf/sar.html", context)


DIRECT: dict[str, Callable[[World], str]] = {
    "pdf/base.html": _pdf,
    "pdf/_section.html": _pdf,
    "pdf/_entry.html": _pdf,
    "pdf/_table.html": _pdf,
    "reports/_imported_attendance.html": lambda world: render_to_string(
        "reports/_imported_attendance.html",
        {"a": {"start": "2026-09-01", "end": "2026-11-30", "possible": 120, "attendance": "95.0%"}},
    ),
    "pdf/sar.html": _sar_pdf,
    "pdf/_sar_section.html": _sar_pdf,
    "pdf/_sar_entry.html": _sar_pdf,
}


def _direct_renders(world: World) -> list[str]:
    problems: list[str] = []
    for name, render in DIRECT.items():
        with _rolled_back():
            problems += _check_html(render(world), name)
    return problems


def test_every_template_renders(world: World) -> None:
    import tests.hooks  # noqa: F401  (the apps' world hooks, as in the matrix)

    problems: list[str] = []
    with _recording() as seen:
        for case, role in _page_cases():
            with _rolled_back():
                if case.setup is not None:
                    case.setup(world)
                client = sign_in(Client(), world.user(role), school=world.school)
                url = reverse(case.name, kwargs=case.kwargs(world))
                if case.query:
                    url = f"{url}?{case.query}"
                data = case.data(world) if case.data else {}
                response = getattr(client, case.method)(url, data=data, **case.headers)
                if response.status_code != case.expect[role]:
                    problems.append(
                        f"{case.id} as {role}: {response.status_code}, expected {case.expect[role]}"
                    )
                problems += _check_html(_content(response), f"{case.id} as {role}")
        for label, (visit, statuses) in VISITS.items():
            with _rolled_back():
                response = visit(world)
            if response.status_code not in statuses:
                problems.append(f"{label}: {response.status_code}, expected one of {statuses}")
            problems += _check_html(_content(response), label)
        problems += _direct_renders(world)
    never = sorted(set(ALL_TEMPLATES) - seen)
    assert not never, (
        "templates no test renders (render them through their page, or add them to "
        f"VISITS or DIRECT in {Path(__file__).name}): {never}"
    )
    assert not problems, "\n".join(problems)


def test_direct_renders_name_real_templates() -> None:
    stale = sorted(set(DIRECT) - set(ALL_TEMPLATES))
    assert not stale, f"DIRECT names templates that no longer exist: {stale}"
