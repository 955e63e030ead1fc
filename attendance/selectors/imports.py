"""Marks imports, for the school administrator who runs them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from attendance.models import ImportJob
from pastoral.access import Cap, Scope


def import_jobs_for(scope: Scope) -> QuerySet[ImportJob]:
    if not scope.can(Cap.IMPORT_MIS):
        return ImportJob.objects.none()
    return (
        ImportJob.objects.filter(school=scope.school).select_related("created_by").defer("content")
    )


def import_job_or_404(scope: Scope, pk: int) -> ImportJob:
    job = import_jobs_for(scope).filter(pk=pk).first()
    if job is None:
        raise Http404("Not found")
    return job
