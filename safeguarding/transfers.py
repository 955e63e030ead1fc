"""The child-protection file transfer pack (DSL only), and concerns as print entries.

KCSIE: when a learner leaves, the DSL sends the CP file to the new school's
DSL separately from the main pupil file, and confirms receipt. This module
builds that pack from the learner's CP chronology; the transfer record and
its receipt live in pastoral.reports (CPFileTransfer). It never imports
caseload (safeguarding sits below it); caseload's reports reuse
`concern_entries` for the pastoral concerns of a transfer report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
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
    Table,
    contact_entries,
    learner_facts,
    redact,
    total_entries,
)
from safeguarding.models import (
    Attachment,
    Concern,
    ConcernAction,
    ConcernDecision,
    ConcernEntry,
    ConcernLearner,
    Participant,
    Statement,
)
from safeguarding.selectors import correction_notes, cp_chronology_for, with_numbers

CP_FILE = "cp_file"


def _uk(value: Any) -> str:
    """A UK date without a leading zero: 12 Jan 2027."""
    return f"{value.day} {value:%b %Y}"


def _names(items: Iterable[Any]) -> str:
    return ", ".join(str(item) for item in items)


def _entry_of(entry: ConcernEntry) -> PrintEntry:
    text = entry.text
    if entry.body_map:
        text = f"{text}\nBody map corrected to: {'; '.join(entry.body_map_labels)}".strip()
    if entry.reason:
        text = f"{text}\nReason: {entry.reason}" if text else f"Reason: {entry.reason}"
    for note in getattr(entry, "corrected_by", ()):
        text = f"{text}\n[{note}]"
    number = getattr(entry, "number", None)
    return PrintEntry(
        title=f"Entry {number}: {entry.get_kind_display()}" if number else entry.get_kind_display(),
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


def _decision_of(decision: ConcernDecision) -> PrintEntry:
    return PrintEntry(
        title=f"Decision: {decision.get_kind_display()}",
        when=decision.made_at,
        meta=f"Decided by {decision.made_by}",
        facts=[("Decision", decision.decision), ("Rationale", decision.rationale)],
        ref=f"concern-decision:{decision.pk}",
    )


def concern_entry(
    concern: Concern,
    entries: list[ConcernEntry],
    actions: list[ConcernAction],
    attachments: list[Attachment] | None = None,
    *,
    decisions: list[ConcernDecision] = (),  # type: ignore[assignment]
    link: ConcernLearner | None = None,
    categories: list[str] | None = None,
) -> PrintEntry:
    """One concern with its follow-ups, DSL entries, actions and decisions in time
    order. With `link` (and `categories`), as one learner's record: their own role
    and categories, never another learner's."""
    category_names = (
        ", ".join(categories) if categories is not None else _names(concern.categories.all())
    )
    facts: list[tuple[str, Any]] = [
        ("Learners", _names(link.learner for link in concern.learner_links.all())),
    ]
    if link is not None:
        facts.append(("This learner's part", link.get_role_display()))
    facts += [
        ("Categories", category_names or "—"),
        ("Level", concern.get_level_display()),
        ("Status", concern.get_status_display()),
    ]
    if concern.location:
        facts.append(("Where", concern.location))
    facts.append(("What was seen or said", concern.description))
    notes = correction_notes(entries)
    if notes:
        facts.append(("Corrections", "; ".join(notes)))
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
        + [(a.created_at, _action_of(a)) for a in actions]
        + [(d.made_at, _decision_of(d)) for d in decisions],
        key=lambda item: item[0],
    )
    return PrintEntry(
        title=f"{concern.reference}: {category_names or 'Concern'}",
        when=concern.occurred_at,
        kind="Concern",
        meta=f"Logged by {concern.author} on {timezone.localtime(concern.submitted_at):%d %b %Y %H:%M}",
        level="restricted" if concern.is_restricted else "",
        facts=facts,
        children=[item for _when, item in timeline],
        ref=f"concern:{concern.pk}",
    )


def concern_entries(concerns: list[Concern], learner: Any = None) -> list[PrintEntry]:
    """Print entries for concerns the caller already scoped to full access (4 queries;
    5 with `learner`, whose own role and categories are then shown, never another
    learner's)."""
    ids = [c.pk for c in concerns]
    entries: dict[int, list[ConcernEntry]] = defaultdict(list)
    actions: dict[int, list[ConcernAction]] = defaultdict(list)
    decisions: dict[int, list[ConcernDecision]] = defaultdict(list)
    for e in with_numbers(ConcernEntry.objects.filter(concern_id__in=ids)).select_related("author"):
        entries[e.concern_id].append(e)
    for a in ConcernAction.objects.filter(concern_id__in=ids).select_related("recorded_by"):
        actions[a.concern_id].append(a)
    for d in ConcernDecision.objects.filter(concern_id__in=ids).select_related("made_by"):
        decisions[d.concern_id].append(d)
    links: dict[int, ConcernLearner] = {}
    if learner is not None:
        links = {
            link.concern_id: link
            for link in ConcernLearner.objects.filter(
                learner=learner, concern_id__in=ids
            ).prefetch_related("categories")
        }
    out = []
    for c in concerns:
        link = links.get(c.pk)
        own = [cat.name for cat in link.categories.all()] if link else []
        out.append(
            concern_entry(
                c,
                entries[c.pk],
                actions[c.pk],
                decisions=decisions[c.pk],
                link=link,
                categories=(own or [cat.name for cat in c.categories.all()]) if link else None,
            )
        )
    return out


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


def _learner_concerns(scope: Scope, learner: Any) -> Any:
    """Every concern about the learner in the school, all levels (the CP file's scope)."""
    return Concern.objects.filter(school=scope.school, learner_links__learner=learner)


def estimate_cp_file(scope: Scope, job: ReportJob) -> int:
    learner = _cp_learner(scope, job)
    concerns = _learner_concerns(scope, learner)
    ids = concerns.values("pk")
    return (
        concerns.count()
        + ConcernEntry.objects.filter(concern_id__in=ids).count()
        + ConcernAction.objects.filter(concern_id__in=ids).count()
        + ConcernDecision.objects.filter(concern_id__in=ids).count()
    )


REDACTION_REASONS = [
    ("third_party", "Third-party information"),
    ("serious_harm", "Likely to cause serious harm"),
    ("other_child", "Information about another child"),
]


@dataclass
class PackPreview:
    """What the CP pack would carry, told to the DSL before it is generated."""

    concerns: int
    restricted: int
    pastoral: int
    entries: int
    actions: int
    decisions: int
    attachments: int
    redacted_concerns: int
    choices: list[tuple[str, str]]

    @property
    def kept(self) -> int:
        return self.concerns - self.redacted_concerns

    @property
    def short(self) -> bool:
        """The learner has concerns but the pack would leave some (or all) out."""
        return self.concerns > 0 and self.kept < self.concerns

    @property
    def warning(self) -> str:
        if not self.short:
            return ""
        return (
            f"This learner has {self.concerns} concern{'s' if self.concerns != 1 else ''} "
            f"but the pack would carry {self.kept} in full: {self.redacted_concerns} would be "
            "redacted whole. Check the redactions, or confirm that the pack should go short."
        )


def cp_pack_preview(scope: Scope, learner: Any, redact_refs: Iterable[str] = ()) -> PackPreview:
    """The pack's contents before generation (DSL only), and the records a DSL may
    redact as third-party information: each concern and each of its entries."""
    chronology = cp_chronology_for(scope, learner)
    refs = set(redact_refs)
    choices: list[tuple[str, str]] = []
    counts = {"entry": 0, "action": 0, "decision": 0}
    for concern in chronology:
        when = _uk(timezone.localtime(concern.occurred_at))
        choices.append(
            (f"concern:{concern.pk}", f"{concern.reference} ({when}): the whole concern")
        )
        for _when, kind, item in concern.timeline:
            counts[kind] += 1
            if kind == "entry":
                choices.append(
                    (
                        f"concern-entry:{item.pk}",
                        f"{concern.reference} entry {item.number}: {item.get_kind_display()}",
                    )
                )
    restricted = sum(1 for c in chronology if c.is_restricted)
    return PackPreview(
        concerns=len(chronology),
        restricted=restricted,
        pastoral=len(chronology) - restricted,
        entries=counts["entry"],
        actions=counts["action"],
        decisions=counts["decision"],
        attachments=sum(len(c.attachments.all()) for c in chronology),
        redacted_concerns=sum(1 for c in chronology if f"concern:{c.pk}" in refs),
        choices=choices,
    )


def redact_phrases(sections: list[Section], phrases: Iterable[str], reason: str) -> int:
    """Replace each phrase (case-insensitive) wherever the pack prints text, with a
    mark that gives the reason, never the words; returns how many were replaced."""
    words = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not words:
        return 0
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    mark = f"[REDACTED: {reason}]"
    done = 0

    def sub(value: Any) -> Any:
        nonlocal done
        if not isinstance(value, str):
            return value
        new, n = pattern.subn(mark, value)
        done += n
        return new

    def walk(entries: list[PrintEntry]) -> None:
        for entry in entries:
            entry.title, entry.meta, entry.body = sub(entry.title), sub(entry.meta), sub(entry.body)
            entry.facts = [(label, sub(value)) for label, value in entry.facts]
            walk(entry.children)

    for section in sections:
        section.facts = [(label, sub(value)) for label, value in section.facts]
        if section.table:
            section.table.rows = [[sub(cell) for cell in row] for row in section.table.rows]
        walk(section.entries)
    return done


def investigation_parts(scope: Scope, learner: Any) -> list[PrintEntry]:
    """The learner's own part in the school's investigations: their statements and
    outcome, never another pupil's (2 queries)."""
    parts = (
        Participant.objects.filter(learner=learner, investigation__concern__school=scope.school)
        .select_related("investigation", "investigation__concern")
        .prefetch_related(
            Prefetch("statements", queryset=Statement.objects.select_related("taken_by"))
        )
        .order_by("investigation__opened_at", "id")
    )
    out = []
    for part in parts:
        inv = part.investigation
        out.append(
            PrintEntry(
                title=f"{inv.concern.reference}: {inv.title}",
                when=inv.opened_at,
                kind="Investigation",
                level="restricted" if inv.concern.is_restricted else "",
                facts=[
                    ("This learner's part", part.get_part_display()),
                    ("Outcome for this learner", part.outcome or "No outcome recorded yet"),
                ],
                children=[
                    PrintEntry(
                        title="Statement",
                        when=st.taken_at,
                        meta=f"Taken by {st.taken_by}",
                        body=st.text,
                        ref=f"statement:{st.pk}",
                    )
                    for st in part.statements.all()
                ],
                ref=f"participant:{part.pk}",
            )
        )
    return out


def build_cp_file(scope: Scope, job: ReportJob, progress: registry.Progress) -> dict[str, Any]:
    """The CP file: an index, the profile, parents, every safeguarding record of the
    learner (all levels) with each concern as this learner's part of it, decisions
    and corrections, attachments, the sender, redactions, and a receipt slip."""
    learner = _cp_learner(scope, job)
    chronology = cp_chronology_for(scope, learner)
    progress(30, "Reading the learner's safeguarding record")
    include_files = bool(job.params.get("include_attachments"))
    entries: list[PrintEntry] = []
    listed: list[Attachment] = []
    index_rows: list[list[Any]] = []
    for number, concern in enumerate(chronology, start=1):
        files = list(concern.attachments.all())
        listed.extend(files)
        timeline = concern.timeline
        entries.append(
            concern_entry(
                concern,
                [item for _w, kind, item in timeline if kind == "entry"],
                [item for _w, kind, item in timeline if kind == "action"],
                attachments=files,
                decisions=[item for _w, kind, item in timeline if kind == "decision"],
                link=concern.own_link,
                categories=concern.own_categories,
            )
        )
        index_rows.append(
            [
                str(number),
                _uk(timezone.localtime(concern.occurred_at)),
                concern.reference,
                concern.get_level_display(),
                concern.own_link.get_role_display(),
                ", ".join(concern.own_categories) or "—",
                concern.get_status_display(),
            ]
        )
    investigations = investigation_parts(scope, learner)
    receiving = job.params.get("receiving_school", "")
    sent_on = _uk(timezone.localtime(job.created_at))
    sections = [
        Section(
            key="index",
            title="Index",
            intro=(
                "Every safeguarding record of this learner held by the school, all levels, "
                "oldest first; each is set out in the chronology below."
            ),
            table=Table(
                headings=["No.", "Date", "Reference", "Level", "Role", "Categories", "Status"],
                rows=index_rows,
            ),
            empty_text="Nothing recorded: this learner has no safeguarding records.",
        ),
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
                "the sending DSL with the slip at the end."
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
            intro=(
                "Every safeguarding record of this learner, all levels (pastoral and "
                "restricted), oldest first, with its entries, actions, decisions and "
                "outcomes. Each concern shows this learner's own part and categories."
            ),
            entries=entries,
            empty_text="Nothing recorded: this learner has no safeguarding records.",
        ),
        Section(
            key="investigations",
            title="Investigations: this learner's part",
            intro=(
                "Investigations in which this learner took part (for example as a witness), "
                "with their own statements and outcome only."
            ),
            entries=investigations,
            empty_text="Nothing recorded: this learner took part in no investigation.",
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
    # Third-party redaction: whole entries, then phrases; the pack says what kind
    # of thing was taken out and why, never the words.
    reason = dict(REDACTION_REASONS).get(job.params.get("redaction_reason", ""), "third party")
    refs = set(job.params.get("redact_refs") or [])
    by_entry = redact(sections, refs, reason) if refs else 0
    by_phrase = redact_phrases(sections, job.params.get("redact_phrases") or [], reason)
    redaction_facts: list[tuple[str, Any]] = []
    if by_entry:
        redaction_facts.append(("Entries redacted", f"{by_entry} ({reason})"))
    if by_phrase:
        redaction_facts.append(("Passages redacted", f"{by_phrase} ({reason})"))
    sections.append(
        Section(
            key="redactions",
            title="Redactions",
            intro="What was redacted before this pack was sent, and why (never the words).",
            facts=redaction_facts,
            empty_text="Nothing was redacted.",
        )
    )
    sections.append(
        Section(
            key="receipt",
            title="Receipt slip for the receiving DSL",
            new_page=True,
            intro=(
                "Receiving DSL: please complete this slip and return it to the sending DSL "
                f"({scope.user.full_name}, {scope.user.email}) as soon as the file is received."
            ),
            facts=[
                ("Learner", f"{learner.display_name}, born {_uk(learner.date_of_birth)}"),
                ("Pack", f"Export {job.pk}, sent on {sent_on} by {scope.user.full_name}"),
                ("Records in the pack", str(len(chronology))),
                ("Received at (school)", receiving or "________________________"),
                ("Received by (name)", "________________________"),
                ("Role", "________________________"),
                ("Date received", "____ / ____ / ________"),
                ("Signature", "________________________"),
            ],
        )
    )
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
