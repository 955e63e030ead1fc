"""Alternative provision: the providers the school commissions, the written
confirmation of their safer-recruitment checks, placements of learners with
them, the provider's daily attendance reports and the half-termly reviews.

Invariants live in clean(); the rule that a placement starts only with a
provider whose confirmation is current is the service's (it depends on the day).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from attendance.models import Session
from pastoral.uploads import private_files

URN_RE = re.compile(r"^\d{6}$")
# UK Register of Learning Providers numbers are eight digits starting with 1.
UKPRN_RE = re.compile(r"^1\d{7}$")

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SESSION_CODES = [f"{day[:3].upper()}-{half}" for day in WEEKDAYS for half in ("AM", "PM")]
SESSION_CHOICES = [
    (f"{day[:3].upper()}-{half}", f"{day} {'morning' if half == 'AM' else 'afternoon'}")
    for day in WEEKDAYS
    for half in ("AM", "PM")
]


def session_code(day: dt.date, session: str) -> str:
    """ "MON-AM" for a Monday morning; weekends have none."""
    return f"{WEEKDAYS[day.weekday()][:3].upper()}-{session}" if day.weekday() < 5 else ""


class Provider(models.Model):
    class Registration(models.TextChoices):
        INDEPENDENT = "independent", "Registered independent school"
        AP = "ap", "Registered alternative provision (e.g. pupil referral unit, AP academy)"
        UNREGISTERED = "unregistered", "Unregistered provider"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "URN",
        max_length=6,
        blank=True,
        help_text="Unique reference number (6 digits, from Get Information about Schools).",
    )
    ukprn = models.CharField(
        "UKPRN",
        max_length=8,
        blank=True,
        help_text="UK provider reference number (8 digits starting with 1).",
    )
    registration = models.CharField(
        "Registration status", max_length=12, choices=Registration.choices
    )
    address = models.TextField(blank=True)
    contact_name = models.CharField("Contact name", max_length=150, blank=True)
    phone = models.CharField("Contact phone", max_length=40)
    email = models.EmailField("Contact e-mail", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.urn = (self.urn or "").strip()
        self.ukprn = (self.ukprn or "").strip()
        if self.urn and not URN_RE.match(self.urn):
            errors["urn"] = "A URN is 6 digits, e.g. 143210."
        if self.ukprn and not UKPRN_RE.match(self.ukprn):
            errors["ukprn"] = "A UKPRN is 8 digits starting with 1, e.g. 10012345."
        if (
            self.registration in (self.Registration.INDEPENDENT, self.Registration.AP)
            and not self.urn
            and "urn" not in errors
        ):
            errors["urn"] = "A registered school or AP has a URN: enter it."
        if errors:
            raise ValidationError(errors)


class Confirmation(models.Model):
    """The provider's written confirmation that it has carried out the
    safer-recruitment checks on its staff (KCSIE; AP statutory guidance)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="confirmations")
    confirmed_by = models.CharField(
        "Confirmed by",
        max_length=150,
        help_text="Who at the provider signed the confirmation (name and role).",
    )
    confirmed_on = models.DateField("Date of the confirmation")
    expires_on = models.DateField("Valid until")
    letter = models.FileField(storage=private_files, upload_to="provision/%Y/%m/", blank=True)
    letter_name = models.CharField(max_length=200, blank=True)
    letter_type = models.CharField(max_length=100, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.provider_id} confirmed {self.confirmed_on}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.confirmed_on and self.confirmed_on > timezone.localdate():
            errors["confirmed_on"] = "The confirmation cannot be dated in the future."
        if self.confirmed_on and self.expires_on and self.expires_on <= self.confirmed_on:
            errors["expires_on"] = "It must be valid until a date after it was given."
        if errors:
            raise ValidationError(errors)


class Placement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class Reason(models.TextChoices):
        SUSPENSION = "suspension", "Suspension (day six provision)"
        BEHAVIOUR = "behaviour", "Improve behaviour (off-site direction)"
        HEALTH = "health", "Health needs"
        SEND = "send", "SEND needs while a suitable place is found"
        REENGAGE = "reengage", "Re-engagement with education"
        VOCATIONAL = "vocational", "Vocational course"
        OTHER = "other", "Other"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="ap_placements"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    owner = models.ForeignKey(
        "pastoral.User",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Hears the half-termly review reminders.",
    )
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    start = models.DateField("First day")
    end = models.DateField("Last day")
    sessions = models.JSONField(default=list, blank=True)
    times = models.CharField(
        "Times",
        max_length=200,
        blank=True,
        help_text="The provider's day, e.g. 9:30 to 14:30 (optional).",
    )
    reason = models.CharField("Commissioning reason", max_length=12, choices=Reason.choices)
    reason_detail = models.TextField("Why this placement, and its objectives")
    cost = models.DecimalField(
        "Cost (£, optional)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["school", "status"], name="ap_placement_school_status")]

    def __str__(self) -> str:
        return f"AP-{self.pk}"

    @property
    def reference(self) -> str:
        return f"AP-{self.pk}"

    @property
    def last_day(self) -> dt.date:
        return self.ended_on or self.end

    def session_labels(self) -> list[str]:
        labels = dict(SESSION_CHOICES)
        return [labels[c] for c in SESSION_CODES if c in self.sessions]

    def attends(self, day: dt.date, session: str) -> bool:
        """A planned session of this placement (any status, inside its dates)."""
        return self.start <= day <= self.last_day and session_code(day, session) in self.sessions

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = "The last day cannot be before the first day."
        bad = [s for s in self.sessions or [] if s not in SESSION_CODES]
        if bad or not self.sessions:
            errors["sessions"] = "Choose the sessions the learner spends at the provider."
        if not (self.reason_detail or "").strip():
            errors["reason_detail"] = "Say why the placement is commissioned."
        if errors:
            raise ValidationError(errors)


class Review(models.Model):
    """A half-termly review of a placement (AP statutory guidance: review it
    regularly to make sure it is meeting the learner's needs)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField("Date of the review")
    notes = models.TextField("What the review found and agreed")
    continue_placement = models.BooleanField("The placement continues", default=True)
    recorded_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.placement_id} on {self.date}"


class Report(models.Model):
    """The provider's account of one session, entered by school staff."""

    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        LATE = "late", "Attended, late"
        ABSENT = "absent", "Absent"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "date", "session"], name="ap_report_one_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.outcome}"
