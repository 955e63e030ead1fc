"""The CP-file transfer form: where it goes, and the DSL's third-party redactions."""

from __future__ import annotations

from typing import Any

from django import forms

from pastoral.reports.forms import CPTransferForm
from safeguarding.transfers import REDACTION_REASONS


class CPPackForm(CPTransferForm):
    redact_refs = forms.MultipleChoiceField(
        label="Redact whole records (third-party information)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The pack shows that the record was redacted and why, not its words.",
    )
    redact_phrases = forms.CharField(
        label="Redact words or passages (one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example another child's name: every occurrence is blacked out.",
    )
    redaction_reason = forms.ChoiceField(
        label="Reason for the redactions",
        choices=REDACTION_REASONS,
        initial="third_party",
        required=False,
    )
    confirm_short = forms.BooleanField(
        label="I have checked: send the pack although it leaves records out",
        required=False,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["redact_refs"].choices = choices

    def clean_redaction_reason(self) -> str:
        return self.cleaned_data.get("redaction_reason") or "third_party"

    def clean_redact_phrases(self) -> list[str]:
        raw = self.cleaned_data.get("redact_phrases") or ""
        phrases = [line.strip() for line in raw.splitlines() if line.strip()]
        if any(len(p) < 3 for p in phrases):
            raise forms.ValidationError("Each phrase needs at least three characters.")
        return phrases
