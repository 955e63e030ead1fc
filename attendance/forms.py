"""Forms of the attendance app: input validation only (rules live in services/models)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from attendance.models import Intervention, LetterTemplate, TargetReview
from pastoral.models import Role, School, User

DATE = forms.DateInput(attrs={"type": "date"})


def case_staff(school: School) -> Any:
    """Staff who may own attendance work: those with a case role in the school."""
    return (
        User.objects.filter(
            memberships__school=school,
            memberships__role__in=[Role.SUPPORT, Role.HEAD_OF_YEAR, Role.SENCO, Role.DSL],
            is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )


class RangeForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DATE)
    end = forms.DateField(label="To", required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must not be before the start date.")
        return data


class TargetForm(forms.Form):
    target_percent = forms.DecimalField(
        label="Target attendance (%)",
        min_value=Decimal("1"),
        max_value=Decimal("100"),
        decimal_places=1,
        initial=Decimal("95.0"),
    )
    review_date = forms.DateField(label="Review date", widget=DATE)
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none())
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, school: School, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_staff(school)
        self.fields["owner"].initial = user.pk
        self.fields["review_date"].initial = timezone.localdate() + dt.timedelta(weeks=6)

    def clean_review_date(self) -> dt.date:
        value = self.cleaned_data["review_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The review date must be in the future.")
        return value


class TargetReviewForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=TargetReview.Outcome.choices)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_review_date = forms.DateField(
        label="Next review date",
        required=False,
        widget=DATE,
        help_text="Leave empty to close the target.",
    )

    def clean_next_review_date(self) -> dt.date | None:
        value = self.cleaned_data.get("next_review_date")
        if value and value <= timezone.localdate():
            raise forms.ValidationError("The next review date must be in the future.")
        return value


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label="Intervention", choices=Intervention.Kind.choices)
    date = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none())
    letter_template = forms.ModelChoiceField(
        label="Letter template",
        queryset=LetterTemplate.objects.none(),
        required=False,
        help_text="For a letter: the school's standard text, filled in for this learner.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(
        label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, school: School, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_staff(school)
        self.fields["owner"].initial = user.pk
        self.fields["letter_template"].queryset = LetterTemplate.objects.filter(school=school)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Intervention.Kind.LETTER and not data.get("letter_template"):
            self.add_error("letter_template", "Choose a letter template for a letter.")
        return data


class ReturnPlanForm(forms.Form):
    absent_from = forms.DateField(label="Absent from", widget=DATE)
    return_date = forms.DateField(label="Date of return", widget=DATE)
    reason = forms.CharField(label="Reason for absence", max_length=200)
    reduced_timetable = forms.BooleanField(label="Part-time timetable (C2) agreed", required=False)
    support = forms.CharField(
        label="Support on return",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who does what, and when: e.g. meet at the gate, a safe space, catch-up work.",
    )
    review_date = forms.DateField(label="Review date", widget=DATE)
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none())

    def __init__(self, *args: Any, school: School, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_staff(school)
        self.fields["owner"].initial = user.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, back = data.get("absent_from"), data.get("return_date")
        if start and back and back < start:
            self.add_error("return_date", "The return date cannot be before the absence began.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file of marks",
        help_text="Columns: UPN, Date, Session (AM or PM), Code, Minutes late (optional).",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The file is larger than the limit of {limit} MB.")
        return upload
