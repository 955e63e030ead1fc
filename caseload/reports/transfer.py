"""The transfer report (a learner is leaving: head of year for their years,
SENCO, DSL) and the case-conference summary.

The transfer report holds the profile, parents and carers, attendance history
and targets, plans and reviews, interventions and sessions, contacts log, and
the *pastoral* concerns the exporter may see. Restricted (CP) content never
goes in it, even for a DSL: it travels separately in the CP-file pack
(safeguarding.transfers). The case-conference summary holds current plans,
recent concerns (scoped), attendance and contacts since a date.
"""

from __future__ import annotations

from typing import Any

from behaviour import reports as behaviour_reports
from caseload.reports.sections import (
    attendance_section,
    concerns_section,
    contacts_section,
    estimate_learner_record,
    interventions_section,
    job_learner,
    job_since,
    parents_section,
    plans_section,
    profile_section,
)
from pastoral.access import Cap, Scope, roles_label
from pastoral.reports import registry
from pastoral.reports.models import ReportJob
from pastoral.reports.printing import total_entries

TRANSFER = "transfer"
CASE_CONFERENCE = "case_conference"

TRANSFER_SECTIONS = [
    ("profile", "Profile"),
    ("parents", "Parents and carers"),
    ("attendance", "Attendance history and targets"),
    ("plans", "Plans and their reviews"),
    ("interventions", "Interventions and sessions"),
    ("contacts", "Contacts log"),
    ("behaviour", "Behaviour this school year"),
    ("concerns", "Pastoral concerns"),
]
CONFERENCE_SECTIONS = [
    ("profile", "Profile"),
    ("plans", "Current plans"),
    ("concerns", "Recent concerns"),
    ("attendance", "Attendance"),
    ("contacts", "Contacts since the date"),
]


def _chosen(job: ReportJob, options: list[tuple[str, str]]) -> list[str]:
    keys = [key for key, _label in options]
    picked = job.params.get("sections") or keys
    return [key for key in keys if key in picked]


def build_transfer(scope: Scope, job: ReportJob, progress: registry.Progress) -> dict[str, Any]:
    learner = job_learner(scope, job, Cap.EXPORT_TRANSFER)
    chosen = _chosen(job, TRANSFER_SECTIONS)
    builders = {
        "profile": lambda: profile_section(learner),
        "parents": lambda: parents_section(learner),
        "attendance": lambda: attendance_section(scope, learner),
        "plans": lambda: plans_section(learner),
        "interventions": lambda: interventions_section(learner),
        "contacts": lambda: contacts_section(learner),
        "behaviour": lambda: behaviour_reports.transfer_section(scope, learner),
        "concerns": lambda: concerns_section(scope, learner, pastoral_only=True),
    }
    sections = []
    for index, key in enumerate(chosen):
        progress(
            5 + 50 * index // max(len(chosen), 1),
            f"Collecting {dict(TRANSFER_SECTIONS)[key].lower()}",
        )
        sections.append(builders[key]())
    labels = dict(TRANSFER_SECTIONS)
    return {
        "sections": sections,
        "subject": f"{learner.display_name}, {learner.year_group} (UPN {learner.upn})",
        "cover_facts": [
            ("Leaving for", job.params.get("destination") or "—"),
            ("Sections", ", ".join(labels[k] for k in chosen)),
        ],
        "exporter_roles": roles_label(scope.roles),
        "_entries": total_entries(sections),
    }


# --- case-conference summary ------------------------------------------------------------


def build_case_conference(
    scope: Scope, job: ReportJob, progress: registry.Progress
) -> dict[str, Any]:
    learner = job_learner(scope, job, Cap.EXPORT_TRANSFER)
    since = job_since(job)
    chosen = _chosen(job, CONFERENCE_SECTIONS)
    sections = []
    if "profile" in chosen:
        sections.append(profile_section(learner))
    if "plans" in chosen:
        sections.append(plans_section(learner, open_only=True))
    progress(25, "Collecting concerns")
    if "concerns" in chosen:
        sections.append(
            concerns_section(
                scope, learner, pastoral_only=False, since=since, title="Recent concerns"
            )
        )
    if "attendance" in chosen:
        sections.append(
            attendance_section(scope, learner, since=since.date() if since else None, history=False)
        )
    if "contacts" in chosen:
        sections.append(contacts_section(learner, since=since))
    return {
        "sections": sections,
        "subject": f"{learner.display_name}, {learner.year_group}",
        "cover_facts": [
            ("Meeting", job.params.get("meeting") or "—"),
            ("Since", since.strftime("%d %b %Y") if since else "the whole record"),
        ],
        "exporter_roles": roles_label(scope.roles),
        "_entries": total_entries(sections),
    }


registry.register(
    registry.ReportKind(
        kind=TRANSFER,
        label="Transfer report",
        cap=Cap.EXPORT_TRANSFER,
        build=build_transfer,
        template="pdf/base.html",
        estimate=estimate_learner_record,
    )
)
registry.register(
    registry.ReportKind(
        kind=CASE_CONFERENCE,
        label="Case-conference summary",
        cap=Cap.EXPORT_TRANSFER,
        build=build_case_conference,
        template="pdf/base.html",
        estimate=estimate_learner_record,
    )
)
