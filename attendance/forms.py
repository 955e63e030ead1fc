"""Forms of the attendance app: input validation only (rules live in services/models)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from attendance.models import LETTER_KINDS, Intervention, LetterTemplate, TargetReview
from pastoral.models import Contact, Role, School, User
from pastoral.people.rules import no_contact_restrictions

# A date input's value must be ISO (yyyy-mm-dd) whatever the locale, or the
# browser shows an initial date (en-GB: dd/mm/yyyy) as empty.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
    recipient = forms.ModelChoiceField(
        label="Letter to",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="The parent or carer (not named)",
        help_text="For a letter: the parent or carer it is addressed to.",
    )
    acknowledge_restriction = forms.BooleanField(
        label="I have read the contact restriction on the person I chose",
        required=False,
        help_text="Needed to address a letter to someone under a no-contact restriction.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(
        label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        school: School,
        user: User,
        parents: list[Contact] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_staff(school)
        self.fields["owner"].initial = user.pk
        self.fields["letter_template"].queryset = LetterTemplate.objects.filter(school=school)
        parents = parents or []
        field = self.fields["recipient"]
        field.queryset = Contact.objects.filter(pk__in=[p.pk for p in parents])
        restricted = {p.pk for p in parents if no_contact_restrictions(p)}
        field.label_from_instance = lambda c: (
            f"{c.addressed_name} ({c.get_relationship_display()})"
            + (" — NO-CONTACT RESTRICTION" if c.pk in restricted else "")
        )
        if not restricted:
            del self.fields["acknowledge_restriction"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") in LETTER_KINDS and not data.get("letter_template"):
            label = dict(Intervention.Kind.choices).get(data["kind"], "letter")
            self.add_error("letter_template", f"Choose a letter template for a {label.lower()}.")
        data.setdefault("acknowledge_restriction", False)
        return data


class ReturnPlanForm(forms.Form):
    absent_from = forms.DateField(label="Absent from", widget=DATE)
    return_date = forms.DateField(label="Date of return", widget=DATE)
    reason = forms.CharField(label="Reason for absence", max_length=200)
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
        help_text=(
            "One row per mark (UPN, Date, Session, Code, Minutes late) or one row per learner "
            "with a column per session (UPN, …, 2026-09-07 AM, 2026-09-07 PM, …)."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The file is larger than the limit of {limit} MB.")
        return upload


class LetterTemplateForm(forms.Form):
    name = forms.CharField(label="Name of the letter", max_length=100)
    body = forms.CharField(
        label="Text of the letter",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Placeholders: {learner} (the learner's name), {date} (today's date), "
        "{attendance} (the learner's attendance this year).",
    )


# ---------------------------------------------------------------------------
# Part-time timetables


def _session_choices() -> list[tuple[str, str]]:
    from attendance.models import Session, Weekday

    return [
        (f"{day.value}-{s.value}", f"{day.label} {s.label.lower()}")
        for day in Weekday
        for s in Session
    ]


class PartTimeForm(forms.Form):
    """The register's form. Dates are optional here so that the service's own
    message (why an end date is needed, the school's maximum) goes beside them."""

    for_behaviour = forms.TypedChoiceField(
        label="Is this timetable to manage the learner's behaviour?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="A part-time timetable must not be used to manage behaviour.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it is in the learner's interest: e.g. a medical condition, a phased return.",
    )
    start = forms.DateField(label="Start date", required=False, widget=DATE)
    end = forms.DateField(
        label="End date",
        required=False,
        widget=DATE,
        help_text="A part-time timetable is temporary: the date the learner is back full time.",
    )
    exception_reason = forms.CharField(
        label="Why longer than the school's maximum (exceptions only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    exception_approved_by = forms.CharField(
        label="Exception approved by (name and role)", required=False, max_length=200
    )
    absent_sessions = forms.MultipleChoiceField(
        label="Sessions the learner will NOT attend (marked C2)",
        choices=_session_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agreed_by = forms.CharField(label="Parent or carer who agreed", max_length=200)
    agreed_on = forms.DateField(label="Agreed on", widget=DATE)
    agreement_method = forms.ChoiceField(
        label="How the agreement was recorded",
        choices=[],
    )
    agreement_scan = forms.FileField(
        label="Scanned agreement (optional)",
        required=False,
        help_text="The signed page: PDF or a photo.",
    )
    return_plan = forms.CharField(
        label="Plan to return to full time",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the sessions build back up, week by week.",
    )
    review_date = forms.DateField(label="First review", required=False, widget=DATE)
    owner = forms.ModelChoiceField(
        label="Owner (reviews and reminders)", queryset=User.objects.none()
    )

    def __init__(self, *args: Any, school: School, user: User, **kwargs: Any) -> None:
        from attendance.models import PartTimeTimetable

        super().__init__(*args, **kwargs)
        self.fields["agreement_method"].choices = [
            ("", "Choose…"),
            *PartTimeTimetable.AgreementMethod.choices,
        ]
        self.fields["owner"].queryset = case_staff(school)
        self.fields["owner"].initial = user.pk


class LaNoticeForm(forms.Form):
    notified_on = forms.DateField(label="Notified on", widget=DATE, initial=timezone.localdate)
    how = forms.ChoiceField(label="How", choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from attendance.models import PartTimeTimetable

        super().__init__(*args, **kwargs)
        self.fields["how"].choices = PartTimeTimetable.NoticeMethod.choices


class PartTimeReviewForm(forms.Form):
    notes = forms.CharField(label="Review notes", widget=forms.Textarea(attrs={"rows": 3}))
    next_review_date = forms.DateField(
        label="Next review",
        required=False,
        widget=DATE,
        help_text="Leave empty if this was the last review before the end date.",
    )


class AttendanceSettingsForm(forms.Form):
    part_time_max_weeks = forms.IntegerField(
        label="Longest part-time timetable (weeks)",
        min_value=1,
        max_value=26,
        help_text="Default 6. A longer timetable needs a recorded exception: why, and who approved.",
    )
