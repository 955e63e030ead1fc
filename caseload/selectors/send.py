"""SEND reads: the school's labels, a learner's SEN record with its reviews,
one review step, and the SENCO's queue. Scoped like plans: a record whose
learner is outside the person's reach is a 404, and the queue lists only
learners within it."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from caseload.models import Plan
from caseload.models.send import ENGLAND, EhcpReview, ReviewStep, SendSettings, SenRecord, Terms
from pastoral.access import Cap, Scope, learner_filter, require
from pastoral.models import Learner, School


def send_terms(school: School) -> Terms:
    """The words the school uses (SEN/EHCP, or ALN/IDP in Wales): one query."""
    settings = SendSettings.objects.filter(school=school).first()
    return settings.terms if settings else ENGLAND


def send_settings_for(school: School) -> SendSettings:
    return SendSettings.objects.filter(school=school).first() or SendSettings(school=school)


def sen_record_of(scope: Scope, learner: Learner) -> SenRecord | None:
    """The SEN record of a learner the caller already reached (learner_or_404),
    with its linked plans and its reviews and their steps; None if there is none."""
    return (
        SenRecord.objects.filter(school=scope.school, learner=learner)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("plans", queryset=Plan.objects.order_by("-start")),
            Prefetch(
                "reviews",
                queryset=EhcpReview.objects.prefetch_related(
                    Prefetch("steps", queryset=ReviewStep.objects.select_related("done_by"))
                ),
            ),
        )
        .first()
    )


def sen_record_or_404(scope: Scope, pk: int, cap: Cap = Cap.MANAGE_PLANS) -> SenRecord:
    require(scope, cap)
    record = (
        SenRecord.objects.filter(learner_filter(scope, cap, prefix="learner__"), pk=pk)
        .select_related("learner")
        .first()
    )
    if record is None:
        raise Http404("Not found")
    return record


def review_step_or_404(scope: Scope, pk: int) -> ReviewStep:
    require(scope, Cap.MANAGE_PLANS)
    step = (
        ReviewStep.objects.filter(
            learner_filter(scope, Cap.MANAGE_PLANS, prefix="review__record__learner__"), pk=pk
        )
        .select_related("review__record__learner")
        .first()
    )
    if step is None:
        raise Http404("Not found")
    return step


def learner_plans(learner: Learner) -> QuerySet[Plan]:
    """The plans a SEN record may link to: the learner's own."""
    return Plan.objects.filter(learner=learner).order_by("-start", "-id")


def send_queue_for(scope: Scope) -> QuerySet[SenRecord]:
    """EHC plans in reach with something due, soonest (most overdue) first:
    an annual review to arrange, or the next open step of a review."""
    require(scope, Cap.MANAGE_PLANS)
    return (
        SenRecord.objects.filter(
            learner_filter(scope, Cap.MANAGE_PLANS, prefix="learner__"),
            school=scope.school,
            status=SenRecord.Status.EHCP,
            next_due__isnull=False,
        )
        .select_related("learner__year_group")
        .order_by("next_due", "pk")
    )


def queue_rows(chunk: list[SenRecord], today: Any) -> list[SenRecord]:
    """Decorate a chunk of the queue for the page and the export (no query)."""
    for record in chunk:
        record.overdue = record.next_due is not None and record.next_due < today
    return chunk
