"""Who supports whom: a learner allocated to a key worker for a period.

Rows are never deleted when an allocation ends: the end date is set, so the
history of who held a learner's case (and why) stays readable.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone


class AllocationQuerySet(models.QuerySet["Allocation"]):
    def current(self, on: dt.date | None = None) -> QuerySet[Allocation]:
        """Allocations in force on the day (today by default)."""
        day = on or timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)

    def overlapping(self, start: dt.date, end: dt.date | None) -> QuerySet[Allocation]:
        """Allocations whose period shares at least one day with [start, end]."""
        qs = self.filter(Q(end__isnull=True) | Q(end__gte=start))
        if end is not None:
            qs = qs.filter(start__lte=end)
        return qs


class Allocation(models.Model):
    class Kind(models.TextChoices):
        LEAD = "lead", "Lead key worker"
        SUPPORTING = "supporting", "Supporting"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="allocations"
    )
    worker = models.ForeignKey(
        "pastoral.User",
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name="key worker",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LEAD)
    reason = models.CharField(max_length=300)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="allocation_end_not_before_start",
            ),
            # The database backstop for the overlap rule (the service checks the
            # full date ranges): at most one open-ended lead per learner.
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(kind="lead", end__isnull=True),
                name="allocation_one_open_lead",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "worker", "start"]),
            models.Index(fields=["learner", "kind", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} → {self.worker_id} ({self.kind}) from {self.start}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start <= today and (self.end is None or self.end >= today)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.end is not None and self.start is not None and self.end < self.start:
            errors["end"] = "The end date cannot be before the start date."
        if (
            self.kind == self.Kind.LEAD
            and self.learner_id is not None
            and self.start is not None
            and "end" not in errors
        ):
            clash = (
                Allocation.objects.filter(learner_id=self.learner_id, kind=self.Kind.LEAD)
                .exclude(pk=self.pk)
                .overlapping(self.start, self.end)
                .select_related("worker")
                .first()
            )
            if clash is not None:
                until = f"until {clash.end:%d %b %Y}" if clash.end else "with no end date"
                errors["start"] = (
                    f"{clash.worker} is already the lead key worker from "
                    f"{clash.start:%d %b %Y} {until}. End that allocation first, "
                    "or add this one as supporting."
                )
        if errors:
            raise ValidationError(errors)
