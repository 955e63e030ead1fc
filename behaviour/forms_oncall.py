"""Forms of on-call, removals and isolation: validation of input only."""

from __future__ import annotations

from typing import Any

from django import forms

from behaviour.models.oncall import Outcome, Reason, Urgency


def _learner_choices(learners: list[Any], blank: str) -> list[tuple[Any, str]]:
    return [("", blank)] + [
        (lr.pk, f"{lr.display_name}" + (f" ({lr.reg_group.name})" if lr.reg_group else ""))
        for lr in learners
    ]


class OnCallForm(forms.Form):
    room = forms.CharField(label="Room", max_length=30, required=False)
    lesson = forms.CharField(label="Lesson / period", max_length=30, required=False)
    learner = forms.TypedChoiceField(
        coerce=int, label="Learner (optional)", required=False, empty_value=None
    )
    urgency = forms.ChoiceField(
        label="Urgency",
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)
    reason = forms.ChoiceField(
        label="Reason", choices=Reason.choices, error_messages={"required": "Choose a reason."}
    )

    def __init__(self, *args: Any, learners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = _learner_choices(learners, "No one named")


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "Choose what happened")] + list(Outcome.choices)
    )
    learner = forms.TypedChoiceField(
        coerce=int, label="Learner (for a removal)", required=False, empty_value=None
    )
    where_to = forms.CharField(
        label="Where the learner went (removals)", max_length=60, required=False
    )
    minutes = forms.IntegerField(
        label="Out of the lesson for (minutes)", required=False, min_value=1, max_value=600
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, learners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if learners:
            self.fields["learner"].choices = _learner_choices(learners, "As on the request")
        else:
            del self.fields["learner"]


class RemovalForm(forms.Form):
    lesson = forms.CharField(label="Lesson / period", max_length=30)
    room = forms.CharField(label="Room", max_length=30, required=False)
    reason = forms.CharField(label="Reason", max_length=300)
    where_to = forms.CharField(label="Where to", max_length=60)
    minutes = forms.IntegerField(label="Duration (minutes)", min_value=1, max_value=600)


class PolicyForm(forms.Form):
    removal_threshold = forms.IntegerField(
        label="Removals that alert the head of year", min_value=1, max_value=50
    )
    removal_window_days = forms.IntegerField(
        label="Window (school days)", min_value=1, max_value=60
    )


class RotaForm(forms.Form):
    user = forms.TypedChoiceField(coerce=int, label="Add to the on-call rota")

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose a member of staff")] + [
            (u.pk, u.full_name or u.email) for u in staff
        ]


class IsolationSessionForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    room = forms.CharField(label="Room", max_length=30)
    supervisor = forms.TypedChoiceField(
        coerce=int, label="Supervisor", required=False, empty_value=None
    )

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [("", "—")] + [
            (u.pk, u.full_name or u.email) for u in staff
        ]


class PlaceForm(forms.Form):
    learner = forms.TypedChoiceField(
        coerce=int, label="Learner", error_messages={"required": "Choose a learner."}
    )
    reason = forms.CharField(label="Reason", max_length=300)
    periods = forms.IntegerField(label="Periods", min_value=1, max_value=8, initial=5)

    def __init__(self, *args: Any, learners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = _learner_choices(learners, "Choose a learner")
