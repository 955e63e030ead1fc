"""The analysis page's GET filters (behaviour:analysis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from behaviour.models import Kind
from behaviour.selectors.analysis import AnalysisFilters

MAX_RANGE_DAYS = 400


class AnalysisFilterForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    year_group = forms.TypedChoiceField(
        label="Year group", required=False, coerce=int, empty_value=None
    )
    reg_group = forms.TypedChoiceField(
        label="Reg group", required=False, coerce=int, empty_value=None
    )
    type = forms.TypedChoiceField(
        label="Behaviour type", required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(
        label="Positive or negative",
        required=False,
        choices=[("", "Both"), *Kind.choices],
    )

    def __init__(
        self, *args: Any, choices: dict[str, list], default: tuple[dt.date, dt.date], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.default = default
        self.fields["year_group"].choices = [("", "All years"), *choices["years"]]
        self.fields["reg_group"].choices = [("", "All reg groups"), *choices["groups"]]
        self.fields["type"].choices = [("", "All types"), *choices["types"]]
        self.fields["start"].help_text = f"Empty: this term, from {default[0]:%d/%m/%Y}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start = data.get("start") or self.default[0]
        end = data.get("end") or self.default[1]
        if "start" in data and "end" in data:
            if end < start:
                self.add_error("end", "The end date must not be before the start date.")
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("end", f"Choose at most {MAX_RANGE_DAYS} days.")
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> AnalysisFilters:
        """The cleaned filters (the term, unfiltered, when the form is invalid)."""
        if not self.is_valid():
            return AnalysisFilters(start=self.default[0], end=self.default[1])
        d = self.cleaned_data
        return AnalysisFilters(
            start=d["start"],
            end=d["end"],
            year_group_id=d.get("year_group"),
            reg_group_id=d.get("reg_group"),
            type_id=d.get("type"),
            kind=d.get("kind") or "",
        )
