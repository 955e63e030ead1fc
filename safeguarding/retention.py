"""Safeguarding's part in retention (pastoral/retention): the child-protection
file of a learner, kept until their date of birth + 25 years (IRMS toolkit;
KCSIE 2025), its disposal, and "a CP transfer is pending" as a blocker.

A learner's CP file is every concern they are linked to, with its entries,
actions, decisions, investigations and attachments. A concern about several
learners is shared by their files: disposing of one learner's file removes
only their link (and their part in its investigations, statements included);
the concern itself goes with the last learner's file.
"""

from __future__ import annotations

from django.db.models import Count, Max, Q

from pastoral.access import Scope
from pastoral.models import Learner
from pastoral.reports.models import CPFileTransfer, ReportJob
from pastoral.retention.registry import (
    Basis,
    Disposed,
    Holding,
    RecordType,
    only,
    register_blocker,
    register_record_type,
)
from safeguarding.models import Attachment, Concern, ConcernEntry, ConcernLearner, Participant
from safeguarding.models.concerns import private_storage

CP_FILE_KINDS = ("cp_file",)


def cp_file_holdings(school_id: int, learner_ids: list[int] | None = None) -> dict[int, Holding]:
    """learner id -> how many concerns they are linked to, and the latest (one query)."""
    rows = (
        ConcernLearner.objects.filter(concern__school_id=school_id, **only(learner_ids))
        .values("learner_id")
        .annotate(n=Count("concern_id", distinct=True), last=Max("concern__occurred_at"))
    )
    return {r["learner_id"]: Holding(r["n"], r["last"].date() if r["last"] else None) for r in rows}


def cp_file_dispose(scope: Scope, learner: Learner) -> Disposed:
    """Delete the learner's CP file (inside the caller's transaction)."""
    links = ConcernLearner.objects.filter(learner=learner, concern__school=scope.school)
    concern_ids = set(links.values_list("concern_id", flat=True))
    shared = set(
        ConcernLearner.objects.filter(concern_id__in=concern_ids)
        .exclude(learner=learner)
        .values_list("concern_id", flat=True)
    )
    sole = concern_ids - shared
    # Their part in investigations of concerns other learners' files keep.
    participants = Participant.objects.filter(learner=learner, investigation__concern_id__in=shared)
    attachments = Attachment.objects.filter(
        Q(concern_id__in=sole) | Q(statement__participant__in=participants)
    )
    files = [(a.file.storage, a.file.name) for a in attachments.only("file") if a.file.name]
    jobs = ReportJob.objects.filter(school=scope.school, learner=learner, kind__in=CP_FILE_KINDS)
    files += [(private_storage, job.file_path) for job in jobs if job.file_path]
    CPFileTransfer.objects.filter(report__in=jobs).update(report=None)
    jobs.delete()
    participants.delete()
    links.filter(concern_id__in=shared).delete()
    # An entry may correct another (a protected link): both are going.
    ConcernEntry.objects.filter(concern_id__in=sole).update(corrects=None)
    Concern.objects.filter(pk__in=sole).delete()
    return Disposed(count=len(concern_ids), files=files)


def pending_cp_transfers(school_id: int, learner_ids: list[int]) -> dict[int, str]:
    """Learners whose CP file was sent and not yet confirmed received (one query)."""
    pending = CPFileTransfer.objects.filter(
        school_id=school_id, learner_id__in=learner_ids, receipt_confirmed_at__isnull=True
    ).values_list("learner_id", flat=True)
    return dict.fromkeys(pending, "a CP file transfer is awaiting the receiving school's receipt")


def register() -> None:
    register_record_type(
        RecordType(
            key="cp-file",
            label="Child-protection file",
            description="Concerns, their chronology, actions, investigations and attachments.",
            basis=Basis.BIRTH,
            default_years=25,
            safeguarding=True,
            holdings=cp_file_holdings,
            dispose=cp_file_dispose,
            source="IRMS toolkit: child protection records, date of birth + 25 years; KCSIE 2025",
            order=10,
        )
    )
    register_blocker("cp-transfer", pending_cp_transfers, safeguarding_only=True)
