"""Retention and disposal: a school's overrides of the retention rules, legal
holds that stop disposal, and the tombstone each disposal leaves.

The record types themselves (and their default rules) are registered by the
apps that hold the records (pastoral/retention/registry.py); these tables only
name a type by its key, so the core never imports an app.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class RetentionRule(models.Model):
    """A school's own period for one record type, replacing the default."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=40)
    years = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    reason = models.CharField("Why the school keeps it for this long", max_length=300)
    updated_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "record_type"], name="retentionrule_one_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.years} years"


class LegalHold(models.Model):
    """A learner's records kept beyond their retention date: an investigation,
    litigation or an inquiry (IICSA-style). While in force, nothing it covers
    is disposed of. Lifted with who and when; never deleted."""

    class Reason(models.TextChoices):
        INVESTIGATION = "investigation", "Investigation (police, LADO, social care)"
        LITIGATION = "litigation", "Litigation (a claim, or one expected)"
        INQUIRY = "inquiry", "Public inquiry (e.g. an IICSA-style inquiry)"

    class Covers(models.TextChoices):
        SAFEGUARDING = "safeguarding", "Safeguarding records"
        RECORDS = "records", "Other records (SEN, attendance, behaviour, pastoral)"

    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.PROTECT, related_name="legal_holds"
    )
    covers = models.CharField(max_length=12, choices=Covers.choices)
    reason = models.CharField(max_length=13, choices=Reason.choices)
    details = models.CharField(
        "Reference or details", max_length=300, help_text="e.g. the police or court reference"
    )
    placed_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField("Why it is lifted", max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["school", "covers", "lifted_at"])]

    def __str__(self) -> str:
        return f"Legal hold ({self.get_reason_display()})"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None

    def clean(self) -> None:
        if self.lifted_at and not self.lift_reason.strip():
            raise ValidationError({"lift_reason": "Say why the hold is lifted."})


class DisposalTombstone(models.Model):
    """What is left after a disposal: what went (type, learner, how many), why
    (the rule and the date it ran from), who and when. No case content."""

    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=40)
    record_label = models.CharField(max_length=120)
    safeguarding = models.BooleanField(default=False)
    learner = models.ForeignKey(
        "pastoral.Learner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    learner_name = models.CharField(max_length=200)
    learner_dob = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(help_text="records disposed of")
    files = models.PositiveIntegerField(default=0, help_text="attached files deleted")
    rule = models.CharField(max_length=200)
    basis_date = models.DateField(help_text="the date the rule runs from")
    due_on = models.DateField()
    disposed_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    disposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-disposed_at", "-id"]
        indexes = [models.Index(fields=["school", "safeguarding", "disposed_at"])]

    def __str__(self) -> str:
        return f"{self.record_label} of {self.learner_name} disposed of"
