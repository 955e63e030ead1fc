"""Forms of the caseload app: input validation only; rules live in services/models."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from caseload.models import (
    Allocation,
    ContactLog,
    Intervention,
    Mark,
    Plan,
    Review,
    TargetProgress,
)
from pastoral.people.rules import no_contact_restrictions

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _learner_label(learner: Any) -> str:
    return f"{learner.display_name} ({learner.year_group.name})"


class LearnerSearchSelect(forms.Select):
    """A learner select that renders only the chosen learner (not the school's
    1,100): static/js/pickers.js turns it into a searchable tom-select that asks
    `caseload:learner-picker` (scoped, a page at a time) as the person types."""

    def __init__(self, purpose: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**(attrs or {}), "data-learner-picker": purpose})

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        attrs = {**(attrs or {}), "data-search-url": reverse("caseload:learner-picker")}
        chosen = [str(v) for v in self.format_value(value) if str(v).isdigit()]
        full = self.choices
        queryset = getattr(full, "queryset", None)
        rows = list(queryset.filter(pk__in=chosen)) if chosen and queryset is not None else []
        self.choices = [("", "Type a name or UPN")] + [(r.pk, _learner_label(r)) for r in rows]
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = full


class LearnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _learner_label(obj)


class AllocationForm(forms.ModelForm):
    learner = LearnerChoiceField(queryset=None, widget=LearnerSearchSelect("allocate"))  # type: ignore[arg-type]

    class Meta:
        model = Allocation
        fields = ["learner", "worker", "kind", "reason", "start", "end"]
        widgets = {"start": DATE, "end": DATE}
        labels = {"kind": "Lead or supporting", "end": "End date (optional)"}

    def __init__(self, *args: Any, learners: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners.select_related("year_group")
        self.fields["worker"].queryset = workers
        self.fields["start"].initial = timezone.localdate()

    def _post_clean(self) -> None:
        # The overlap rule needs the database: the service checks it (full_clean).
        pass


class EndAllocationForm(forms.Form):
    end = forms.DateField(label="Last day of the allocation", widget=DATE)
    reason = forms.CharField(label="Why it ends", max_length=300, required=False)


class ReallocateForm(forms.Form):
    from_worker = forms.ModelChoiceField(queryset=None, label="Move learners from")  # type: ignore[arg-type]
    to_worker = forms.ModelChoiceField(queryset=None, label="To key worker")  # type: ignore[arg-type]
    start = forms.DateField(label="From (first day with the new key worker)", widget=DATE)
    reason = forms.CharField(label="Reason", max_length=300)
    all_of_worker = forms.BooleanField(
        label="Move every learner on their caseload (e.g. when they leave)", required=False
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_worker"].queryset = workers
        self.fields["to_worker"].queryset = workers
        self.fields["start"].initial = timezone.localdate()
        # The chosen learners come as checkboxes on the board ("learners"); the
        # service checks they are within reach (404 if not), so no choice list here.
        self.learner_ids: list[int] = []
        if self.is_bound:
            self.learner_ids = [int(v) for v in self.data.getlist("learners") if str(v).isdigit()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.learner_ids and not data.get("all_of_worker"):
            raise ValidationError(
                "Tick the learners to move on the board, or move the whole caseload."
            )
        return data


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Plan
        fields = [
            "type",
            "start",
            "next_review",
            "needs",
            "strategies",
            "learner_voice",
            "parent_voice",
            "parent_agreed",
        ]
        widgets = {
            "start": DATE,
            "next_review": DATE,
            "needs": forms.CheckboxSelectMultiple,
            "strategies": forms.Textarea(attrs={"rows": 4}),
            "learner_voice": forms.Textarea(attrs={"rows": 3}),
            "parent_voice": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"needs": "Needs and barriers"}

    def __init__(self, *args: Any, needs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs
        self.fields["needs"].required = False

    def _post_clean(self) -> None:
        # The model's rules are checked by the service (full_clean there),
        # so the form does not construct a half-built instance here.
        pass


class TargetForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    what = forms.CharField(label="Target", max_length=300, required=False)
    measure = forms.CharField(label="How it is measured", max_length=300, required=False)
    baseline = forms.CharField(label="Baseline (now)", max_length=300, required=False)
    by_when = forms.DateField(label="By when", widget=DATE, required=False)
    who = forms.CharField(label="Who does what", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        filled = any(data.get(k) for k in ("what", "measure", "baseline", "by_when", "who"))
        if filled or data.get("id"):
            # A row with anything typed in it is a target: every SMART part is needed.
            messages = {
                "what": "Say what the target is.",
                "measure": "Say how you will measure this target.",
                "by_when": "Say by when.",
                "who": "Say who does what.",
            }
            for key, message in messages.items():
                if not data.get(key) and key not in self.errors:
                    self.add_error(key, message)
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) for k in ("id", "what", "measure", "baseline", "by_when", "who"))


class BaseTargetFormSet(forms.BaseFormSet):
    def targets(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if not form.is_blank and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.targets():
            raise ValidationError("Add at least one target.")


TargetFormSet = forms.formset_factory(
    TargetForm, formset=BaseTargetFormSet, extra=1, can_delete=True, max_num=20
)


def target_initial(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "id": t.pk,
            "what": t.what,
            "measure": t.measure,
            "baseline": t.baseline,
            "by_when": t.by_when,
            "who": t.who,
        }
        for t in plan.targets.all()
    ]


class ReviewForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Review
        fields = ["date", "outcome", "next_review", "summary"]
        widgets = {
            "date": DATE,
            "next_review": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self) -> None:
        pass


class ProgressForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.ChoiceField(
        choices=[("", "Choose…"), *TargetProgress.Progress.choices], label="Progress"
    )
    evidence = forms.CharField(
        label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.CharField(label="Next step for this target", max_length=300, required=False)


ProgressFormSet = forms.formset_factory(ProgressForm, extra=0)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Plan.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OneToOneSessionForm(forms.Form):
    date = forms.DateField(widget=DATE, initial=timezone.localdate)
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=300, initial=30
    )
    status = forms.ChoiceField(label="Attendance", choices=Mark.Status.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    outcomes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["name", "kind", "leader", "start", "description"]
        widgets = {"start": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "Type", "leader": "Led by"}

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["start"].initial = timezone.localdate()

    def _post_clean(self) -> None:
        pass


class RosterAddForm(forms.Form):
    learner = LearnerChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label="Add a learner",
        widget=LearnerSearchSelect("roster"),
    )

    def __init__(self, *args: Any, learners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners.select_related("year_group")


class RegisterForm(forms.Form):
    """A session and its register: one present/absent/excused field per roster member."""

    date = forms.DateField(widget=DATE, initial=timezone.localdate)
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=300, initial=45
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    outcomes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    also_present = LearnerChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        label="Someone else attended (not on the roster)",
        widget=LearnerSearchSelect("roster"),
    )

    def __init__(self, *args: Any, roster: list[Any], learners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roster = roster
        self.fields["also_present"].queryset = learners.select_related("year_group")
        for entry in roster:
            self.fields[f"mark_{entry.learner_id}"] = forms.ChoiceField(
                label=entry.learner.display_name,
                choices=Mark.Status.choices,
                initial=Mark.Status.PRESENT,
                widget=forms.RadioSelect,
            )

    def mark_fields(self) -> list[Any]:
        return [self[f"mark_{e.learner_id}"] for e in self.roster]

    def marks(self) -> dict[int, str]:
        marks = {e.learner_id: self.cleaned_data[f"mark_{e.learner_id}"] for e in self.roster}
        extra = self.cleaned_data.get("also_present")
        if extra is not None:
            marks[extra.pk] = Mark.Status.PRESENT
        return marks


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["kind", "when", "with_whom", "parent", "agency", "colleague", "others", "summary"]
        widgets = {"when": DATETIME, "summary": forms.Textarea(attrs={"rows": 4})}
        labels = {"when": "When it happened"}

    def __init__(
        self, *args: Any, parents: Any, agencies: Any, colleagues: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        restricted = {p.pk for p in parents if no_contact_restrictions(p)}
        self.fields["parent"].label_from_instance = lambda c: (
            f"{c} — NO-CONTACT RESTRICTION" if c.pk in restricted else str(c)
        )
        self.fields["agency"].queryset = agencies
        self.fields["colleague"].queryset = colleagues
        self.fields["when"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["when"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _post_clean(self) -> None:
        pass


class ActionForm(forms.Form):
    action = forms.CharField(label="Agreed action", max_length=300, required=False)
    owner = forms.ModelChoiceField(queryset=None, label="Owner", required=False)  # type: ignore[arg-type]
    due = forms.DateField(label="Due date", widget=DATE, required=False)

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if any(data.get(k) for k in ("action", "owner", "due")):
            for key, message in (
                ("action", "Say what was agreed."),
                ("owner", "Choose who will do it."),
                ("due", "Give a due date."),
            ):
                if not data.get(key) and key not in self.errors:
                    self.add_error(key, message)
        return data


class BaseActionFormSet(forms.BaseFormSet):
    def actions(self) -> list[dict[str, Any]]:
        return [
            {
                "action": f.cleaned_data["action"],
                "owner": f.cleaned_data["owner"],
                "due": f.cleaned_data["due"],
            }
            for f in self.forms
            if f.cleaned_data.get("action")
        ]


ActionFormSet = forms.formset_factory(ActionForm, formset=BaseActionFormSet, extra=2, max_num=10)


class NeedForm(forms.Form):
    name = forms.CharField(label="New need or barrier", max_length=100)
