"""Suspensions and permanent exclusions, the notices due about them, and the
school's thresholds (DfE defaults in behaviour/exclusion_rules.py)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from behaviour import exclusion_rules as rules


class ExclusionPolicy(models.Model):
    """One school's thresholds (the DfE's by default)."""

    school = models.OneToOneField(
        "pastoral.School", on_delete=models.CASCADE, related_name="exclusion_policy"
    )
    parent_request_days = models.PositiveSmallIntegerField(
        "Days in a term above which parents may ask the governors to review",
        default=rules.GOVERNORS_PARENT_REQUEST_DAYS,
    )
    must_review_days = models.PositiveSmallIntegerField(
        "Days in a term above which the governors must review",
        default=rules.GOVERNORS_MUST_REVIEW_DAYS,
    )
    year_limit_days = models.PositiveSmallIntegerField(
        "Most days of suspension in a school year",
        default=rules.YEAR_LIMIT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(rules.YEAR_LIMIT_DAYS)],
    )
    year_warning_days = models.PositiveSmallIntegerField(
        "Warn from this many days in a school year", default=rules.YEAR_WARNING_DAYS
    )

    class Meta:
        verbose_name_plural = "exclusion policies"

    def __str__(self) -> str:
        return f"Exclusion thresholds of school {self.school_id}"


class Exclusion(models.Model):
    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        PERMANENT = "permanent", "Permanent exclusion"

    class StartSession(models.TextChoices):
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="exclusions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUSPENSION)
    reason = models.CharField(
        "Reason (DfE category)", max_length=2, choices=rules.REASONS, default="OT"
    )
    start_date = models.DateField("First day")
    start_session = models.CharField(
        "Starting from", max_length=2, choices=StartSession.choices, default=StartSession.AM
    )
    # Half-day sessions (a school day is two); empty for a permanent exclusion.
    sessions = models.PositiveSmallIntegerField(
        "Length (sessions, half days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2 * rules.YEAR_LIMIT_DAYS)],
    )
    # The last school day of a suspension (worked out from the school calendar).
    end_date = models.DateField(null=True, blank=True)
    decided_by = models.CharField("Decided by (headteacher)", max_length=150)
    day_six_provision = models.CharField(
        "Where the learner attends from day 6",
        max_length=300,
        blank=True,
        help_text="Needed for a suspension of more than 5 school days.",
    )
    notes = models.TextField(blank=True)
    incidents = models.ManyToManyField("behaviour.Incident", blank=True, related_name="+")
    letter_to = models.ForeignKey(
        "pastoral.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restriction_acknowledged = models.BooleanField(default=False)
    reintegration_on = models.DateField("Reintegration meeting", null=True, blank=True)
    reintegration_with = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["school", "learner", "start_date"], name="exclusion_learner"),
            models.Index(fields=["school", "start_date"], name="exclusion_school_start"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"EX-{self.pk}"

    @property
    def is_permanent(self) -> bool:
        return self.kind == self.Kind.PERMANENT

    @property
    def days(self) -> Decimal:
        return Decimal(self.sessions or 0) / 2

    @property
    def days_label(self) -> str:
        days = self.days
        whole = int(days)
        text = f"{whole}" if days == whole else f"{days:.1f}"
        return f"{text} school day{'' if days == 1 else 's'}"

    @property
    def reason_label(self) -> str:
        return rules.REASON_LABELS.get(self.reason, self.reason)

    @property
    def needs_day_six(self) -> bool:
        return not self.is_permanent and self.days > rules.DAY_SIX_AFTER_DAYS

    def clean(self) -> None:
        if self.kind == self.Kind.SUSPENSION and not self.sessions:
            raise ValidationError({"sessions": "Say how many sessions (half days)."})
        if self.kind == self.Kind.PERMANENT:
            self.sessions = None


class ExclusionNotice(models.Model):
    """Someone the school must tell, without delay, about a suspension or exclusion."""

    class To(models.TextChoices):
        LOCAL_AUTHORITY = "la", "Local authority"
        SOCIAL_WORKER = "social_worker", "Social worker"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school head"
        GOVERNORS = "governors", "Governing board"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    exclusion = models.ForeignKey(Exclusion, on_delete=models.CASCADE, related_name="notices")
    to = models.CharField(max_length=14, choices=To.choices)
    due_on = models.DateField()
    why = models.CharField(max_length=200)
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("How it was sent", max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exclusion", "to"], name="exclusionnotice_once")
        ]
        indexes = [models.Index(fields=["school", "sent_on", "due_on"], name="exclnotice_queue")]

    def __str__(self) -> str:
        return f"{self.get_to_display()} ({self.exclusion.reference})"

    @property
    def is_overdue(self) -> bool:
        return self.sent_on is None and self.due_on < timezone.localdate()
