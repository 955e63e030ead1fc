"""Forms for parents and carers, restrictions, agencies and their people (input only)."""

from __future__ import annotations

from typing import Any

from django import forms

from pastoral.models import Agency, AgencyContact, Contact, ContactRestriction
from pastoral.people.rules import ACKNOWLEDGE_FIELD

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "title",
            "name",
            "relationship",
            "parental_responsibility",
            "priority",
            "phone",
            "mobile",
            "email",
            "address",
            "lives_with_learner",
            "emergency_contact",
            "notes",
        ]
        labels = {
            "name": "Full name",
            "parental_responsibility": "Has parental responsibility",
            "priority": "Priority (1 is called first)",
            "phone": "Main phone",
            "email": "E-mail",
            "lives_with_learner": "Lives with the learner",
            "emergency_contact": "Emergency contact",
            "notes": "Notes",
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, restricted: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].help_text = "Record a restriction below, not here."
        if restricted:
            self.fields[ACKNOWLEDGE_FIELD] = forms.BooleanField(
                label="I have read the no-contact restriction above and still choose this "
                "person as an emergency contact",
                required=False,
            )


class RestrictionForm(forms.ModelForm):
    class Meta:
        model = ContactRestriction
        fields = ["basis", "basis_date", "reference", "restricts", "with_whom", "expires", "note"]
        labels = {"basis": "Basis", "note": "Note"}
        widgets = {
            "basis_date": DATE,
            "expires": DATE,
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind", "phone", "email", "address", "notes"]
        labels = {"kind": "Kind of agency", "email": "E-mail"}
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class AgencyContactForm(forms.ModelForm):
    class Meta:
        model = AgencyContact
        fields = ["name", "role", "phone", "email"]
        labels = {"role": "Role", "email": "E-mail"}
