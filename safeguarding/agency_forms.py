"""The agency report's form: addressee, period, sections, covering summary."""

from __future__ import annotations

from django import forms

from pastoral.models import Agency
from safeguarding.agency import SECTIONS, may_include_restricted

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgencyReportForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Outside agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Another agency (type its name below)",
    )
    agency_name = forms.CharField(
        label="Agency name, if not in the list", max_length=200, required=False
    )
    date_from = forms.DateField(label="From", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="To", required=False, widget=DATE_WIDGET)
    sections = forms.MultipleChoiceField(
        label="Sections to include",
        choices=SECTIONS,
        widget=forms.CheckboxSelectMultiple,
        initial=[key for key, _label in SECTIONS],
    )
    include_restricted = forms.BooleanField(
        label="Include restricted (child-protection) concerns", required=False
    )
    summary = forms.CharField(
        label="Covering summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text="Why you are sharing this, what you are asking the agency to do, and anything they should know first.",
    )

    def __init__(self, *args, scope=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(school=scope.school).order_by("name")
        if not may_include_restricted(scope):
            del self.fields["include_restricted"]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not data.get("agency") and not (data.get("agency_name") or "").strip():
            self.add_error("agency_name", "Choose the agency, or type its name.")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the period is before its start.")
        return data

    def params(self) -> dict:
        data = self.cleaned_data
        agency = data.get("agency")
        return {
            "agency_id": agency.pk if agency else None,
            "agency_name": str(agency) if agency else data["agency_name"].strip(),
            "date_from": data["date_from"].isoformat() if data.get("date_from") else "",
            "date_to": data["date_to"].isoformat() if data.get("date_to") else "",
            "sections": data["sections"],
            "include_restricted": bool(data.get("include_restricted")),
            "summary": data["summary"],
        }
