"""Forms for the caseload reports: which sections, which period (input only)."""

from __future__ import annotations

from typing import Any

from django import forms

from caseload.models import SubjectAccessRedaction, SubjectAccessRequest
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


class SubjectAccessRequestForm(forms.ModelForm):
    """Recording a subject-access request (input only: the service checks and saves)."""

    class Meta:
        model = SubjectAccessRequest
        fields = [
            "requester_name",
            "requester_relationship",
            "received_on",
            "identity_checked_by",
            "identity_checked_on",
            "identity_method",
        ]
        widgets = {"received_on": DATE_WIDGET, "identity_checked_on": DATE_WIDGET}
        help_texts = {
            "received_on": "The response is due one calendar month after this date.",
            "identity_method": "For example: passport seen at reception; known parent, "
            "verified by phone on the number held.",
        }

    def fields_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SubjectAccessExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Extend the due date by",
        choices=[(1, "One further month"), (2, "Two further months")],
        coerce=int,
    )
    reason = forms.CharField(
        label="Reason for the extension (e.g. the request is complex or one of several)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RedactionForm(forms.Form):
    ref = forms.ChoiceField(label="Entry")
    phrase = forms.CharField(
        label="Words or passage to withhold (copy them exactly; leave empty to withhold the "
        "whole entry)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    reason = forms.ChoiceField(label="Reason code")

    def __init__(self, *args: Any, refs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ref"].choices = refs
        self.fields["reason"].choices = SubjectAccessRedaction.Reason.choices


class ApproveForm(forms.Form):
    confirm_empty = forms.BooleanField(
        label="I confirm that every entry of this part is to be withheld", required=False
    )
