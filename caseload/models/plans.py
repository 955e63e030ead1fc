"""Action plans (assess–plan–do–review), their targets, versions and reviews.

A plan's own row holds its current state; every change to it (creation, an
amendment at review, an edit) also writes an immutable PlanVersion with a
JSON snapshot, so earlier versions stay readable and comparable. `version` on
the plan is the optimistic lock: a write must name the version it started
from, and loses (is told, nothing saved) if someone else got there first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Need(models.Model):
    """A need or barrier on the school's editable list (underachievement, ...)."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=50)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="need_unique_name_per_school")
        ]

    def __str__(self) -> str:
        return self.name


DEFAULT_NEEDS = [
    "Underachievement",
    "Poor behaviour",
    "Motivation and confidence",
    "Concentration",
    "Attendance and punctuality",
    "Mental health",
    "Family circumstances",
    "Social skills and friendships",
]


class Plan(models.Model):
    class Type(models.TextChoices):
        PSP = "psp", "Pastoral support programme"
        BEHAVIOUR = "behaviour", "Behaviour plan"
        ATTENDANCE = "attendance", "Attendance plan"
        SEN_SUPPORT = "sen_support", "SEN support plan"
        RETURN = "return", "Return-to-school plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey("pastoral.Learner", on_delete=models.CASCADE, related_name="plans")
    type = models.CharField(max_length=12, choices=Type.choices)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    start = models.DateField("Start date")
    next_review = models.DateField("Next review date")
    needs = models.ManyToManyField(Need, blank=True, related_name="plans")
    strategies = models.TextField("Strategies and provision", blank=True)
    learner_voice = models.TextField(blank=True, help_text="In the learner's own words.")
    parent_voice = models.TextField("Parent/carer voice", blank=True)
    parent_agreed = models.BooleanField("Parent/carer agrees with the plan", default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review__gte=models.F("start")),
                name="plan_review_not_before_start",
            )
        ]
        indexes = [
            models.Index(fields=["learner", "status", "next_review"]),
            models.Index(fields=["school", "status", "next_review"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_status_display().lower()})"

    def clean(self) -> None:
        if self.start and self.next_review and self.next_review < self.start:
            raise ValidationError(
                {
                    "next_review": (
                        f"The review date cannot be before the plan starts ({self.start:%d %b %Y})."
                    )
                }
            )

    def snapshot(self, targets: list[Target], need_names: list[str]) -> dict[str, Any]:
        """The plan as it stands, in the form a PlanVersion keeps."""
        return {
            "type": self.get_type_display(),
            "status": self.get_status_display(),
            "start": self.start.isoformat(),
            "next_review": self.next_review.isoformat(),
            "needs": sorted(need_names),
            "strategies": self.strategies,
            "learner_voice": self.learner_voice,
            "parent_voice": self.parent_voice,
            "parent_agreed": self.parent_agreed,
            "targets": [t.snapshot() for t in targets],
        }


class Target(models.Model):
    """A SMART target: what, how it is measured, from where, by when, who does it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    what = models.CharField("Target", max_length=300)
    measure = models.CharField(
        "How it is measured",
        max_length=300,
        error_messages={"blank": "Say how you will measure this target."},
    )
    baseline = models.CharField("Baseline (where the learner is now)", max_length=300, blank=True)
    by_when = models.DateField("By when")
    who = models.CharField("Who does what", max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    # Targets are withdrawn, not deleted, so older versions still name them.
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.what

    def snapshot(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "what": self.what,
            "measure": self.measure,
            "baseline": self.baseline,
            "by_when": self.by_when.isoformat() if self.by_when else None,
            "who": self.who,
        }


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Plan versions cannot be changed.")


class PlanVersion(models.Model):
    """One version of a plan as it stood: immutable."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Plan versions cannot be changed.")
        super().save(*args, **kwargs)


class Review(models.Model):
    class Outcome(models.TextChoices):
        CONTINUE = "continue", "Continue the plan"
        AMEND = "amend", "Continue with amendments"
        CLOSE = "close", "Close the plan: targets met or no longer needed"
        ESCALATE = "escalate", "Escalate: more support or an outside agency"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField("Date of review")
    summary = models.TextField("Summary of the review", blank=True)
    outcome = models.CharField("Next step", max_length=10, choices=Outcome.choices)
    next_review = models.DateField("Next review date", null=True, blank=True)
    version_reviewed = models.PositiveIntegerField()
    version_created = models.PositiveIntegerField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"review {self.date}"


class TargetProgress(models.Model):
    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        SOME = "some", "Some progress"
        GOOD = "good", "Good progress"
        ACHIEVED = "achieved", "Achieved"
        STOPPED = "stopped", "Stopped"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=12, choices=Progress.choices)
    evidence = models.TextField(blank=True)
    next_step = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["target__order", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "target"], name="progress_one_per_target")
        ]

    def __str__(self) -> str:
        return self.get_progress_display()
