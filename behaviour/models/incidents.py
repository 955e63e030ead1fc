"""Behaviour types and the incidents (positive and negative) logged against them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class Severity(models.IntegerChoices):
    NONE = 0, "None (recognition)"
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
    SERIOUS = 4, "Serious"


class BehaviourType(models.Model):
    """One kind of behaviour the school records, with its points and who hears of it."""

    school = models.ForeignKey(
        "pastoral.School", on_delete=models.CASCADE, related_name="behaviour_types"
    )
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    category = models.CharField(max_length=60, blank=True)
    default_points = models.SmallIntegerField()
    min_points = models.SmallIntegerField()
    max_points = models.SmallIntegerField()
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.NONE)
    needs_follow_up = models.BooleanField(default=False)
    notify_tutor = models.BooleanField("Tell the form tutor", default=False)
    notify_hoy = models.BooleanField("Tell the head of year", default=False)
    notify_key_worker = models.BooleanField("Tell the key worker", default=False)
    notify_senco_if_sen = models.BooleanField("Tell the SENCO (learners with SEN)", default=False)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="behaviourtype_unique_name"),
            models.CheckConstraint(
                condition=models.Q(min_points__lte=models.F("default_points"))
                & models.Q(default_points__lte=models.F("max_points")),
                name="behaviourtype_points_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_positive(self) -> bool:
        return self.kind == Kind.POSITIVE

    def clean(self) -> None:
        errors = {}
        if self.min_points is not None and self.max_points is not None:
            if self.min_points > self.max_points:
                errors["min_points"] = "The lowest points must not be above the highest."
            elif self.default_points is not None and not (
                self.min_points <= self.default_points <= self.max_points
            ):
                errors["default_points"] = (
                    f"The usual points must be between {self.min_points} and {self.max_points}."
                )
            if self.kind == Kind.POSITIVE and self.min_points < 0:
                errors["min_points"] = "A positive type cannot take points away."
            if self.kind == Kind.NEGATIVE and self.max_points > 0:
                errors["max_points"] = "A negative type cannot give points."
        if errors:
            raise ValidationError(errors)


class Incident(models.Model):
    """One learner's entry in the behaviour log (positive or negative)."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="behaviour_incidents"
    )
    type = models.ForeignKey(BehaviourType, on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    points = models.SmallIntegerField()
    occurred_at = models.DateTimeField(default=timezone.now)
    period = models.CharField("Lesson / period", max_length=30, blank=True)
    room = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Incidents logged together (one class, one tap) share a batch.
    batch = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["school", "learner", "occurred_at"], name="incident_learner"),
            models.Index(fields=["school", "created_by", "occurred_at"], name="incident_author"),
            models.Index(fields=["school", "occurred_at"], name="incident_school_when"),
        ]

    def __str__(self) -> str:
        return f"B-{self.pk}"

    @property
    def reference(self) -> str:
        return f"B-{self.pk}"
