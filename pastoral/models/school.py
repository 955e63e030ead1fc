"""Trusts, schools, the academic calendar and the school's structure."""

from __future__ import annotations

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
        ATTENDANCE = "attendance", "Local authority attendance service"
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

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name
