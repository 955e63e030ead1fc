"""Forms of the safeguarding log: validation of input only (rules live in services)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from pastoral.access import Scope
from safeguarding import selectors
from safeguarding.models import (
    AlertGroup,
    Concern,
    ConcernAction,
    ConcernDecision,
    ConcernLearner,
    Level,
    Participant,
)
from safeguarding.models.concerns import FUTURE_TOLERANCE
from safeguarding.views.body_map import BODY_REGIONS
from safeguarding.views.body_map import BODY_VIEWS as BODY_VIEWS_CHOICES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.gif,.webp,.heic,.doc,.docx"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _local_input(value: Any) -> str:
    if not value:
        return ""
    # Django's DateTimeField already converts to local time (naive) before rendering.
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    """A native date picker, which needs ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return _local_input(value)


class _Prefixed:
    """Several forms share the concern page: give each its own element ids."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


class CategoryCheckboxes(forms.CheckboxSelectMultiple):
    """Category boxes that carry their alert groups and level, for the page's
    script to preselect the groups and say when the concern will be restricted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_data: dict[str, dict[str, str]] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


# The DSL team is always told; the form offers the other groups.
FORM_ALERT_GROUPS = [(g.value, g.label) for g in AlertGroup if g != AlertGroup.DSL]


class ConcernForm(forms.Form):
    learners = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Learner(s)",
        error_messages={"required": "Choose the learner (or learners) this is about."},
    )
    occurred_at = forms.DateTimeField(
        label="When it happened",
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Say when it happened.",
            "invalid": "Enter a date and time, e.g. 24/11/2026 09:30.",
        },
    )
    location = forms.CharField(label="Where", max_length=200, required=False)
    categories = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Categories",
        required=False,
        widget=CategoryCheckboxes,
        help_text="Categories marked “DSL team only” make the concern restricted, whatever you tick below.",
    )
    description = forms.CharField(
        label="What was seen or said (verbatim)",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Use the learner's own words where you can. Record facts; say what you saw and heard.",
        error_messages={"required": "Say what was seen or said."},
    )
    body_map = forms.CharField(required=False, widget=forms.HiddenInput)
    action_taken = forms.CharField(
        label="Action already taken", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    alert_groups = forms.MultipleChoiceField(
        label="Also alert",
        required=False,
        choices=FORM_ALERT_GROUPS,
        widget=forms.CheckboxSelectMultiple,
        help_text="The DSL team is always told at once. Of a restricted concern, only the DSL team is told.",
    )
    alerted = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Other people to alert",
        required=False,
        help_text="Type a name to search. Without the search, hold Ctrl (or Cmd) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 6, "data-people-picker": ""}),
    )
    restricted = forms.BooleanField(
        label="Child protection: show to the DSL team only",
        required=False,
        help_text="Tick if you think a child is at risk of significant harm. You will still see what you wrote.",
    )
    attachments = MultipleFileField(
        label="Attachments",
        help_text=f"PDF, images or Word documents, up to {settings.UPLOAD_MAX_BYTES // 1048576} MB each.",
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = list(selectors.categories_for(scope))
        self.fields["categories"].choices = [
            (c.pk, f"{c.name} (DSL team only)" if c.is_restricted else c.name) for c in categories
        ]
        self.fields["categories"].widget.option_data = {
            str(c.pk): {
                "data-alert-groups": " ".join(c.alert_groups),
                **({"data-restricted": ""} if c.is_restricted else {}),
            }
            for c in categories
        }
        self.fields["alerted"].choices = [
            (u.pk, u.full_name)
            for u in selectors.colleagues_for(scope)
            .exclude(pk=scope.user.pk)
            .only("pk", "full_name")
        ]
        # Learner choices are validated against the school directory by the service;
        # the picker posts ids, so accept any integer here.
        self.fields["learners"].valid_value = lambda value: True  # type: ignore[method-assign]
        if not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.now())

    def clean_occurred_at(self) -> Any:
        value = self.cleaned_data["occurred_at"]
        if value and value > timezone.now() + FUTURE_TOLERANCE:
            raise forms.ValidationError("This is in the future. When did it happen?")
        return value

    def clean_body_map(self) -> Any:
        raw = self.cleaned_data.get("body_map") or ""
        if not raw.strip():
            return []
        try:
            return json.loads(raw)
        except ValueError:
            raise forms.ValidationError("The body map could not be read.") from None


class FollowUpForm(_Prefixed, forms.Form):
    id_prefix = "followup"
    text = forms.CharField(
        label="Follow-up",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the follow-up."},
    )
    attachments = MultipleFileField(label="Attachments")


class CorrectionForm(_Prefixed, forms.Form):
    id_prefix = "correct"
    corrects = forms.CharField(
        label="What you are correcting",
        widget=forms.Select,
        error_messages={"required": "Choose what you are correcting."},
    )
    text = forms.CharField(
        label="Corrected text",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the corrected text."},
    )
    reason = forms.CharField(
        label="Why it needs correcting",
        max_length=300,
        error_messages={"required": "Say why it needs correcting."},
    )
    body_view = forms.ChoiceField(
        label="Body map correction: side (optional)",
        required=False,
        choices=[("", "— no body map correction —"), *BODY_VIEWS_CHOICES],
    )
    body_region = forms.ChoiceField(
        label="Body map correction: where the injury is",
        required=False,
        choices=[("", "Choose…"), *BODY_REGIONS],
        help_text="An addendum to the original body map, which stays on the record.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["corrects"].widget.choices = choices
        self._valid = {c for c, _ in choices if c}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        view, region = data.get("body_view"), data.get("body_region")
        if view and not region:
            self.add_error("body_region", "Choose where the injury is.")
        elif region and not view:
            self.add_error("body_view", "Choose the front or the back.")
        data["body_map"] = [{"view": view, "region": region}] if view and region else None
        return data

    def clean_corrects(self) -> str:
        value = self.cleaned_data["corrects"]
        if value not in self._valid:
            raise forms.ValidationError("Choose something you wrote.")
        return value


class TriageForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(
        label="Level", choices=Concern.Level.choices, widget=forms.RadioSelect
    )
    owner = forms.TypedChoiceField(label="Owner", coerce=int, required=False, empty_value=None)
    categories = forms.TypedMultipleChoiceField(
        coerce=int, label="Categories", required=False, widget=forms.CheckboxSelectMultiple
    )
    level_reason = forms.CharField(
        label="Reason for lowering to pastoral",
        max_length=300,
        required=False,
        help_text="Needed when a restricted concern, or one with a category restricted by default, is set to pastoral. It goes into the concern's history and the audit trail.",
    )
    next_action = forms.CharField(label="Next action", max_length=300, required=False)
    due_date = forms.DateField(label="Due date", required=False, widget=DateInput())

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "— nobody yet —")] + [
            (u.pk, u.full_name)
            for u in selectors.dsl_team_for(scope.school.pk).order_by("full_name")
        ]
        self.fields["categories"].choices = [
            (c.pk, c.name) for c in selectors.categories_for(scope, active_only=False)
        ]


class ActionForm(_Prefixed, forms.Form):
    id_prefix = "action"
    # No preselected action: a referral recorded by default would be a serious slip.
    kind = forms.ChoiceField(
        label="Action",
        choices=[("", "Choose…"), *ConcernAction.Kind.choices],
        error_messages={"required": "Choose the action taken."},
    )
    details = forms.CharField(
        label="Details", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome = forms.CharField(
        label="Outcome", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    taken_on = forms.DateField(label="Date", widget=DateInput(), initial=timezone.localdate)
    follow_up_due = forms.DateField(label="Follow up by", required=False, widget=DateInput())


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(_Prefixed, forms.Form):
    id_prefix = "link"
    reference = forms.CharField(
        label="Related concern reference", max_length=20, help_text="e.g. C-000123"
    )


class CloseForm(_Prefixed, forms.Form):
    id_prefix = "close"
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Reason", max_length=300)
    rationale = forms.CharField(
        label="Rationale for closing without a referral",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when no referral (social care, early help, police, CAMHS) is recorded.",
    )


class DecisionForm(_Prefixed, forms.Form):
    id_prefix = "decision"
    kind = forms.ChoiceField(
        label="Decision",
        choices=[
            ("", "Choose…"),
            (ConcernDecision.Kind.NO_REFERRAL.value, ConcernDecision.Kind.NO_REFERRAL.label),
            (ConcernDecision.Kind.NO_SHARE.value, ConcernDecision.Kind.NO_SHARE.label),
        ],
        error_messages={"required": "Choose the decision being recorded."},
    )
    decision = forms.CharField(
        label="What was decided",
        max_length=300,
        error_messages={"required": "Record the decision."},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the rationale for this decision."},
    )


class LinkRoleForm(forms.Form):
    """One learner's part in a concern (the DSL's triage page)."""

    role = forms.ChoiceField(label="Role", choices=ConcernLearner.Role.choices)
    categories = forms.TypedMultipleChoiceField(
        coerce=int,
        label="This learner's own categories",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to use the concern's categories.",
    )

    def __init__(self, *args: Any, scope: Scope, link: ConcernLearner, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"link{link.pk}")
        super().__init__(*args, **kwargs)
        self.link = link
        self.fields["categories"].choices = [
            (c.pk, c.name) for c in selectors.categories_for(scope, active_only=False)
        ]


class ShareForm(_Prefixed, forms.Form):
    id_prefix = "share"
    user = forms.TypedChoiceField(label="Share with", coerce=int)
    reason = forms.CharField(label="Reason", max_length=300)
    expires_at = forms.DateTimeField(
        label="Until (optional)",
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose…")] + [
            (u.pk, u.full_name) for u in selectors.colleagues_for(scope).exclude(pk=scope.user.pk)
        ]


class CategoryForm(forms.Form):
    name = forms.CharField(label="New category", max_length=60)
    default_level = forms.TypedChoiceField(
        label="Default level",
        choices=Level.choices,
        initial=Level.PASTORAL,
        required=False,
        empty_value=Level.PASTORAL,
    )
    alert_groups = forms.MultipleChoiceField(
        label="Alert groups",
        required=False,
        choices=FORM_ALERT_GROUPS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Preselected when the category is ticked. The DSL team is always told.",
    )


class CategorySettingsForm(forms.Form):
    """One category's default level and alert groups (a row of the categories page)."""

    default_level = forms.ChoiceField(label="Default level", choices=Level.choices)
    alert_groups = forms.MultipleChoiceField(
        label="Alert groups",
        required=False,
        choices=FORM_ALERT_GROUPS,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, category: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"cat{category.pk}")
        kwargs.setdefault(
            "initial",
            {"default_level": category.default_level, "alert_groups": category.alert_groups},
        )
        super().__init__(*args, **kwargs)
        self.category = category


class SearchForm(forms.Form):
    learner = forms.CharField(label="Learner", required=False)
    q = forms.CharField(label="Words in the record", required=False)
    category = forms.TypedChoiceField(
        label="Category", coerce=int, required=False, empty_value=None
    )
    level = forms.ChoiceField(
        label="Level", required=False, choices=[("", "Any")] + Concern.Level.choices
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any")] + Concern.Status.choices
    )
    owner = forms.TypedChoiceField(label="Owner", coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any")] + [
            (c.pk, c.name) for c in selectors.categories_for(scope, active_only=False)
        ]
        self.fields["owner"].choices = [("", "Anyone")] + [
            (u.pk, u.full_name)
            for u in selectors.dsl_team_for(scope.school.pk).order_by("full_name")
        ]


class ChronologyFilterForm(forms.Form):
    category = forms.TypedChoiceField(
        label="Category", coerce=int, required=False, empty_value=None
    )
    level = forms.ChoiceField(
        label="Level", required=False, choices=[("", "Any")] + Concern.Level.choices
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any")] + [
            (c.pk, c.name) for c in selectors.categories_for(scope, active_only=False)
        ]


class InvestigationForm(_Prefixed, forms.Form):
    id_prefix = "inv"
    title = forms.CharField(label="Investigation title", max_length=200)


class ParticipantForm(_Prefixed, forms.Form):
    id_prefix = "participant"
    learner = forms.IntegerField(
        label="Learner", widget=forms.HiddenInput, error_messages={"required": "Choose a learner."}
    )
    part = forms.ChoiceField(
        label="Part",
        choices=[("", "Choose…"), *Participant.Part.choices],
        error_messages={"required": "Choose their part."},
    )


class StatementForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Statement (typed)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attachments = MultipleFileField(label="Scanned statement")


class EvidenceForm(_Prefixed, forms.Form):
    id_prefix = "evidence"
    source = forms.CharField(label="Source", max_length=120, help_text="e.g. CCTV corridor B")
    reviewed_at = forms.DateTimeField(
        label="Reviewed at",
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    finding = forms.CharField(label="What it showed", widget=forms.Textarea(attrs={"rows": 3}))


class ParticipantOutcomeForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(
        label="Conclusion and outcome for this pupil", widget=forms.Textarea(attrs={"rows": 2})
    )


class ConcludeForm(_Prefixed, forms.Form):
    id_prefix = "conclude"
    conclusion = forms.CharField(label="Conclusion", widget=forms.Textarea(attrs={"rows": 3}))


# The lists' filter form lives in its own module (this one is long enough).
from safeguarding.list_forms import ConcernFilterForm as ConcernFilterForm  # noqa: E402
