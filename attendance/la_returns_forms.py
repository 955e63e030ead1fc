"""Forms of the local-authority returns: input only (rules in services/la_returns.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attendance.forms import DATE
from attendance.models import LaNoticeMethod, RollChange
from attendance.roll_grounds import all_ground_choices


class LaNotifyForm(forms.Form):
    notified_on = forms.DateField(label="Notified on", widget=DATE, initial=timezone.localdate)
    how = forms.ChoiceField(label="How the local authority was told", choices=[])
    la_reference = forms.CharField(
        label="LA reference", required=False, max_length=60, help_text="If the LA gave one."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["how"].choices = [("", "Choose…"), *LaNoticeMethod.choices]


class LaAbsenceNotifyForm(LaNotifyForm):
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RollChangeForm(forms.Form):
    kind = forms.ChoiceField(label="Change", choices=[("", "Choose…"), *RollChange.Kind.choices])
    date = forms.DateField(label="Date of the change", widget=DATE)
    ground = forms.ChoiceField(label="Ground (reason code)", choices=[])
    details = forms.CharField(
        label="Details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the new school or the new address.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [("", "Choose…"), *all_ground_choices()]


class LaSettingsForm(forms.Form):
    la_consecutive_days = forms.IntegerField(
        label="Consecutive school days of unauthorised absence before the LA is told",
        min_value=1,
        max_value=60,
        help_text="10 unless your local authority sets another number.",
    )
    penalty_sessions = forms.IntegerField(
        label="Sessions of unauthorised absence for the penalty-notice threshold",
        min_value=1,
        max_value=200,
        help_text="The national framework: 10.",
    )
    penalty_weeks = forms.IntegerField(
        label="Rolling period (school weeks)",
        min_value=1,
        max_value=39,
        help_text="The national framework: 10 school weeks.",
    )
