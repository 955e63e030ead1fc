"""Restrictions on a parent's or carer's contact, and named people at outside agencies."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class ContactRestriction(models.Model):
    """What a parent or carer may not do, and on what basis (a court order, an agreement).

    Recorded separately from the contact so that its basis, date and scope are
    always stated; shown as a warning wherever the parent appears.
    """

    class Basis(models.TextChoices):
        COURT_ORDER = "court_order", "Court order"
        AGREEMENT = "agreement", "Written agreement"
        OTHER = "other", "Other (say what in the note)"

    class Restricts(models.TextChoices):
        NO_CONTACT = "no_contact", "No contact at all"
        NO_COLLECTION = "no_collection", "May not collect the learner"
        NO_INFORMATION = "no_information", "No information to be shared"
        SUPERVISED = "supervised", "Supervised contact only"
        OTHER = "other", "Other (say what in the note)"

    contact = models.ForeignKey(
        "pastoral.Contact", on_delete=models.CASCADE, related_name="restrictions"
    )
    basis = models.CharField(max_length=20, choices=Basis.choices)
    basis_date = models.DateField("Date of the order or agreement")
    restricts = models.CharField("What it restricts", max_length=20, choices=Restricts.choices)
    with_whom = models.CharField(
        "With whom",
        max_length=200,
        blank=True,
        help_text="Blank means the learner; e.g. “the learner and her brother”.",
    )
    reference = models.CharField("Reference", max_length=100, blank=True)
    expires = models.DateField("Expires", null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["basis_date", "id"]

    def __str__(self) -> str:
        return self.summary

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.basis_date and self.basis_date > timezone.localdate():
            errors["basis_date"] = "The date of the order or agreement cannot be in the future."
        if self.basis_date and self.expires and self.expires < self.basis_date:
            errors["expires"] = "The restriction cannot expire before its date."
        other = self.basis == self.Basis.OTHER or self.restricts == self.Restricts.OTHER
        if other and not (self.note or "").strip():
            errors["note"] = "Say what the restriction is, or on what basis."
        if errors:
            raise ValidationError(errors)

    def is_active(self, on: dt.date | None = None) -> bool:
        return self.expires is None or self.expires >= (on or timezone.localdate())

    @property
    def active(self) -> bool:
        return self.is_active()

    @property
    def is_no_contact(self) -> bool:
        return self.restricts == self.Restricts.NO_CONTACT

    @property
    def summary(self) -> str:
        whom = self.with_whom or "the learner"
        what = self.get_restricts_display()
        text = f"{what} (with {whom}): {self.get_basis_display().lower()} of {self.basis_date:%d %B %Y}"
        if self.reference:
            text += f", ref. {self.reference}"
        if self.expires:
            text += f", until {self.expires:%d %B %Y}"
        return text


class AgencyContact(models.Model):
    """A named person at an outside agency."""

    agency = models.ForeignKey("pastoral.Agency", on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="e.g. Duty social worker")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}" if self.role else self.name
