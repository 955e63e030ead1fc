"""Subject access: a request, its two parts, redaction by phrase, the released pack.

ACCESS.md: an admin or a DSL records a request; the safeguarding section is
assembled, redacted and approved by a DSL only; nothing is released before
that approval; the admin sees no case content by any route. So:

* recording a request and following its status and dates needs
  Cap.RECORD_SUBJECT_ACCESS (admin, DSL); the learner is reached with
  directory scope only;
* the "records" part (profile, parents, attendance, plans, interventions,
  contacts) is assembled, and redacted, by whoever holds
  Cap.ASSEMBLE_SUBJECT_ACCESS for the learner (the SENCO, the learner's head
  of year, a DSL);
* the "safeguarding" part (concerns, records from previous schools, CP-file
  transfers), its approval and the release need Cap.EXPORT_SUBJECT_ACCESS
  (the DSL team), and so does the report job: only a DSL can download it.

A redaction withholds a phrase (every occurrence, in the entry and the
entries under it) or the whole entry, with a reason code. The PDF prints a
black box with the code where the text was, never the text, and ends with a
list of what was withheld and why (reasons, never the text).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from caseload.models import SubjectAccessRedaction, SubjectAccessRequest
from caseload.reports.sar_redaction import (
    PartEntry as PartEntry,
)
from caseload.reports.sar_redaction import (
    _texts as _texts,
)
from caseload.reports.sar_redaction import (
    _walk as _walk,
)
from caseload.reports.sar_redaction import (
    active_redactions as active_redactions,
)
from caseload.reports.sar_redaction import (
    apply_redactions as apply_redactions,
)
from caseload.reports.sar_redaction import (
    entry_refs as entry_refs,
)
from caseload.reports.sar_redaction import (
    mask as mask,
)
from caseload.reports.sar_redaction import (
    part_entries as part_entries,
)
from caseload.reports.sar_redaction import (
    part_left_empty as part_left_empty,
)
from caseload.reports.sections import (
    attendance_section,
    contacts_section,
    interventions_section,
    parents_section,
    plans_section,
    profile_section,
)
from pastoral import audit, nav
from pastoral.access import Cap, Scope, learner_filter, learner_or_404, require, roles_label
from pastoral.models import Learner
from pastoral.reports import registry
from pastoral.reports.models import ReportJob
from pastoral.reports.printing import PrintEntry, Section, total_entries
from pastoral.reports.selectors import cp_transfers_for, imported_entries_for
from safeguarding.models import Concern
from safeguarding.transfers import concern_entries

SUBJECT_ACCESS = "subject_access"
RECORDS = SubjectAccessRequest.Part.RECORDS
SAFEGUARDING = SubjectAccessRequest.Part.SAFEGUARDING
Reason = SubjectAccessRedaction.Reason

# --- who may reach what --------------------------------------------------------------


def sars_for(scope: Scope | None) -> QuerySet[SubjectAccessRequest]:
    """Requests the person may follow: the whole school's for those who record
    them (admin, DSL); those about learners they assemble records for otherwise."""
    if scope is None:
        return SubjectAccessRequest.objects.none()
    qs = SubjectAccessRequest.objects.filter(school=scope.school).select_related(
        "learner", "learner__year_group"
    )
    if scope.can(Cap.RECORD_SUBJECT_ACCESS):
        return qs
    if scope.can(Cap.ASSEMBLE_SUBJECT_ACCESS):
        return qs.filter(learner_filter(scope, Cap.ASSEMBLE_SUBJECT_ACCESS, prefix="learner__"))
    return qs.none()


def sar_for(scope: Scope | None, pk: int) -> SubjectAccessRequest:
    sar = sars_for(scope).filter(pk=pk).first()
    if sar is None:
        raise Http404("Not found")
    return sar


def sar_learner_for_request(scope: Scope | None, pk: int) -> Learner:
    """The learner a new request is about: directory scope only (the admin has no case scope)."""
    scope = require(scope, Cap.RECORD_SUBJECT_ACCESS)
    return learner_or_404(scope, pk, Cap.SEARCH_LEARNERS)


PART_CAP = {RECORDS: Cap.ASSEMBLE_SUBJECT_ACCESS, SAFEGUARDING: Cap.EXPORT_SUBJECT_ACCESS}


def sar_part_for(scope: Scope | None, pk: int, part: str) -> SubjectAccessRequest:
    """A request whose part the person may assemble: 404 otherwise."""
    cap = PART_CAP.get(part)
    if cap is None:
        raise Http404("Not found")
    scope = require(scope, cap)
    sar = SubjectAccessRequest.objects.select_related("learner").filter(school=scope.school, pk=pk)
    sar = sar.filter(learner_filter(scope, cap, prefix="learner__")).first()
    if sar is None:
        raise Http404("Not found")
    return sar


# --- the sections of each part ------------------------------------------------------


def records_sections(scope: Scope, learner: Learner) -> list[Section]:
    require(scope, Cap.ASSEMBLE_SUBJECT_ACCESS)
    return [
        profile_section(learner),
        parents_section(learner),
        attendance_section(scope, learner),
        plans_section(learner),
        interventions_section(learner),
        contacts_section(learner),
    ]


def safeguarding_sections(scope: Scope, learner: Learner) -> list[Section]:
    """Every safeguarding record of the learner, all levels (DSL team only)."""
    require(scope, Cap.EXPORT_SUBJECT_ACCESS)
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
        for e in imported_entries_for(scope, learner)
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
        for t in cp_transfers_for(scope).filter(learner=learner)
    ]
    return [
        Section(
            key="concerns",
            title="Safeguarding and pastoral concerns",
            # The learner's own part only: their role and categories, never another's.
            entries=concern_entries(concerns, learner),
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


def part_sections(scope: Scope, sar: SubjectAccessRequest, part: str) -> list[Section]:
    if part == SAFEGUARDING:
        return safeguarding_sections(scope, sar.learner)
    return records_sections(scope, sar.learner)


# --- writes ---------------------------------------------------------------------------


def _sar_audit(action: str, scope: Scope, sar: SubjectAccessRequest, **changes: Any) -> None:
    audit.record(
        f"caseload.sar.{action}",
        actor=scope.user,
        school=scope.school,
        obj=sar,
        learner=sar.learner,
        changes=changes,
    )


def _open(sar: SubjectAccessRequest) -> None:
    if sar.is_released:
        raise ValidationError("This request has been released: its pack can no longer change.")


@transaction.atomic
def sar_record(*, scope: Scope, learner: Learner, **fields: Any) -> SubjectAccessRequest:
    """Record a request about a learner (admin or DSL); the due date follows from receipt."""
    require(scope, Cap.RECORD_SUBJECT_ACCESS)
    if learner.school_id != scope.school.pk:
        raise Http404("Not found")
    today = timezone.localdate()
    errors = {}
    if fields["received_on"] > today:
        errors["received_on"] = "The date the request was received cannot be in the future."
    if fields["identity_checked_on"] > today:
        errors["identity_checked_on"] = "The identity check cannot be in the future."
    if errors:
        raise ValidationError(errors)
    sar = SubjectAccessRequest(
        school=scope.school, learner=learner, recorded_by=scope.user, **fields
    )
    sar.full_clean()
    sar.save()
    _sar_audit(
        "recorded",
        scope,
        sar,
        requester_relationship=sar.requester_relationship,
        received_on=sar.received_on,
        due_on=sar.due_on,
        identity_checked_by=sar.identity_checked_by,
        identity_checked_on=sar.identity_checked_on,
        identity_method=sar.identity_method,
    )
    return sar


@transaction.atomic
def sar_extend(
    *, scope: Scope, sar: SubjectAccessRequest, months: int, reason: str
) -> SubjectAccessRequest:
    """Extend the due date by up to two further months in all, with a reason (ICO guidance)."""
    require(scope, Cap.RECORD_SUBJECT_ACCESS)
    _open(sar)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the extension."})
    if not 1 <= months <= SubjectAccessRequest.MAX_EXTENSION_MONTHS:
        raise ValidationError({"months": "Extend by one or two months."})
    before = sar.due_on
    sar.extension_months = months
    sar.extension_reason = reason.strip()
    sar.save(update_fields=["extension_months", "extension_reason"])
    _sar_audit(
        "extended", scope, sar, due_on=[before, sar.due_on], months=months, reason=reason.strip()
    )
    return sar


def _unapprove(sar: SubjectAccessRequest, part: str) -> list[str]:
    if part == SAFEGUARDING and sar.safeguarding_approved_at:
        sar.safeguarding_approved_at = None
        sar.safeguarding_approved_by = None
        sar.safeguarding_refs = []
        return ["safeguarding_approved_at", "safeguarding_approved_by", "safeguarding_refs"]
    if part == RECORDS and sar.records_assembled_at:
        sar.records_assembled_at = None
        sar.records_assembled_by = None
        sar.records_refs = []
        return ["records_assembled_at", "records_assembled_by", "records_refs"]
    return []


@transaction.atomic
def sar_redaction_add(
    *,
    scope: Scope,
    sar: SubjectAccessRequest,
    part: str,
    sections: list[Section],
    ref: str,
    phrase: str,
    reason: str,
) -> SubjectAccessRedaction:
    """Withhold a phrase of an entry (or the whole entry): the part must be approved again."""
    require(scope, PART_CAP[part])
    _open(sar)
    entry = next((e for _s, e, _d in _walk(sections) if e.ref and e.ref == ref), None)
    if entry is None:
        raise ValidationError({"ref": "Choose an entry of this part."})
    phrase = phrase.strip()
    if phrase:
        if len(phrase) < 2:
            raise ValidationError({"phrase": "Give at least two characters to withhold."})
        haystack = "\n".join(_texts(entry)).lower()
        if phrase.lower() not in haystack:
            raise ValidationError(
                {"phrase": "That text is not in this entry: copy it exactly as it appears."}
            )
    if reason not in Reason.values:
        raise ValidationError({"reason": "Choose the reason for withholding it."})
    redaction = SubjectAccessRedaction.objects.create(
        request=sar, part=part, ref=ref, phrase=phrase, reason=reason, created_by=scope.user
    )
    cleared = _unapprove(sar, part)
    if cleared:
        sar.save(update_fields=cleared)
    # The phrase itself is case content: the trail says where and why, not what.
    _sar_audit(
        "redaction_added",
        scope,
        sar,
        redaction=redaction.pk,
        part=part,
        ref=ref,
        reason=reason,
        whole_entry=not phrase,
        approval_cleared=bool(cleared),
    )
    return redaction


@transaction.atomic
def sar_redaction_withdraw(
    *, scope: Scope, sar: SubjectAccessRequest, part: str, redaction_id: int
) -> SubjectAccessRedaction:
    require(scope, PART_CAP[part])
    _open(sar)
    redaction = sar.redactions.filter(pk=redaction_id, part=part, withdrawn_at__isnull=True).first()
    if redaction is None:
        raise Http404("Not found")
    redaction.withdrawn_at = timezone.now()
    redaction.withdrawn_by = scope.user
    redaction.save(update_fields=["withdrawn_at", "withdrawn_by"])
    cleared = _unapprove(sar, part)
    if cleared:
        sar.save(update_fields=cleared)
    _sar_audit(
        "redaction_withdrawn",
        scope,
        sar,
        redaction=redaction.pk,
        part=part,
        ref=redaction.ref,
        reason=redaction.reason,
        approval_cleared=bool(cleared),
    )
    return redaction


@transaction.atomic
def sar_part_approve(
    *,
    scope: Scope,
    sar: SubjectAccessRequest,
    part: str,
    sections: list[Section],
    items: list[PartEntry],
    confirm_empty: bool,
) -> SubjectAccessRequest:
    """The records assembled (SENCO, head of year, DSL) or the safeguarding part
    approved (DSL only), as it stands now."""
    require(scope, PART_CAP[part])
    _open(sar)
    if part_left_empty(items) and not confirm_empty:
        raise ValidationError(
            {
                "confirm_empty": "Every entry of this part is withheld: the requester would "
                "receive nothing of it. Tick to confirm that this is intended."
            }
        )
    refs = entry_refs(sections)
    now = timezone.now()
    if part == SAFEGUARDING:
        sar.safeguarding_approved_at, sar.safeguarding_approved_by = now, scope.user
        sar.safeguarding_refs = refs
        fields = ["safeguarding_approved_at", "safeguarding_approved_by", "safeguarding_refs"]
    else:
        sar.records_assembled_at, sar.records_assembled_by = now, scope.user
        sar.records_refs = refs
        fields = ["records_assembled_at", "records_assembled_by", "records_refs"]
    sar.save(update_fields=fields)
    _sar_audit(
        "safeguarding_approved" if part == SAFEGUARDING else "records_assembled",
        scope,
        sar,
        entries=len(refs),
        redactions=sum(len(i.redactions) for i in items),
        names_flagged=sum(1 for i in items if i.names),
        left_empty=part_left_empty(items),
    )
    return sar


def release_problems(scope: Scope, sar: SubjectAccessRequest) -> list[str]:
    """Why the pack may not be released yet (empty list: it may)."""
    problems = []
    if not sar.records_assembled_at:
        problems.append("The records part has not been assembled.")
    elif entry_refs(records_sections(scope, sar.learner)) != sorted(sar.records_refs):
        problems.append("Records were added or removed since they were assembled: assemble again.")
    if not sar.safeguarding_approved_at:
        problems.append("A DSL has not approved the safeguarding part.")
    elif entry_refs(safeguarding_sections(scope, sar.learner)) != sorted(sar.safeguarding_refs):
        problems.append(
            "Safeguarding records were added or removed since the approval: approve again."
        )
    return problems


def sar_release(*, scope: Scope, sar: SubjectAccessRequest) -> ReportJob:
    """Generate the pack (DSL only, after both parts are done): the DSL releases it."""
    from pastoral.reports import services as reports

    require(scope, Cap.EXPORT_SUBJECT_ACCESS)
    _open(sar)
    problems = release_problems(scope, sar)
    if problems:
        raise ValidationError(problems)
    job = reports.report_request(
        scope=scope,
        kind=SUBJECT_ACCESS,
        title=f"Subject-access pack {sar.reference}",
        learner=sar.learner,
        params={"sar": sar.pk},
    )
    if job.status == ReportJob.Status.FAILED:
        raise ValidationError(job.error or "The pack could not be generated. Try again.")
    with transaction.atomic():
        sar.released_at, sar.released_by, sar.report_job = timezone.now(), scope.user, job
        sar.save(update_fields=["released_at", "released_by", "report_job"])
        _sar_audit("released", scope, sar, report_job=job.pk, due_on=sar.due_on)
    return job


# --- the pack ---------------------------------------------------------------------------


def build_subject_access(
    scope: Scope, job: ReportJob, progress: registry.Progress
) -> dict[str, Any]:
    require(scope, Cap.EXPORT_SUBJECT_ACCESS)
    sar = (
        SubjectAccessRequest.objects.select_related("learner", "learner__school")
        .filter(school=scope.school, pk=job.params.get("sar"), learner_id=job.learner_id)
        .first()
    )
    if sar is None:
        raise Http404("Not found")
    learner = sar.learner
    sections = records_sections(scope, learner) + safeguarding_sections(scope, learner)
    progress(40, "Applying redactions")
    rows = apply_redactions(sections, active_redactions(sar))
    return {
        "sections": sections,
        "redaction_rows": rows,
        "reason_codes": Reason.choices,
        "subject": f"{learner.display_name} (UPN {learner.upn})",
        "cover_facts": [
            ("Request", sar.reference),
            ("Requested by", f"{sar.requester_name} ({sar.get_requester_relationship_display()})"),
            ("Request received", sar.received_on.strftime("%d %b %Y")),
            ("Due", sar.due_on.strftime("%d %b %Y")),
            ("Passages and entries withheld", str(len(rows)) if rows else "None"),
        ],
        "exporter_roles": roles_label(scope.roles),
        "handling": (
            "Subject-access disclosure. Withheld text is shown as a black box with its reason "
            "code; the list at the end gives every reason. Release only to the verified requester."
        ),
        "_entries": total_entries(sections),
    }


def estimate_subject_access(scope: Scope, job: ReportJob) -> int:
    learner = job.learner
    if learner is None:
        return 0
    return (
        Concern.objects.filter(school=scope.school, learner_links__learner=learner).count()
        + learner.contact_logs.count()
    )


nav.register_learner_link(
    nav.LearnerLink(
        "Subject-access request",
        "caseload_reports:sar-record",
        order=95,
        cap=Cap.RECORD_SUBJECT_ACCESS,
        case_scope=False,
    )
)
nav.register(
    nav.NavItem(
        "Subject access", "caseload_reports:sar-list", order=84, cap=Cap.RECORD_SUBJECT_ACCESS
    )
)

registry.register(
    registry.ReportKind(
        kind=SUBJECT_ACCESS,
        label="Subject-access pack",
        cap=Cap.EXPORT_SUBJECT_ACCESS,
        build=build_subject_access,
        template="pdf/sar.html",
        estimate=estimate_subject_access,
    )
)
