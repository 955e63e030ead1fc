"""Forms for alternative provision (validation of input only; rules are the services')."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from attendance.models import Session
from provision.models import SESSION_CHOICES, Placement, Provider, Report
from provision.selectors.reconciliation import KIND_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = [
            "name",
            "registration",
            "urn",
            "ukprn",
            "address",
            "contact_name",
            "phone",
            "email",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class ConfirmationForm(forms.Form):
    confirmed_by = forms.CharField(
        label="Confirmed by",
        max_length=150,
        help_text="Who at the provider signed the written confirmation (name and role).",
    )
    confirmed_on = forms.DateField(label="Date of the confirmation", widget=DATE)
    expires_on = forms.DateField(
        label="Valid until",
        widget=DATE,
        help_text="Ask for a fresh confirmation before this date (at least yearly).",
    )
    letter = forms.FileField(
        label="Scanned letter (optional)",
        required=False,
        help_text="PDF, JPEG, PNG or Word.",
    )


class PlacementForm(forms.ModelForm):
    sessions = forms.MultipleChoiceField(
        label="Sessions at the provider",
        choices=SESSION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Placement
        fields = [
            "provider",
            "start",
            "end",
            "sessions",
            "times",
            "reason",
            "reason_detail",
            "cost",
        ]
        widgets = {
            "start": DATE,
            "end": DATE,
            "reason_detail": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].help_text = (
            "A placement starts only when the provider's written confirmation of "
            "safer-recruitment checks is on record and current."
        )


class EndForm(forms.Form):
    on = forms.DateField(label="Last day at the provider", widget=DATE)
    reason = forms.CharField(label="Why it ends", widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    date = forms.DateField(label="Date of the review", widget=DATE, initial=dt.date.today)
    notes = forms.CharField(
        label="What the review found and agreed", widget=forms.Textarea(attrs={"rows": 4})
    )
    continue_placement = forms.BooleanField(
        label="The placement continues", required=False, initial=True
    )


class ReportForm(forms.Form):
    date = forms.DateField(label="Date", widget=DATE, initial=dt.date.today)
    session = forms.ChoiceField(label="Session", choices=Session.choices)
    outcome = forms.ChoiceField(
        label="The provider reports", choices=Report.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)


class PlacementFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *Placement.Status.choices]
    )


class ReconciliationForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DATE)
    end = forms.DateField(label="To", required=False, widget=DATE)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Every kind"), *KIND_LABELS.items()]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the range is before its start.")
        if start and end and (end - start).days > 366:
            self.add_error("start", "Choose a range of a year or less.")
        return data


class WhereForm(forms.Form):
    date = forms.DateField(label="Date", required=False, widget=DATE)
    session = forms.ChoiceField(label="Session", required=False, choices=Session.choices)
