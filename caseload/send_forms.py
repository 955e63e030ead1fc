"""Forms of the SEND pages: input only, the rules live in caseload.services.send."""

from __future__ import annotations

from typing import Any

from django import forms

from caseload.models.send import SendSettings, SenRecord, Terms

DATE = forms.DateInput(attrs={"type": "date"})


class SenRecordForm(forms.ModelForm):
    class Meta:
        model = SenRecord
        fields = [
            "status",
            "primary_need",
            "secondary_need",
            "provision",
            "outcomes",
            "ehcp_issued_on",
            "plans",
        ]
        widgets = {
            "ehcp_issued_on": DATE,
            "plans": forms.CheckboxSelectMultiple,
            "provision": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, plans: Any, terms: Terms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        linked = self.fields["plans"]
        linked.queryset = plans
        linked.required = False
        linked.help_text = "The assess-plan-do-review plans that carry this record's targets."
        linked.label_from_instance = lambda p: f"{p} from {p.start:%-d %b %Y}"
        self.fields["status"].choices = [
            (SenRecord.Status.SUPPORT, terms.support),
            (SenRecord.Status.EHCP, terms.ehcp_long),
            (SenRecord.Status.ENDED, f"No longer on the {terms.sen} register"),
        ]
        self.fields["secondary_need"].choices = [("", "None recorded")] + list(
            self.fields["primary_need"].choices
        )[1:]
        issued = self.fields["ehcp_issued_on"]
        issued.label = f"Date the {terms.ehcp} was issued"
        issued.help_text = (
            f"Needed for an {terms.ehcp}: the first annual review is due within 12 months."
        )

    def _post_clean(self) -> None:
        # The model's rules run in the service (errors come back beside the fields).
        pass


class ReviewScheduleForm(forms.Form):
    meeting_on = forms.DateField(label="Date of the review meeting", widget=DATE)
    late_reason = forms.CharField(
        label="If the meeting is later than 12 months, why",
        required=False,
        max_length=300,
    )


class StepDoneForm(forms.Form):
    done_on = forms.DateField(label="Done on", widget=DATE)


class SendSettingsForm(forms.Form):
    nation = forms.ChoiceField(
        label="Labels",
        choices=SendSettings.Nation.choices,
        widget=forms.RadioSelect,
        help_text="Welsh schools see ALN and IDP instead of SEN and EHC plan. "
        "The records and the review clock are the same.",
    )
