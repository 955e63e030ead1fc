"""Forms of the school settings pages: input checks only (the services decide)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from pastoral.models import Closure, School

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DetailsForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["name", "la_code", "phase", "headteacher", "address", "phone", "email"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class SessionsForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "am_session_start",
            "am_register_closes",
            "pm_session_start",
            "pm_register_closes",
        ]
        widgets = dict.fromkeys(fields, TIME)


class RemindersForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["triage_limit_hours", "rising_concern_count", "rising_concern_days"]
        labels = {
            "triage_limit_hours": "Hours before an untriaged concern is escalated to the deputy DSLs",
            "rising_concern_count": "Concerns about one learner that make a rising pattern",
            "rising_concern_days": "…within this many days",
        }

    def clean(self) -> dict:
        data = super().clean()
        for name, low, high in (
            ("triage_limit_hours", 1, 168),
            ("rising_concern_count", 2, 50),
            ("rising_concern_days", 1, 365),
        ):
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"Enter a number from {low} to {high}.")
        return data


class RetentionForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["pastoral_retention_years"]


SECTION_FORMS: dict[str, type[forms.ModelForm]] = {
    "details": DetailsForm,
    "sessions": SessionsForm,
    "reminders": RemindersForm,
    "retention": RetentionForm,
}


class TermForm(forms.Form):
    name = forms.CharField(label="Term name", max_length=40, help_text="e.g. Autumn term")
    start = forms.DateField(label="First day", widget=DATE)
    end = forms.DateField(label="Last day", widget=DATE)


class ClosureForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of closure", choices=Closure.Kind.choices)
    name = forms.CharField(label="Name", max_length=100, required=False, help_text="e.g. INSET day")
    start = forms.DateField(label="First day closed", widget=DATE)
    end = forms.DateField(
        label="Last day closed", widget=DATE, required=False, help_text="Empty for a single day."
    )


class BankHolidayForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)
    open = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(max_length=200, required=False)


class TermDateUploadForm(forms.Form):
    file = forms.FileField(
        label="Term-date file (CSV or iCalendar)",
        help_text="Nothing changes until you confirm the preview.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.ics,text/csv,text/calendar"}),
    )

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                f"The file is {uploaded.size / 1048576:.1f} MB; the limit is "
                f"{limit / 1048576:.0f} MB."
            )
        return uploaded
