"""Detentions: the school's types (with its escalation rule), sessions and the
learners given a place in one."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone


class DetentionType(models.Model):
    class When(models.TextChoices):
        BREAK = "break", "Break"
        LUNCH = "lunch", "Lunch"
        AFTER_SCHOOL = "after", "After school"

    school = models.ForeignKey(
        "pastoral.School", on_delete=models.CASCADE, related_name="detention_types"
    )
    name = models.CharField(max_length=60)
    when = models.CharField(max_length=5, choices=When.choices)
    minutes = models.PositiveSmallIntegerField()
    default_start = models.TimeField()
    default_room = models.CharField(max_length=30, blank=True)
    # The school's rule: a missed detention of this type (learner in school
    # that day) is replaced by one of this type. Empty: no escalation.
    escalates_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="When missed, escalates to",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["minutes", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="detentiontype_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes} min)"


class DetentionSession(models.Model):
    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    type = models.ForeignKey(DetentionType, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    start = models.TimeField()
    room = models.CharField(max_length=30)
    supervisor = models.ForeignKey(
        "pastoral.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "start", "id"]
        indexes = [models.Index(fields=["school", "date"], name="detsession_school_date")]

    def __str__(self) -> str:
        return f"{self.type.name} {self.date:%d %b %Y} {self.start:%H:%M}"

    @property
    def end(self) -> dt.time:
        start = dt.datetime.combine(self.date, self.start)
        return (start + dt.timedelta(minutes=self.type.minutes)).time()

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.start))


class Detention(models.Model):
    class Status(models.TextChoices):
        SET = "set", "Set"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed"
        ABSENT = "absent", "Absent from school that day"
        CANCELLED = "cancelled", "Cancelled"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="detentions"
    )
    session = models.ForeignKey(DetentionSession, on_delete=models.PROTECT, related_name="places")
    incident = models.ForeignKey(
        "behaviour.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_to"
    )
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.SET)
    issued_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session__date", "session__start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="detention_once_a_session")
        ]
        indexes = [models.Index(fields=["school", "learner"], name="detention_learner")]

    def __str__(self) -> str:
        return f"D-{self.pk}"

    @property
    def reference(self) -> str:
        return f"D-{self.pk}"
