"""Forms for the caseload reports: which sections, which period (input only)."""

from __future__ import annotations

from typing import Any

from django import forms

from caseload.reports.transfer import CONFERENCE_SECTIONS, TRANSFER_SECTIONS
from caseload.selectors import board_years_for
from pastoral.models import YearGroup

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TransferReportForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label="Sections to include",
        choices=TRANSFER_SECTIONS,
        widget=forms.CheckboxSelectMultiple,
        initial=[key for key, _label in TRANSFER_SECTIONS],
        error_messages={"required": "Choose at least one section."},
    )
    destination = forms.CharField(
        label="Leaving for (school or destination)", max_length=200, required=False
    )

    def params(self) -> dict[str, Any]:
        return {
            "sections": self.cleaned_data["sections"],
            "destination": self.cleaned_data["destination"].strip(),
        }


class CaseConferenceForm(forms.Form):
    since = forms.DateField(label="Include records since", widget=DATE_WIDGET)
    meeting = forms.CharField(
        label="Meeting (e.g. initial child protection conference, 12 March)",
        max_length=200,
        required=False,
    )
    sections = forms.MultipleChoiceField(
        label="Sections to include",
        choices=CONFERENCE_SECTIONS,
        widget=forms.CheckboxSelectMultiple,
        initial=[key for key, _label in CONFERENCE_SECTIONS],
        error_messages={"required": "Choose at least one section."},
    )

    def params(self) -> dict[str, Any]:
        return {
            "since": self.cleaned_data["since"].isoformat(),
            "meeting": self.cleaned_data["meeting"].strip(),
            "sections": self.cleaned_data["sections"],
        }


class CaseloadReviewForm(forms.Form):
    year = forms.ModelChoiceField(
        label="Year group", queryset=YearGroup.objects.none(), required=False, empty_label="All"
    )
    since = forms.DateField(
        label="Review outcomes since",
        widget=DATE_WIDGET,
        required=False,
        help_text="Leave empty for the last 12 months.",
    )

    def __init__(self, *args: Any, scope: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = board_years_for(scope)

    def params(self) -> dict[str, Any]:
        year = self.cleaned_data.get("year")
        since = self.cleaned_data.get("since")
        return {"year": year.pk if year else None, "since": since.isoformat() if since else ""}


class SubjectAccessForm(forms.Form):
    received = forms.DateField(label="Request received on", widget=DATE_WIDGET)
    redact = forms.MultipleChoiceField(
        label="Entries holding third-party information (redacted in the export)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="Reason printed in place of each redacted entry",
        max_length=200,
        initial="third-party information",
    )

    def __init__(self, *args: Any, refs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["redact"].choices = refs

    def params(self) -> dict[str, Any]:
        return {
            "received": self.cleaned_data["received"].isoformat(),
            "redact": self.cleaned_data["redact"],
            "reason": self.cleaned_data["reason"].strip(),
        }
