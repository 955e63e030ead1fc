"""Attendance: session marks and their history, imports, targets, interventions.

A mark is one learner's DfE code for one session (AM or PM) of one date; what
a code counts as lives in attendance.codes, not in the rows, so statistics
are always computed from the one code table.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from attendance.codes import CODE_CHOICES, MAX_CODE_LENGTH
from pastoral.uploads import private_files


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class Mark(models.Model):
    # No single-column indexes on these two: the (school, date) index and the
    # one-mark-per-session unique index lead with them already, and every index
    # less is one less to update for each of a year's half-million marks.
    school = models.ForeignKey(
        "pastoral.School", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    learner = models.ForeignKey(
        "pastoral.Learner",
        on_delete=models.CASCADE,
        related_name="attendance_marks",
        db_index=False,
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=MAX_CODE_LENGTH, choices=CODE_CHOICES)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    import_job = models.ForeignKey(
        "attendance.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "date", "session"], name="mark_one_per_session"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "date"], name="mark_school_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.code}"


class MarkChange(models.Model):
    """A changed or removed mark: who, when, old and new (new_code "" = removed).

    Kept without a foreign key to the mark so a removed mark's history stays.
    """

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="attendance_mark_changes"
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    old_code = models.CharField(max_length=MAX_CODE_LENGTH, blank=True)
    new_code = models.CharField(max_length=MAX_CODE_LENGTH, blank=True)
    old_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    import_job = models.ForeignKey(
        "attendance.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["learner", "date"], name="markchange_learner_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.session}: {self.old_code or '—'} → {self.new_code or '—'}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "preview", "Checked: awaiting confirmation"
        PENDING = "pending", "Waiting to start"
        VALIDATING = "validating", "Checking rows"
        WRITING = "writing", "Saving marks"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported (errors)"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200, blank=True)
    # The uploaded CSV, kept until the import has run (then emptied).
    content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)


percent_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Target(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="attendance_targets"
    )
    target_percent = models.DecimalField(
        "Target attendance (%)", max_digits=5, decimal_places=1, validators=percent_validators
    )
    baseline_percent = models.DecimalField(
        "Baseline attendance (%)",
        max_digits=5,
        decimal_places=1,
        validators=percent_validators,
        help_text="Attendance when the target was set (year to date).",
    )
    start = models.DateField("Start date")
    review_date = models.DateField()
    owner = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["school", "status", "review_date"])]

    def __str__(self) -> str:
        return f"{self.target_percent}% by {self.review_date}"

    def clean(self) -> None:
        if self.start and self.review_date and self.review_date <= self.start:
            raise ValidationError({"review_date": "The review date must be after the start date."})


class TargetReview(models.Model):
    class Outcome(models.TextChoices):
        MET = "met", "Target met"
        PROGRESS = "progress", "Progress, not yet met"
        NOT_MET = "not_met", "Not met"

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(default=timezone.localdate)
    attendance_percent = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, help_text="At the review."
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    next_review_date = models.DateField(
        null=True, blank=True, help_text="Leave empty to close the target."
    )
    reviewed_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reviewed_on}: {self.get_outcome_display()}"


class LetterTemplate(models.Model):
    """A school's standard attendance letter; {learner}, {date}, {attendance} are filled in."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    body = models.TextField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="lettertemplate_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Intervention(models.Model):
    class Kind(models.TextChoices):
        FIRST_DAY_CALL = "first_day_call", "First-day call"
        LETTER = "letter", "Letter"
        MEETING = "meeting", "Attendance meeting"
        PARENTING_CONTRACT = "parenting_contract", "Parenting contract"
        HOME_VISIT = "home_visit", "Home visit"
        SAFE_AND_WELL = "safe_and_well", "Safe-and-well visit"
        LA_REFERRAL = "la_referral", "Referral to the LA attendance service"
        NOTICE_TO_IMPROVE = "notice_to_improve", "Notice to improve (before a penalty notice)"
        ATTENDANCE_CONTRACT = "attendance_contract", "Attendance contract"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="attendance_interventions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(default=timezone.localdate)
    owner = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    letter_template = models.ForeignKey(
        LetterTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    letter_text = models.TextField(blank=True)
    # Whom a letter is addressed to (blank: "the parent or carer of ...").
    recipient = models.ForeignKey(
        "pastoral.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["learner", "-date"], name="intervention_learner_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date}"

    def clean(self) -> None:
        if self.kind in LETTER_KINDS and not (self.letter_template_id or self.letter_text):
            raise ValidationError(
                {"letter_template": f"Choose a letter template for a {self.get_kind_display()}."}
            )
        if self.recipient_id and self.recipient.learner_id != self.learner_id:
            raise ValidationError(
                {"recipient": "That person is not a parent or carer of this learner."}
            )


# Kinds of intervention that are a letter from the school's templates (addressed,
# printed as a PDF): a plain letter, a notice to improve, an attendance contract.
LETTER_KINDS = (
    Intervention.Kind.LETTER,
    Intervention.Kind.NOTICE_TO_IMPROVE,
    Intervention.Kind.ATTENDANCE_CONTRACT,
)


class ReturnPlan(models.Model):
    """A plan for reintegrating a learner after a long absence."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="attendance_return_plans"
    )
    absent_from = models.DateField("Absent from")
    return_date = models.DateField("Date of return")
    reason = models.CharField("Reason for absence", max_length=200)
    # Superseded by PartTimeTimetable (the register); kept for plans recorded before it.
    reduced_timetable = models.BooleanField(
        "Part-time timetable (C2) agreed",
        default=False,
        help_text="Temporary, with a date to return to full time.",
    )
    support = models.TextField("Support on return", help_text="Who does what, and when.")
    review_date = models.DateField()
    owner = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-return_date", "-id"]

    def __str__(self) -> str:
        return f"Return on {self.return_date}"

    def clean(self) -> None:
        if self.absent_from and self.return_date and self.return_date < self.absent_from:
            raise ValidationError(
                {"return_date": "The return date cannot be before the absence began."}
            )


# ---------------------------------------------------------------------------
# Part-time timetables (Working together to improve school attendance, 2024)

DEFAULT_PART_TIME_MAX_WEEKS = 6


class AttendanceSettings(models.Model):
    """A school's attendance settings (the school-settings hub; the administrator)."""

    school = models.OneToOneField(
        "pastoral.School", on_delete=models.CASCADE, related_name="attendance_settings"
    )
    part_time_max_weeks = models.PositiveSmallIntegerField(
        "Longest part-time timetable (weeks)",
        default=DEFAULT_PART_TIME_MAX_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="A longer one needs a recorded exception: why, and who approved it.",
    )
    # Local-authority returns and thresholds (attendance/la_returns_views.py).
    la_consecutive_days = models.PositiveSmallIntegerField(
        "Consecutive school days of unauthorised absence to notify the LA",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Working together to improve school attendance (2024): 10 unless the LA sets another.",
    )
    penalty_sessions = models.PositiveSmallIntegerField(
        "Unauthorised sessions for the penalty-notice threshold",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    penalty_weeks = models.PositiveSmallIntegerField(
        "Rolling period of the penalty-notice threshold (school weeks)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(39)],
    )

    def __str__(self) -> str:
        return f"Attendance settings of {self.school_id}"


class Weekday(models.IntegerChoices):
    """ISO weekday numbers (Django's `__iso_week_day` lookup uses the same)."""

    MON = 1, "Monday"
    TUE = 2, "Tuesday"
    WED = 3, "Wednesday"
    THU = 4, "Thursday"
    FRI = 5, "Friday"


class PartTimeTimetable(models.Model):
    """A temporary part-time timetable: the learner is absent (C2) from the planned sessions.

    Time-limited (the school's maximum, longer only with a recorded exception),
    agreed with a parent, reviewed, with a plan back to full time, and the
    local authority told.
    """

    class AgreementMethod(models.TextChoices):
        MEETING = "meeting", "In a meeting (signed)"
        SIGNED_LETTER = "signed_letter", "Signed letter or form returned"
        EMAIL = "email", "By email"
        PHONE = "phone", "By telephone (noted)"

    class NoticeMethod(models.TextChoices):
        EMAIL = "email", "Secure email"
        PORTAL = "portal", "The LA's portal or online form"
        LETTER = "letter", "Letter"
        PHONE = "phone", "Telephone (followed up in writing)"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="part_time_timetables"
    )
    reason = models.TextField(help_text="Why a part-time timetable is in the learner's interest.")
    start = models.DateField("Start date")
    end = models.DateField("End date")
    exception_reason = models.TextField(
        "Why longer than the school's maximum", blank=True, default=""
    )
    exception_approved_by = models.CharField(
        "Exception approved by", max_length=200, blank=True, default=""
    )
    agreed_by = models.CharField("Parent or carer who agreed", max_length=200)
    agreed_on = models.DateField("Agreed on")
    agreement_method = models.CharField(
        "How the agreement was recorded", max_length=20, choices=AgreementMethod.choices
    )
    agreement_scan = models.FileField(
        storage=private_files, upload_to="attendance/%Y/%m/", blank=True
    )
    agreement_scan_name = models.CharField(max_length=200, blank=True, default="")
    agreement_scan_type = models.CharField(max_length=100, blank=True, default="")
    return_plan = models.TextField(
        "Plan to return to full time", help_text="How and when the sessions build back up."
    )
    review_date = models.DateField(
        "Next review", null=True, blank=True, help_text="Empty once the last review is done."
    )
    owner = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    la_notified_on = models.DateField("Local authority notified on", null=True, blank=True)
    la_notified_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    la_notified_how = models.CharField(
        "How the local authority was notified",
        max_length=10,
        choices=NoticeMethod.choices,
        blank=True,
        default="",
    )
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["school", "end", "start"], name="parttime_school_dates"),
            models.Index(fields=["learner", "start"], name="parttime_learner_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="parttime_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Part-time timetable {self.start} to {self.end}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end date cannot be before the start date."})
        if (
            self.review_date
            and self.start
            and self.end
            and not self.start <= self.review_date <= self.end
        ):
            raise ValidationError(
                {"review_date": "The review must fall between the start and end dates."}
            )

    @property
    def weeks(self) -> int:
        """Whole weeks it spans, counted up (4 weeks: a Monday to the Friday 3 weeks on)."""
        return -(-((self.end - self.start).days + 1) // 7)

    def is_active(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class PartTimeSession(models.Model):
    """A planned absence: the learner does not attend this session of this weekday (C2)."""

    timetable = models.ForeignKey(
        PartTimeTimetable, on_delete=models.CASCADE, related_name="absent_sessions"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    session = models.CharField(max_length=2, choices=Session.choices)

    class Meta:
        ordering = ["weekday", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["timetable", "weekday", "session"], name="parttime_session_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.session}"

    @property
    def key(self) -> str:
        return f"{self.weekday}-{self.session}"


class PartTimeReview(models.Model):
    timetable = models.ForeignKey(
        PartTimeTimetable, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(default=timezone.localdate)
    notes = models.TextField()
    next_review_date = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Reviewed {self.reviewed_on}"


# ---------------------------------------------------------------------------
# Local-authority returns (attendance/services/la_returns.py)


class LaNoticeMethod(models.TextChoices):
    EMAIL = "email", "Secure email"
    PORTAL = "portal", "The LA's portal or online form"
    LETTER = "letter", "Letter"
    PHONE = "phone", "Telephone (followed up in writing)"


class LaAbsenceNotification(models.Model):
    """The local authority told of a run of consecutive school days of unauthorised
    absence. One per run: the run is known by its first day, so a learner leaves
    the queue once notified and comes back only when a new run starts."""

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="la_absence_notifications"
    )
    run_start = models.DateField("First day of the absence")
    run_end = models.DateField("Last day counted")
    school_days = models.PositiveSmallIntegerField("School days absent when notified")
    notified_on = models.DateField("Notified on")
    how = models.CharField(max_length=10, choices=LaNoticeMethod.choices)
    la_reference = models.CharField("LA reference", max_length=60, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    notified_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-notified_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "run_start"], name="la_absence_notified_once_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"LA notified {self.notified_on} of absence from {self.run_start}"


class RollChange(models.Model):
    """An addition to or deletion from the admission register outside the normal
    transition points, with its ground, and the local authority told."""

    class Kind(models.TextChoices):
        ADDITION = "addition", "Added to the roll"
        DELETION = "deletion", "Deleted from the roll"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        "pastoral.Learner", on_delete=models.CASCADE, related_name="roll_changes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField("Date of the change")
    ground = models.CharField("Ground (reason code)", max_length=30)
    details = models.TextField(
        blank=True, default="", help_text="e.g. the new school, the new address."
    )
    due_by = models.DateField("LA to be told by")
    la_notified_on = models.DateField("LA notified on", null=True, blank=True)
    la_notified_how = models.CharField(
        max_length=10, choices=LaNoticeMethod.choices, blank=True, default=""
    )
    la_reference = models.CharField("LA reference", max_length=60, blank=True, default="")
    la_notified_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey("pastoral.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["school", "la_notified_on", "due_by"], name="rollchange_queue")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date}"

    @property
    def ground_label(self) -> str:
        from attendance.roll_grounds import ground_label

        return ground_label(self.kind, self.ground)
