"""Forms of the suspension pages: input validation only (rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms

from behaviour import exclusion_rules as rules
from behaviour.models import Exclusion


class DateInput(forms.DateInput):
    input_type = "date"


class ExclusionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=Exclusion.Kind.choices)
    reason = forms.ChoiceField(label="Reason (DfE category)", choices=rules.REASONS)
    start_date = forms.DateField(label="First day", widget=DateInput)
    start_session = forms.ChoiceField(
        label="Starting from", choices=Exclusion.StartSession.choices, initial="AM"
    )
    sessions = forms.IntegerField(
        label="Length in sessions (half days; 2 a school day)",
        required=False,
        min_value=1,
        max_value=2 * rules.YEAR_LIMIT_DAYS,
        help_text="Leave empty for a permanent exclusion.",
    )
    decided_by = forms.CharField(label="Decided by (headteacher)", max_length=150, required=False)
    day_six_provision = forms.CharField(
        label="Where the learner attends from day 6 (suspensions over 5 days)",
        max_length=300,
        required=False,
    )
    incidents = forms.TypedMultipleChoiceField(
        label="Behaviour incidents that led to it",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    letter_to = forms.TypedChoiceField(
        label="Letter addressed to", coerce=int, required=False, empty_value=None
    )
    acknowledge_restriction = forms.BooleanField(
        label="I have read the contact restriction on the person chosen", required=False
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        incident_choices: list[tuple[int, str]],
        parent_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incidents"].choices = incident_choices
        self.fields["letter_to"].choices = [("", "The parent or carer (no name)"), *parent_choices]


class NoticeSentForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput)
    sent_on = forms.DateField(label="Sent on", widget=DateInput)
    note = forms.CharField(label="How (e-mail, portal, letter)", max_length=200, required=False)


class ReintegrationForm(forms.Form):
    on = forms.DateField(label="Meeting date", widget=DateInput)
    with_user = forms.TypedChoiceField(label="Meeting with", coerce=int)

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["with_user"].choices = [("", "Choose…"), *staff]
