"""Retention forms: input only (the rules are in services)."""

from __future__ import annotations

from django import forms

from pastoral.models import LegalHold


class DisposeForm(forms.Form):
    confirm_name = forms.CharField(
        label="Type the learner's name to confirm",
        max_length=200,
        help_text="As shown above. Disposal cannot be undone.",
    )
    understood = forms.BooleanField(
        label="I have reviewed these records and they are to be destroyed",
        required=True,
    )


class HoldForm(forms.Form):
    reason = forms.ChoiceField(label="Why they are kept", choices=LegalHold.Reason.choices)
    details = forms.CharField(
        label="Reference or details",
        max_length=300,
        help_text="e.g. the police, court or inquiry reference",
    )


class LiftForm(forms.Form):
    reason = forms.CharField(label="Why the hold is lifted", max_length=300)


class RuleForm(forms.Form):
    years = forms.IntegerField(
        label="Keep for (years)",
        min_value=1,
        max_value=100,
        required=False,
        help_text="Leave empty to use the default.",
    )
    reason = forms.CharField(
        label="Why the school keeps them this long", max_length=300, required=False
    )


class YearForm(forms.Form):
    year = forms.RegexField(regex=r"^\d{4}/\d{2}$", label="School year", required=False)
