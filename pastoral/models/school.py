"""Trusts, schools, the academic calendar and the school's structure."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Trust(models.Model):
    name = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"

    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "URN", max_length=8, unique=True, help_text="DfE unique reference number"
    )
    la_code = models.CharField("LA code", max_length=3, blank=True)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.SECONDARY)
    # Safeguarding settings the school can change.
    triage_limit_hours = models.PositiveSmallIntegerField(default=24)
    rising_concern_count = models.PositiveSmallIntegerField(default=3)
    rising_concern_days = models.PositiveSmallIntegerField(default=14)
    # School details and settings the administrator keeps (pastoral/school_settings/).
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField("School e-mail", blank=True)
    headteacher = models.CharField("Headteacher", max_length=150, blank=True)
    am_session_start = models.TimeField("Morning session starts", default=dt.time(8, 40))
    am_register_closes = models.TimeField("Morning register closes", default=dt.time(9, 10))
    pm_session_start = models.TimeField("Afternoon session starts", default=dt.time(13, 15))
    pm_register_closes = models.TimeField("Afternoon register closes", default=dt.time(13, 45))
    pastoral_retention_years = models.PositiveSmallIntegerField(
        "Keep behaviour and general pastoral records for (years)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Years after the learner leaves the school. Safeguarding records are "
        "kept as KCSIE requires and are not set here.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AcademicYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    name = models.CharField(max_length=9, help_text="e.g. 2026/27")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="academicyear_unique_name"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="academicyear_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=40)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="term_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Closure(models.Model):
    """A weekday inside a term on which learners are not in school."""

    class Kind(models.TextChoices):
        INSET = "inset", "INSET day"
        HOLIDAY = "holiday", "Holiday"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"
        OTHER = "other", "Other closure"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="closure_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class BankHolidayOpening(models.Model):
    """A bank holiday (England and Wales) on which the school is open: a school day."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="bankholidayopening_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} open"


class YearGroup(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="year_groups")
    number = models.SmallIntegerField(help_text="0 for Reception, 7 for Year 7, ...")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["school", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="yeargroup_unique_number")
        ]

    def __str__(self) -> str:
        return self.name


class RegGroup(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="reg_groups")
    year_group = models.ForeignKey(YearGroup, on_delete=models.CASCADE, related_name="reg_groups")
    name = models.CharField(max_length=20)
    tutor = models.ForeignKey(
        "pastoral.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tutor_groups",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="reggroup_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care / MASH"
        EARLY_HELP = "early_help", "Early help"
        CAMHS = "camhs", "CAMHS"
        POLICE = "police", "Police"
        HEALTH = "health", "Health (school nurse, GP)"
        SCHOOL_NURSE = "school_nurse", "School nurse"
        ATTENDANCE = "attendance", "Local authority attendance service"
        EDUCATION_WELFARE = "education_welfare", "Education welfare"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school (looked-after children)"
        LADO = "lado", "LADO (allegations against staff)"
        EDUCATIONAL_PSYCHOLOGY = "ep", "Educational psychology"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        VOLUNTARY = "voluntary", "Voluntary sector"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name
