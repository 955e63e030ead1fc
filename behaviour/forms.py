"""Forms of the behaviour app: validation of input only (rules live in services)."""

from __future__ import annotations

from typing import Any

from django import forms

from behaviour.models import BehaviourSettings, BehaviourType, DetentionType


class LogForm(forms.Form):
    learners = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Learners",
        error_messages={"required": "Tick at least one learner."},
    )
    kind = forms.IntegerField(
        label="Behaviour", error_messages={"required": "Choose a behaviour type."}
    )
    points = forms.IntegerField(label="Points (leave empty for the usual)", required=False)
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    period = forms.CharField(label="Lesson / period", required=False, max_length=30)
    room = forms.CharField(label="Room", required=False, max_length=30)

    def __init__(self, *args: Any, learner_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learners"].choices = learner_choices


class TypeForm(forms.ModelForm):
    class Meta:
        model = BehaviourType
        fields = [
            "name",
            "kind",
            "category",
            "default_points",
            "min_points",
            "max_points",
            "severity",
            "needs_follow_up",
            "notify_tutor",
            "notify_hoy",
            "notify_key_worker",
            "notify_senco_if_sen",
            "active",
        ]
        labels = {
            "default_points": "Usual points",
            "min_points": "Lowest points",
            "max_points": "Highest points",
            "needs_follow_up": "Needs a follow-up",
        }

    def validate_unique(self) -> None:
        # The service says when a name is taken (beside the field).
        pass

    def _post_clean(self) -> None:
        # Rules are checked by the service's full_clean(), not here.
        pass


class MilestonesField(forms.CharField):
    def to_python(self, value: Any) -> list[int]:
        text = super().to_python(value) or ""
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError as exc:
            raise forms.ValidationError(
                "Write whole numbers separated by commas, e.g. 50, 100, 250."
            ) from exc


class SettingsForm(forms.Form):
    leaderboard_enabled = forms.BooleanField(label="Show the leaderboard", required=False)
    houses_enabled = forms.BooleanField(label="The school has houses", required=False)
    milestones = MilestonesField(
        label="Certificate milestones (positive points)",
        required=False,
        help_text="Whole numbers separated by commas, e.g. 50, 100, 250.",
    )
    detention_notice_hours = forms.IntegerField(
        label="Notice parents get before a detention (hours)", min_value=0, max_value=336
    )

    @classmethod
    def for_settings(cls, current: BehaviourSettings) -> SettingsForm:
        return cls(
            initial={
                "leaderboard_enabled": current.leaderboard_enabled,
                "houses_enabled": current.houses_enabled,
                "milestones": ", ".join(str(m) for m in current.milestones),
                "detention_notice_hours": current.detention_notice_hours,
            }
        )


class DetentionTypeForm(forms.ModelForm):
    class Meta:
        model = DetentionType
        fields = [
            "name",
            "when",
            "minutes",
            "default_start",
            "default_room",
            "escalates_to",
            "active",
        ]
        widgets = {"default_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args: Any, school_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = DetentionType.objects.filter(school_id=school_id)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        self.fields["escalates_to"].queryset = qs
        self.fields["escalates_to"].required = False

    def validate_unique(self) -> None:
        pass

    def _post_clean(self) -> None:
        pass


class HouseForm(forms.Form):
    name = forms.CharField(label="New house", max_length=40)


class SessionForm(forms.Form):
    kind = forms.TypedChoiceField(coerce=int, label="Detention type")
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label="Start (empty: the type's usual time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    room = forms.CharField(label="Room", max_length=30, required=False)
    supervisor = forms.TypedChoiceField(
        coerce=int, label="Supervisor", required=False, empty_value=None
    )

    def __init__(self, *args: Any, kinds: list[Any], staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.pk, str(k)) for k in kinds if k.active]
        self.fields["supervisor"].choices = [("", "—")] + [(u.pk, u.full_name) for u in staff]


class IssueForm(forms.Form):
    session = forms.TypedChoiceField(
        coerce=int, label="Session", error_messages={"required": "Choose a session."}
    )
    reason = forms.CharField(label="Reason (goes in the parents' letter)", max_length=300)

    def __init__(self, *args: Any, sessions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", "Choose a session")] + [
            (
                s.pk,
                f"{s.type.name}: {s.date:%a %d %b} {s.start:%H:%M}, {s.room} ({s.booked} booked)",
            )
            for s in sessions
        ]
