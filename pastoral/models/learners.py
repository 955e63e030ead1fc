"""Learners and the people around them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from pastoral.child_identifier import MAX_LENGTH as CHILD_ID_MAX_LENGTH
from pastoral.child_identifier import child_identifier_error
from pastoral.upn import upn_error


def validate_upn(value: str) -> None:
    error = upn_error(value)
    if error:
        raise ValidationError(error, code="invalid_upn")


def validate_child_identifier(value: str) -> None:
    error = child_identifier_error(value)
    if error:
        raise ValidationError(error, code="invalid_child_identifier")


class Learner(models.Model):
    class SEN(models.TextChoices):
        NONE = "N", "None"
        SUPPORT = "K", "SEN support"
        EHCP = "E", "EHC plan"

    class Gender(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "X", "Other / not stated"

    class Status(models.TextChoices):
        NONE = "", "None"
        CIN = "CIN", "Child in need"
        CP = "CP", "Child protection plan"

    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="learners")
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn])
    # Optional until regulations fix its format (pastoral/child_identifier.py).
    child_identifier = models.CharField(
        "consistent child identifier",
        max_length=CHILD_ID_MAX_LENGTH,
        blank=True,
        default="",
        validators=[validate_child_identifier],
    )
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices)
    year_group = models.ForeignKey(
        "pastoral.YearGroup", on_delete=models.PROTECT, related_name="learners"
    )
    reg_group = models.ForeignKey(
        "pastoral.RegGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learners",
    )
    sen_status = models.CharField("SEN status", max_length=1, choices=SEN.choices, default=SEN.NONE)
    pupil_premium = models.BooleanField(default=False)
    eal = models.BooleanField("EAL", default=False)
    looked_after = models.BooleanField("Looked after (CLA)", default=False)
    cp_status = models.CharField(
        "CP / CIN status", max_length=3, choices=Status.choices, blank=True, default=""
    )
    on_roll_from = models.DateField(null=True, blank=True)
    on_roll_until = models.DateField(null=True, blank=True)
    # Lower-cased "preferred legal last" names for quick search.
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="learner_unique_upn_per_school"),
            models.UniqueConstraint(
                fields=["school", "child_identifier"],
                condition=~models.Q(child_identifier=""),
                name="learner_unique_child_identifier_per_school",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "legal_last_name", "legal_first_name"]),
            models.Index(fields=["school", "year_group"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def first_name(self) -> str:
        return self.preferred_first_name or self.legal_first_name

    @property
    def last_name(self) -> str:
        return self.preferred_last_name or self.legal_last_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def build_search_text(self) -> str:
        parts = [
            self.preferred_first_name,
            self.legal_first_name,
            self.preferred_last_name,
            self.legal_last_name,
            self.upn,
        ]
        return " ".join(p.lower() for p in parts if p)

    def save(self, *args: object, **kwargs: object) -> None:
        # A derived column, not a business rule: kept in step with the names.
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Contact(models.Model):
    """A parent or carer of a learner."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        SOCIAL_WORKER = "social_worker", "Social worker"
        OTHER_RELATIVE = "relative", "Other relative"
        OTHER = "other", "Other"

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="contacts")
    title = models.CharField(max_length=20, blank=True, help_text="e.g. Mrs, Mr, Dr")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_learner = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=1)
    phone = models.CharField(max_length=40, blank=True)
    mobile = models.CharField("Other phone", max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    # Called in an emergency, in priority order. A contact under a no-contact
    # restriction is one only when someone acknowledged the restriction.
    emergency_contact = models.BooleanField(default=True)
    notes = models.CharField(max_length=300, blank=True, help_text="e.g. no contact: court order")

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

    @property
    def addressed_name(self) -> str:
        """The name as on a letter: "Mrs Jane Smith"."""
        return f"{self.title} {self.name}".strip()
