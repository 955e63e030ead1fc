"""Subject-access export: everything the school holds about one learner.

Exported by a DSL or the school administrator (Cap.EXPORT_SUBJECT_ACCESS).
Before export, the person marks the entries that hold third-party
information (another child's details in a group-session note, a parent's
disclosure about someone else): those entries are printed as "[Redacted ...]"
with the reason, and the list of redactions goes into the audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from caseload.reports.sections import (
    attendance_section,
    contacts_section,
    estimate_learner_record,
    interventions_section,
    job_learner,
    parents_section,
    plans_section,
    profile_section,
)
from pastoral import nav
from pastoral.access import Cap, Scope, learner_or_404, roles_label
from pastoral.models import Learner, Role
from pastoral.reports import registry
from pastoral.reports.models import ReportJob
from pastoral.reports.printing import PrintEntry, Section, redact, total_entries
from pastoral.reports.selectors import cp_transfers_for, imported_entries_for
from safeguarding.models import Concern
from safeguarding.transfers import concern_entries

SUBJECT_ACCESS = "subject_access"
DEFAULT_REASON = "third-party information"


def _record_scope(scope: Scope) -> Scope:
    """A read scope over the whole school record, for this export only.

    Cap.EXPORT_SUBJECT_ACCESS is itself the authority to read everything held
    about the learner (the administrator holds it without any case role), so
    the apps' selectors are asked as a DSL would be. It is used only inside
    this builder, for the one learner already checked against the capability.
    """
    return Scope(user=scope.user, school=scope.school, roles=frozenset({Role.DSL, Role.STAFF}))


def sar_learner(scope: Scope, pk: int) -> Learner:
    return learner_or_404(scope, pk, Cap.EXPORT_SUBJECT_ACCESS)


def sar_sections(scope: Scope, learner: Learner) -> list[Section]:
    """The whole record, section by section (unredacted)."""
    record = _record_scope(scope)
    concerns = list(
        Concern.objects.filter(school=scope.school, learner_links__learner=learner)
        .select_related("author")
        .prefetch_related("categories", "learner_links__learner")
        .distinct()
        .order_by("occurred_at", "id")
    )
    imported = [
        PrintEntry(
            title=e.title,
            when=e.occurred_at,
            kind=e.get_kind_display(),
            meta=f"{e.bundle.origin_label} · ref {e.origin_ref}",
            body=e.body,
            level="restricted" if e.level == "restricted" else "",
            ref=f"imported:{e.pk}",
        )
        for e in imported_entries_for(record, learner)
    ]
    transfers = [
        PrintEntry(
            title=f"CP file sent to {t.receiving_school}",
            when=t.sent_at,
            meta=f"By {t.sent_by} · {t.get_method_display()}",
            facts=[
                (
                    "Receipt",
                    f"confirmed by {t.receipt_confirmed_by} on {t.receipt_confirmed_at:%d %b %Y}"
                    if t.is_confirmed
                    else "not confirmed",
                )
            ],
            ref=f"cp-transfer:{t.pk}",
        )
        for t in cp_transfers_for(record).filter(learner=learner)
    ]
    return [
        profile_section(learner),
        parents_section(learner),
        attendance_section(record, learner),
        plans_section(learner),
        interventions_section(learner),
        contacts_section(learner),
        Section(
            key="concerns",
            title="Safeguarding and pastoral concerns",
            entries=concern_entries(concerns),
            empty_text="Nothing recorded: no concerns are held.",
        ),
        Section(
            key="imported",
            title="Records from previous schools",
            entries=imported,
            empty_text="Nothing recorded: no records were imported from previous schools.",
        ),
        Section(
            key="transfers",
            title="Child-protection file transfers",
            entries=transfers,
            empty_text="Nothing recorded: the CP file has not been transferred.",
        ),
    ]


@dataclass
class RedactionItem:
    ref: str
    section: str
    title: str
    when: Any
    excerpt: str
    depth: int


def redaction_items(sections: list[Section]) -> list[RedactionItem]:
    """Every entry of the record, flattened, for the redaction step's checkboxes."""
    items: list[RedactionItem] = []

    def walk(section: Section, entries: list[PrintEntry], depth: int) -> None:
        for entry in entries:
            if entry.ref:
                text = entry.body or " ".join(str(v) for _k, v in entry.facts if v)
                items.append(
                    RedactionItem(
                        ref=entry.ref,
                        section=section.title,
                        title=entry.title,
                        when=entry.when,
                        excerpt=text[:240],
                        depth=depth,
                    )
                )
            walk(section, entry.children, depth + 1)

    for section in sections:
        walk(section, section.entries, 0)
    return items


def build_subject_access(
    scope: Scope, job: ReportJob, progress: registry.Progress
) -> dict[str, Any]:
    learner = job_learner(scope, job, Cap.EXPORT_SUBJECT_ACCESS)
    sections = sar_sections(scope, learner)
    progress(40, "Applying redactions")
    refs = set(job.params.get("redact") or [])
    reason = job.params.get("reason") or DEFAULT_REASON
    done = redact(sections, refs, reason)
    return {
        "sections": sections,
        "subject": f"{learner.display_name} (UPN {learner.upn})",
        "cover_facts": [
            ("Request received", job.params.get("received") or "—"),
            ("Entries redacted", f"{done} ({reason})" if done else "None"),
        ],
        "exporter_roles": roles_label(scope.roles),
        "handling": (
            "Subject-access disclosure. Check the redactions before release; "
            "release only to the verified requester."
        ),
        "_entries": total_entries(sections),
    }


def estimate_subject_access(scope: Scope, job: ReportJob) -> int:
    return estimate_learner_record(_record_scope(scope), job)


nav.register_learner_link(
    nav.LearnerLink(
        "Subject-access export",
        "caseload_reports:subject-access",
        order=95,
        cap=Cap.EXPORT_SUBJECT_ACCESS,
        case_scope=False,
    )
)

registry.register(
    registry.ReportKind(
        kind=SUBJECT_ACCESS,
        label="Subject-access export",
        cap=Cap.EXPORT_SUBJECT_ACCESS,
        build=build_subject_access,
        template="pdf/base.html",
        estimate=estimate_subject_access,
    )
)
