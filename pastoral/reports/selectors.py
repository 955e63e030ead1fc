"""Reads for reports, scoped to the person asking."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.http import Http404

from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Learner
from pastoral.reports import registry
from pastoral.reports.models import CPFileTransfer, ImportedBundle, ImportedEntry, ReportJob
from pastoral.timeline import TimelineEntry

EXPORT_CAPS = (
    Cap.EXPORT_TRANSFER,
    Cap.EXPORT_CP_FILE,
    Cap.EXPORT_AGENCY_PASTORAL,
    Cap.EXPORT_SUBJECT_ACCESS,
    Cap.VIEW_CASELOAD_BOARD,
)


def jobs_for(scope: Scope) -> QuerySet[ReportJob]:
    """The exports this person may see: their own; a DSL sees every export in the school."""
    qs = ReportJob.objects.filter(school=scope.school).select_related("requested_by", "learner")
    if not scope.is_dsl:
        qs = qs.filter(requested_by=scope.user)
    return qs.order_by("-created_at", "-id")


def job_for(scope: Scope, pk: int) -> ReportJob:
    """One export the person may follow and download, or 404.

    Only the person who asked, or a DSL of the school, and only while they
    still hold the capability the report needs.
    """
    job = jobs_for(scope).filter(pk=pk).first()
    if job is None:
        raise Http404("Not found")
    spec = registry.get(job.kind)
    if spec is None or not scope.can(spec.cap):
        raise Http404("Not found")
    return job


def cp_transfers_for(scope: Scope) -> QuerySet[CPFileTransfer]:
    """CP-file transfers of the school (DSLs only), unconfirmed first."""
    if not scope.can(Cap.EXPORT_CP_FILE):
        return CPFileTransfer.objects.none()
    return (
        CPFileTransfer.objects.filter(
            Q(school=scope.school) & learner_filter(scope, Cap.EXPORT_CP_FILE, prefix="learner__")
        )
        .select_related("learner", "sent_by", "receipt_recorded_by")
        # Unconfirmed (NULL) first on every database: PostgreSQL sorts NULLs last by default.
        .order_by(F("receipt_confirmed_at").asc(nulls_first=True), "-sent_at", "-id")
    )


def cp_transfer_for(scope: Scope, pk: int) -> CPFileTransfer:
    transfer = cp_transfers_for(scope).filter(pk=pk).first()
    if transfer is None:
        raise Http404("Not found")
    return transfer


def cp_transfers_of_learner(scope: Scope, learner: Learner) -> list[CPFileTransfer]:
    """The learner's CP-file transfers; a non-empty list means the file was transferred."""
    return list(cp_transfers_for(scope).filter(learner=learner))


def imported_entries_for(scope: Scope, learner: Learner) -> QuerySet[ImportedEntry]:
    """Entries imported from the learner's previous school, as the person may see them.

    Restricted (CP) entries only for DSLs; pastoral ones for whoever may view
    the learner's pastoral concerns.
    """
    if not scope.can(Cap.VIEW_PASTORAL_CONCERNS):
        return ImportedEntry.objects.none()
    qs = ImportedEntry.objects.filter(
        Q(learner=learner) & learner_filter(scope, Cap.VIEW_PASTORAL_CONCERNS, prefix="learner__")
    ).select_related("bundle")
    if not scope.can(Cap.VIEW_ALL_RESTRICTED):
        qs = qs.filter(level=ImportedEntry.Level.PASTORAL)
    return qs.order_by("-occurred_at", "-id")


def imported_bundles_for(scope: Scope, learner: Learner) -> list[ImportedBundle]:
    """The bundles imported for a learner the person may see imported entries of."""
    if not scope.can(Cap.VIEW_PASTORAL_CONCERNS):
        return []
    return list(
        ImportedBundle.objects.filter(learner=learner, school=scope.school)
        .select_related("imported_by")
        .order_by("-imported_at", "-id")
    )


def imported_bundle_for(scope: Scope, pk: int) -> ImportedBundle:
    """One bundle imported at this school, for a DSL (its receipt), or 404."""
    if not scope.can(Cap.EXPORT_CP_FILE):
        raise Http404("Not found")
    imported = (
        ImportedBundle.objects.filter(pk=pk, school=scope.school)
        .filter(learner_filter(scope, Cap.EXPORT_CP_FILE, prefix="learner__"))
        .select_related("learner")
        .first()
    )
    if imported is None:
        raise Http404("Not found")
    return imported


def timeline_entries_for(
    scope: Scope, learner: Learner, *, since=None, limit: int | None = None
) -> list[TimelineEntry]:
    """Imported entries as timeline entries, each titled with its origin."""
    qs = imported_entries_for(scope, learner)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if limit is not None:
        qs = qs[:limit]
    return [
        TimelineEntry(
            when=entry.occurred_at,
            kind=f"imported-{entry.kind}",
            title=f"{entry.title} ({entry.bundle.origin_label})",
            detail=entry.body,
            level="restricted" if entry.level == ImportedEntry.Level.RESTRICTED else "",
            tags=("imported",),
        )
        for entry in qs
    ]
