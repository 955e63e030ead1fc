"""The filter form of the concern lists: the inbox, the pastoral list and the
dashboard (GET; input validation only)."""

from __future__ import annotations

from typing import Any

from django import forms

from pastoral.access import Scope
from safeguarding import selectors
from safeguarding.models import Concern

_YES = [("", "Any"), ("1", "Yes")]


class ConcernFilterForm(forms.Form):
    """The filters of the inbox, the pastoral list and the dashboard (GET).
    `kind`: "inbox" (all fields), "pastoral" (no owner or level: the list is
    pastoral concerns only), "dashboard" (learner filters and category)."""

    status = forms.ChoiceField(label="Status", required=False)
    mine = forms.TypedChoiceField(
        label="Owner",
        required=False,
        coerce=bool,
        empty_value=False,
        choices=[("", "Anyone"), ("1", "Owned by me")],
    )
    overdue = forms.TypedChoiceField(
        label="Past due date", required=False, coerce=bool, empty_value=False, choices=_YES
    )
    action_overdue = forms.TypedChoiceField(
        label="Action follow-up overdue",
        required=False,
        coerce=bool,
        empty_value=False,
        choices=_YES,
    )
    level = forms.ChoiceField(
        label="Level", required=False, choices=[("", "Any"), *Concern.Level.choices]
    )
    category = forms.TypedChoiceField(
        label="Category", coerce=int, required=False, empty_value=None
    )
    year = forms.TypedChoiceField(label="Year group", coerce=int, required=False, empty_value=None)
    age = forms.ChoiceField(label="Logged", required=False)
    sen = forms.TypedChoiceField(
        label="SEN", required=False, coerce=bool, empty_value=False, choices=_YES
    )
    pupil_premium = forms.TypedChoiceField(
        label="Pupil premium", required=False, coerce=bool, empty_value=False, choices=_YES
    )
    looked_after = forms.TypedChoiceField(
        label="Looked after", required=False, coerce=bool, empty_value=False, choices=_YES
    )

    FIELDS = {
        "inbox": (
            "status",
            "mine",
            "level",
            "category",
            "year",
            "age",
            "overdue",
            "action_overdue",
            "sen",
            "pupil_premium",
            "looked_after",
        ),
        "pastoral": (
            "status",
            "category",
            "year",
            "age",
            "overdue",
            "sen",
            "pupil_premium",
            "looked_after",
        ),
        "dashboard": ("year", "category", "sen", "pupil_premium", "looked_after"),
    }

    def __init__(self, *args: Any, scope: Scope, kind: str = "inbox", **kwargs: Any) -> None:
        from pastoral.access import Cap

        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS[kind]:
                del self.fields[name]
        if "status" in self.fields:
            statuses = [("", "Not closed"), *selectors.STATUS_CHOICES]
            if kind == "pastoral":
                statuses += [("closed", "Closed"), ("all", "All")]
            self.fields["status"].choices = statuses
        if "age" in self.fields:
            self.fields["age"].choices = [("", "Any time"), *selectors.AGE_CHOICES]
        self.fields["category"].choices = [("", "Any")] + [
            (c.pk, c.name) for c in selectors.categories_for(scope, active_only=False)
        ]
        cap = Cap.VIEW_PASTORAL_CONCERNS if kind == "pastoral" else Cap.TRIAGE_CONCERNS
        self.fields["year"].choices = [("", "Any")] + [
            (y.pk, y.name) for y in selectors.filter_years_for(scope, cap)
        ]

    def filters(self) -> Any:
        """The ConcernFilters of a valid form; none when invalid or unbound."""
        if self.is_bound and self.is_valid():
            return selectors.ConcernFilters.from_data(self.cleaned_data)
        return selectors.ConcernFilters()
