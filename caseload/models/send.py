"""SEND: a learner's SEN record (SEN support or an EHC plan) and the EHCP
annual review clock.

The clock follows the SEND code of practice 0-25 (2015), chapter 9: an EHC
plan is reviewed at least every 12 months from the plan or the last review
(9.166), every 3-6 months for a child under 5 (9.178); advice and information
is sought at least two weeks before the meeting (9.176), the school's report
goes out within two weeks after it (9.176), and the local authority decides
within four weeks of the meeting (9.176). Welsh schools call the same things
ALN and IDP (Additional Learning Needs Code for Wales 2021): a label option
only (SendSettings.nation), the data are the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from caseload.models.sar import add_months

# The SEND code of practice 0-25 (2015), 6.28-6.35: the four broad areas of need.
BROAD_AREAS = {
    "ci": "Communication and interaction",
    "cl": "Cognition and learning",
    "semh": "Social, emotional and mental health",
    "sp": "Sensory and/or physical needs",
}

# The DfE school census "SEN type" codes (primary and secondary need), source:
# DfE, "School census 2024 to 2025: guide", SEN type (CS 2024-25, code set
# D00043), with the broad area each belongs to.
NEED_TYPES: dict[str, tuple[str, str]] = {
    "SPLD": ("Specific learning difficulty", "cl"),
    "MLD": ("Moderate learning difficulty", "cl"),
    "SLD": ("Severe learning difficulty", "cl"),
    "PMLD": ("Profound and multiple learning difficulty", "cl"),
    "SEMH": ("Social, emotional and mental health", "semh"),
    "SLCN": ("Speech, language and communication needs", "ci"),
    "ASD": ("Autistic spectrum disorder", "ci"),
    "HI": ("Hearing impairment", "sp"),
    "VI": ("Vision impairment", "sp"),
    "MSI": ("Multi-sensory impairment", "sp"),
    "PD": ("Physical disability", "sp"),
    "OTH": ("Other difficulty/disability", ""),
    "NSA": ("SEN support but no specialist assessment of type of need", ""),
}
NEED_CHOICES = [(code, f"{label} ({code})") for code, (label, _) in NEED_TYPES.items()]

# Code of practice 9.166 and 9.178: months between reviews.
REVIEW_MONTHS = 12
UNDER_FIVE_REVIEW_MONTHS = 6  # "every three to six months": due at six at the latest
ADVICE_DAYS_BEFORE = 14  # 9.176: advice requested at least two weeks before
REPORT_DAYS_AFTER = 14  # 9.176: the report within two weeks of the meeting
DECISION_DAYS_AFTER = 28  # 9.176: the LA decides within four weeks of the meeting


@dataclass(frozen=True)
class Terms:
    """The words a school uses: England (SEN/EHCP) or Wales (ALN/IDP)."""

    sen: str
    ehcp: str
    ehcp_long: str
    support: str
    coordinator: str


ENGLAND = Terms("SEN", "EHCP", "EHC plan", "SEN support", "SENCO")
WALES = Terms("ALN", "IDP", "IDP (local authority)", "ALN (school IDP)", "ALNCo")


class SendSettings(models.Model):
    """A school's SEND settings: which words it uses (a label option only)."""

    class Nation(models.TextChoices):
        ENGLAND = "england", "England: SEN and EHC plans"
        WALES = "wales", "Wales: ALN and IDPs"

    school = models.OneToOneField(
        "pastoral.School", on_delete=models.CASCADE, related_name="send_settings"
    )
    nation = models.CharField(
        "Labels", max_length=8, choices=Nation.choices, default=Nation.ENGLAND
    )

    def __str__(self) -> str:
        return self.get_nation_display()

    @property
    def terms(self) -> Terms:
        return WALES if self.nation == self.Nation.WALES else ENGLAND


class SenRecord(models.Model):
    """A learner's SEN record: one per learner, with its linked caseload plans
    (assess-plan-do-review) and, for an EHC plan, the review clock."""

    class Status(models.TextChoices):
        SUPPORT = "support", "SEN support"
        EHCP = "ehcp", "EHC plan"
        ENDED = "ended", "No longer on the SEN register"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.OneToOneField(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="sen_record"
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    primary_need = models.CharField("Primary need", max_length=4, choices=NEED_CHOICES)
    secondary_need = models.CharField(
        "Secondary need", max_length=4, choices=NEED_CHOICES, blank=True
    )
    provision = models.TextField("Provision", help_text="What the school puts in place.")
    outcomes = models.TextField("Outcomes sought", blank=True)
    ehcp_issued_on = models.DateField(
        "Date the plan was issued",
        null=True,
        blank=True,
        help_text="The date of the final plan: the first annual review is due within 12 months.",
    )
    plans = models.ManyToManyField(
        "caseload.Plan", blank=True, related_name="sen_records", verbose_name="Linked plans"
    )
    # The next thing due (kept by the services, so the queue sorts in the database).
    next_step = models.CharField(max_length=60, blank=True)
    next_due = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["next_due", "id"]
        indexes = [models.Index(fields=["school", "status", "next_due"])]

    def __str__(self) -> str:
        return self.get_status_display()

    def clean(self) -> None:
        errors = {}
        if self.status == self.Status.EHCP and not self.ehcp_issued_on:
            errors["ehcp_issued_on"] = "Give the date the plan was issued."
        if self.ehcp_issued_on and self.ehcp_issued_on > timezone.localdate():
            errors["ehcp_issued_on"] = "The plan cannot be issued in the future."
        if self.secondary_need and self.secondary_need == self.primary_need:
            errors["secondary_need"] = "The secondary need must differ from the primary need."
        if errors:
            raise ValidationError(errors)

    @property
    def broad_areas(self) -> list[str]:
        keys = [NEED_TYPES[c][1] for c in (self.primary_need, self.secondary_need) if c]
        return [BROAD_AREAS[k] for k in dict.fromkeys(keys) if k]


def review_months(date_of_birth: dt.date, on: dt.date) -> int:
    """Months to the next review: 6 for a child under 5 on `on`, else 12."""
    fifth = add_months(date_of_birth, 60)
    return UNDER_FIVE_REVIEW_MONTHS if on < fifth else REVIEW_MONTHS


class EhcpReview(models.Model):
    """One annual review of an EHC plan: the meeting and its dated steps."""

    record = models.ForeignKey(SenRecord, on_delete=models.CASCADE, related_name="reviews")
    meeting_on = models.DateField("Date of the review meeting")
    # The latest date the code allows (12 months from the plan or the last review).
    due_by = models.DateField()
    late_reason = models.CharField(
        "Why the meeting is later than the code allows", max_length=300, blank=True
    )
    created_by = models.ForeignKey(
        "pastoral.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-meeting_on", "-id"]

    def __str__(self) -> str:
        return f"annual review {self.meeting_on}"

    @property
    def is_late(self) -> bool:
        """Flagged, never refused: a meeting after the date the code allows."""
        return self.meeting_on > self.due_by


class ReviewStep(models.Model):
    """A dated step of an annual review: due on a date, done on a date by someone."""

    class Kind(models.TextChoices):
        ADVICE = "advice", "Advice and information requested"
        MEETING = "meeting", "Review meeting held"
        REPORT = "report", "School's review report sent"
        DECISION = "decision", "Local authority's decision received"

    review = models.ForeignKey(EhcpReview, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    order = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "kind"], name="reviewstep_one_per_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


# What the queue says is to be done next, for each step not yet done.
NEXT_STEP = {
    ReviewStep.Kind.ADVICE: "Request advice and information",
    ReviewStep.Kind.MEETING: "Hold the review meeting",
    ReviewStep.Kind.REPORT: "Send the school's review report",
    ReviewStep.Kind.DECISION: "Local authority's decision due",
}

STEP_OFFSETS = [
    (ReviewStep.Kind.ADVICE, -ADVICE_DAYS_BEFORE),
    (ReviewStep.Kind.MEETING, 0),
    (ReviewStep.Kind.REPORT, REPORT_DAYS_AFTER),
    (ReviewStep.Kind.DECISION, DECISION_DAYS_AFTER),
]
