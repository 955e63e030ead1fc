"""Reads for browser imports: the school's import batches, for the person who may import."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from pastoral.access import Cap, Scope, require
from pastoral.models import ImportBatch


def import_batches_for(scope: Scope | None) -> QuerySet[ImportBatch]:
    """The school's import batches, for the person who may import (else 404)."""
    scope = require(scope, Cap.IMPORT_MIS)
    return ImportBatch.objects.filter(school=scope.school).select_related(
        "uploaded_by", "applied_by"
    )


def import_batch_or_404(scope: Scope | None, pk: int) -> ImportBatch:
    return get_object_or_404(import_batches_for(scope), pk=pk)
