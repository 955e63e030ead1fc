"""Subject-access requests: the workflow from receipt to the released pack.

A request is recorded (by an administrator or a DSL) with who asked, when,
how their identity was checked and its statutory due date (one calendar
month after receipt, extendable by up to two further months with a reason).
The SENCO or the learner's head of year assembles the non-safeguarding part
("records"); only a DSL assembles, redacts and approves the safeguarding
part; only a DSL releases the pack, and only after both are done. Nothing is
deleted: a request past its due date stays open and escalates.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models
from django.utils import timezone


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; the month's last day when
    that month is shorter (31 Jan + 1 month = 28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SubjectAccessRequest(models.Model):
    class Relationship(models.TextChoices):
        LEARNER = "learner", "The learner"
        PARENT = "parent", "Parent or carer (parental responsibility)"
        REPRESENTATIVE = "representative", "Solicitor or representative (with authority)"
        OTHER = "other", "Other (with the learner's authority)"

    class Part(models.TextChoices):
        RECORDS = "records", "Records (profile, plans, contacts, attendance)"
        SAFEGUARDING = "safeguarding", "Safeguarding"

    MAX_EXTENSION_MONTHS = 2

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    requester_name = models.CharField("Requester's name", max_length=200)
    requester_relationship = models.CharField(
        "Relationship to the learner", max_length=16, choices=Relationship.choices
    )
    received_on = models.DateField("Request received on")
    identity_checked_by = models.CharField("Identity checked by", max_length=200)
    identity_checked_on = models.DateField("Identity checked on")
    identity_method = models.CharField("How identity was checked", max_length=300)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    records_assembled_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    records_assembled_at = models.DateTimeField(null=True, blank=True)
    # The entries each part held when approved: an entry added later means "approve again".
    records_refs = models.JSONField(default=list, blank=True)
    safeguarding_approved_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    safeguarding_approved_at = models.DateTimeField(null=True, blank=True)
    safeguarding_refs = models.JSONField(default=list, blank=True)
    released_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    report_job = models.ForeignKey(
        "reports.ReportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["school", "released_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk}"

    @property
    def statutory_due_on(self) -> dt.date:
        return add_months(self.received_on, 1)

    @property
    def due_on(self) -> dt.date:
        """The due date in force: one calendar month, plus any extension."""
        return add_months(self.received_on, 1 + self.extension_months)

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_released and (today or timezone.localdate()) > self.due_on

    @property
    def status_label(self) -> str:
        if self.is_released:
            return "Released"
        if self.safeguarding_approved_at and self.records_assembled_at:
            return "Ready to release"
        if self.safeguarding_approved_at:
            return "Safeguarding approved; records being assembled"
        if self.records_assembled_at:
            return "Records assembled; safeguarding with the DSL"
        return "Open"


class SubjectAccessRedaction(models.Model):
    """A word, passage or whole entry withheld from the pack, with its reason.

    The phrase is case content: only those who assemble that part see it.
    A redaction is withdrawn (with who and when), never deleted.
    """

    class Reason(models.TextChoices):
        THIRD_PARTY = "TP", "TP: third-party information"
        SERIOUS_HARM = "SH", "SH: likely to cause serious harm"
        CHILD_ABUSE = "CA", "CA: child abuse data not in the child's interests"
        LEGAL = "LP", "LP: legal professional privilege"
        CRIME = "CR", "CR: prevention or detection of crime"

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="redactions"
    )
    part = models.CharField(max_length=12, choices=SubjectAccessRequest.Part.choices)
    ref = models.CharField(max_length=60)
    phrase = models.TextField(blank=True)  # blank: the whole entry
    reason = models.CharField(max_length=2, choices=Reason.choices)
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["request", "part"])]

    def __str__(self) -> str:
        return f"{self.reason} on {self.ref}"

    @property
    def whole_entry(self) -> bool:
        return not self.phrase
