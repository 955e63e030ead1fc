"""The contacts log and its agreed actions."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from caseload.models import AgreedAction, ContactLog
from pastoral.access import Cap, Scope, learner_filter, require
from pastoral.models import Learner


def contact_or_404(scope: Scope, pk: int) -> ContactLog:
    require(scope, Cap.RECORD_CONTACTS)
    entry = (
        ContactLog.objects.filter(
            learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__"), pk=pk
        )
        .select_related("learner", "parent", "agency", "colleague", "recorded_by")
        .prefetch_related(
            Prefetch("actions", queryset=AgreedAction.objects.select_related("owner"))
        )
        .first()
    )
    if entry is None:
        raise Http404("Not found")
    return entry


def action_or_404(scope: Scope, pk: int) -> AgreedAction:
    require(scope, Cap.RECORD_CONTACTS)
    action = (
        AgreedAction.objects.filter(
            learner_filter(scope, Cap.RECORD_CONTACTS, prefix="contact__learner__"), pk=pk
        )
        .select_related("contact__learner")
        .first()
    )
    if action is None:
        raise Http404("Not found")
    return action


def learner_contacts(learner: Learner) -> QuerySet[ContactLog]:
    return learner.contact_logs.select_related("parent", "agency", "colleague", "recorded_by")
