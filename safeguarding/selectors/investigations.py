"""Investigations: reachable by whoever sees the whole of their concern."""

from __future__ import annotations

from django.http import Http404

from pastoral.access import Scope
from safeguarding.models import Investigation, Participant
from safeguarding.selectors.concerns import concern_for


def investigation_for(scope: Scope | None, pk: int) -> Investigation:
    """An investigation of a concern the person sees in full, or 404. It
    carries `concern` (with its learners and `full_access`)."""
    inv = Investigation.objects.filter(
        pk=pk, concern__school=getattr(scope, "school", None)
    ).first()
    if inv is None:
        raise Http404("Not found")
    concern = concern_for(scope, inv.concern_id)
    if not concern.full_access:
        raise Http404("Not found")
    inv.concern = concern
    return inv


def investigation_record_for(scope: Scope | None, pk: int) -> Investigation:
    """What the investigation page shows: pupils with their statements and
    files, and the evidence notes; 404 as investigation_for."""
    checked = investigation_for(scope, pk)
    inv = (
        Investigation.objects.select_related("opened_by")
        .prefetch_related(
            "participants__learner__year_group",
            "participants__statements__taken_by",
            "participants__statements__attachments",
            "evidence__reviewed_by",
        )
        .get(pk=pk)
    )
    inv.concern = checked.concern
    return inv


def participant_for(scope: Scope | None, investigation: Investigation, pk: int) -> Participant:
    """A pupil of this investigation (already checked with investigation_for), or 404."""
    participant = (
        Participant.objects.select_related("learner")
        .filter(pk=pk, investigation=investigation)
        .first()
    )
    if participant is None:
        raise Http404("Not found")
    participant.investigation = investigation
    return participant
