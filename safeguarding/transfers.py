"""The child-protection file transfer pack (DSL only), and concerns as print entries.

KCSIE: when a learner leaves, the DSL sends the CP file to the new school's
DSL separately from the main pupil file, and confirms receipt. This module
builds that pack from the learner's CP chronology; the transfer record and
its receipt live in pastoral.reports (CPFileTransfer). It never imports
caseload (safeguarding sits below it); caseload's reports reuse
`concern_entries` for the pastoral concerns of a transfer report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.http import Http404
from django.utils import timezone
from weasyprint import Attachment as PdfAttachment

from pastoral import nav
from pastoral.access import Cap, Scope, learner_or_404, roles_label
from pastoral.reports import registry
from pastoral.reports.fetcher import StaticOnlyFetcher
from pastoral.reports.models import ReportJob
from pastoral.reports.printing import (
    PrintEntry,
    Section,
    contact_entries,
    learner_facts,
    total_entries,
)
from safeguarding.models import Attachment, Concern, ConcernAction, ConcernEntry
from safeguarding.selectors import cp_chronology_for

CP_FILE = "cp_file"


def _names(items: Iterable[Any]) -> str:
    return ", ".join(str(item) for item in items)


def _entry_of(entry: ConcernEntry) -> PrintEntry:
    text = entry.text
    if entry.reason:
        text = f"{text}\nReason: {entry.reason}" if text else f"Reason: {entry.reason}"
    return PrintEntry(
        title=entry.get_kind_display(),
        when=entry.created_at,
        meta=f"By {entry.author}",
        body=text,
        ref=f"concern-entry:{entry.pk}",
    )


def _action_of(action: ConcernAction) -> PrintEntry:
    facts: list[tuple[str, Any]] = [("Taken on", action.taken_on.strftime("%d %b %Y"))]
    if action.details:
        facts.append(("Details", action.details))
    facts.append(("Outcome", action.outcome or "No outcome recorded yet"))
    if action.follow_up_due:
        facts.append(("Follow-up due", action.follow_up_due.strftime("%d %b %Y")))
    if action.completed_at:
        facts.append(("Completed", timezone.localtime(action.completed_at).strftime("%d %b %Y")))
    return PrintEntry(
        title=f"Action: {action.get_kind_display()}",
        when=action.created_at,
        meta=f"Recorded by {action.recorded_by}",
        facts=facts,
        ref=f"concern-action:{action.pk}",
    )


def concern_entry(
    concern: Concern,
    entries: list[ConcernEntry],
    actions: list[ConcernAction],
    attachments: list[Attachment] | None = None,
) -> PrintEntry:
    """One concern with its follow-ups, DSL entries and actions in time order."""
    facts: list[tuple[str, Any]] = [
        ("Learners", _names(link.learner for link in concern.learner_links.all())),
        ("Categories", _names(concern.categories.all()) or "—"),
        ("Status", concern.get_status_display()),
    ]
    if concern.location:
        facts.append(("Where", concern.location))
    facts.append(("What was seen or said", concern.description))
    if concern.action_taken:
        facts.append(("Action already taken", concern.action_taken))
    if concern.closed_at:
        facts.append(("Closed", f"{concern.closed_at:%d %b %Y} {concern.close_reason}".strip()))
    if attachments:
        facts.append(
            (
                "Attachments",
                "; ".join(f"{a.original_name} ({a.size // 1024 + 1} KB)" for a in attachments),
            )
        )
    timeline = sorted(
        [(e.created_at, _entry_of(e)) for e in entries]
        + [(a.created_at, _action_of(a)) for a in actions],
        key=lambda item: item[0],
    )
    return PrintEntry(
        title=f"{concern.reference}: {_names(concern.categories.all()) or 'Concern'}",
        when=concern.occurred_at,
        kind="Concern",
        meta=f"Logged by {concern.author} on {timezone.localtime(concern.submitted_at):%d %b %Y %H:%M}",
        level="restricted" if concern.is_restricted else "",
        facts=facts,
        children=[item for _when, item in timeline],
        ref=f"concern:{concern.pk}",
    )


def concern_entries(concerns: list[Concern]) -> list[PrintEntry]:
    """Print entries for concerns the caller already scoped to full access (3 queries)."""
    ids = [c.pk for c in concerns]
    entries: dict[int, list[ConcernEntry]] = defaultdict(list)
    actions: dict[int, list[ConcernAction]] = defaultdict(list)
    for e in ConcernEntry.objects.filter(concern_id__in=ids).select_related("author"):
        entries[e.concern_id].append(e)
    for a in ConcernAction.objects.filter(concern_id__in=ids).select_related("recorded_by"):
        actions[a.concern_id].append(a)
    return [concern_entry(c, entries[c.pk], actions[c.pk]) for c in concerns]


def sender_facts(scope: Scope) -> list[tuple[str, Any]]:
    """The sending DSL's details, so the receiving school knows whom to call."""
    user = scope.user
    return [
        ("Name", user.full_name),
        ("Role", roles_label(scope.roles)),
        ("Job title", user.job_title or "—"),
        ("E-mail", user.email),
        ("School", f"{scope.school.name} (URN {scope.school.urn})"),
    ]


def _cp_learner(scope: Scope, job: ReportJob):  # type: ignore[no-untyped-def]
    if job.learner_id is None:
        raise Http404("Not found")
    return learner_or_404(scope, job.learner_id, Cap.EXPORT_CP_FILE)


def estimate_cp_file(scope: Scope, job: ReportJob) -> int:
    learner = _cp_learner(scope, job)
    concerns = Concern.objects.filter(
        school=scope.school, level=Concern.Level.RESTRICTED, learner_links__learner=learner
    )
    ids = concerns.values("pk")
    return (
        concerns.count()
        + ConcernEntry.objects.filter(concern_id__in=ids).count()
        + ConcernAction.objects.filter(concern_id__in=ids).count()
    )


def build_cp_file(scope: Scope, job: ReportJob, progress: registry.Progress) -> dict[str, Any]:
    """The CP file: profile, parents, the whole CP chronology, attachments, sender."""
    learner = _cp_learner(scope, job)
    chronology = cp_chronology_for(scope, learner)
    progress(30, "Reading the child-protection chronology")
    include_files = bool(job.params.get("include_attachments"))
    entries: list[PrintEntry] = []
    listed: list[Attachment] = []
    for concern in chronology:
        files = list(concern.attachments.all())
        listed.extend(files)
        entries.append(
            concern_entry(
                concern,
                [item for _w, kind, item in concern.timeline if kind == "entry"],
                [item for _w, kind, item in concern.timeline if kind == "action"],
                attachments=files,
            )
        )
    receiving = job.params.get("receiving_school", "")
    sections = [
        Section(
            key="transfer",
            title="Transfer",
            facts=[
                ("Receiving school", receiving or "—"),
                ("Receiving DSL", job.params.get("receiving_dsl") or "—"),
                ("Method", job.params.get("method_label") or "—"),
                ("Sending DSL", scope.user.full_name),
            ],
            intro=(
                "This child-protection file is sent separately from the main pupil file, "
                "as Keeping Children Safe in Education requires. Please confirm receipt to "
                "the sending DSL below."
            ),
        ),
        Section(key="sender", title="Sending DSL", facts=sender_facts(scope)),
        Section(key="profile", title="Learner", facts=learner_facts(learner)),
        Section(
            key="parents",
            title="Parents and carers",
            entries=contact_entries(learner),
            empty_text="Nothing recorded: no parents or carers are held.",
        ),
        Section(
            key="chronology",
            title="Child-protection chronology",
            intro="Every restricted concern, oldest first, with its entries, actions and outcomes.",
            entries=entries,
            empty_text="Nothing recorded: this learner has no child-protection concerns.",
        ),
        Section(
            key="attachments",
            title="Attachments",
            intro=(
                "The files are embedded in this PDF (open your PDF reader's attachments panel)."
                if include_files
                else "Listed only: the files themselves are not included in this pack."
            ),
            entries=[
                PrintEntry(
                    title=a.original_name,
                    meta=f"{a.content_type}, {a.size // 1024 + 1} KB, sha256 {a.sha256}",
                    when=a.uploaded_at,
                    ref=f"attachment:{a.pk}",
                )
                for a in listed
            ],
            empty_text="Nothing recorded: no attachments are held.",
        ),
    ]
    pdf_attachments = []
    if include_files:
        for a in listed:
            with a.file.open("rb") as handle:
                pdf_attachments.append(
                    PdfAttachment(
                        string=handle.read(),
                        name=a.original_name,
                        description=a.original_name,
                        url_fetcher=StaticOnlyFetcher(),
                    )
                )
    progress(50, "Preparing the pack")
    return {
        "sections": sections,
        "subject": f"{learner.display_name}, {learner.year_group}",
        "cover_facts": [("Receiving school", receiving or "—")],
        "exporter_roles": roles_label(scope.roles),
        "handling": (
            "Child-protection file. Send only by a secure method to the receiving school's "
            "DSL; do not send with the main pupil file. Confirm receipt."
        ),
        "pdf_attachments": pdf_attachments,
        "_entries": total_entries(sections),
    }


registry.register(
    registry.ReportKind(
        kind=CP_FILE,
        label="Child-protection file transfer",
        cap=Cap.EXPORT_CP_FILE,
        build=build_cp_file,
        template="pdf/base.html",
        estimate=estimate_cp_file,
    )
)


nav.register_learner_link(
    nav.LearnerLink(
        "Transfer CP file", "safeguarding_reports:cp-transfer", order=91, cap=Cap.EXPORT_CP_FILE
    )
)
