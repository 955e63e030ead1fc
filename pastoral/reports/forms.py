"""Forms for exports, CP-file transfers and bundle imports (input validation only)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from pastoral.reports.models import CPFileTransfer

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CPTransferForm(forms.ModelForm):
    """Where the CP file goes and how: recorded with the pack that was generated."""

    include_attachments = forms.BooleanField(
        label="Include the attachments themselves (embedded in the PDF)",
        required=False,
        help_text="Without this, attachments are listed by name only.",
    )

    class Meta:
        model = CPFileTransfer
        fields = [
            "receiving_school",
            "receiving_school_urn",
            "receiving_dsl",
            "receiving_contact",
            "method",
            "sent_at",
            "notes",
        ]
        widgets = {"sent_at": DATETIME_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"notes": "Notes for the record (not included in the pack)"}

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["sent_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if not self.is_bound:
            self.initial.setdefault("sent_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_sent_at(self):  # type: ignore[no-untyped-def]
        sent_at = self.cleaned_data["sent_at"]
        if sent_at > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("The date sent cannot be in the future.")
        return sent_at


class ReceiptForm(forms.Form):
    confirmed_by = forms.CharField(label="Confirmed by (receiving DSL)", max_length=200, strip=True)
    confirmed_at = forms.DateTimeField(
        label="Confirmed at",
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, sent_at=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.sent_at = sent_at
        if not self.is_bound:
            self.initial["confirmed_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean_confirmed_at(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data["confirmed_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("Receipt cannot be confirmed in the future.")
        if self.sent_at and value < self.sent_at:
            raise forms.ValidationError("Receipt cannot be confirmed before the file was sent.")
        return value


class BundleImportForm(forms.Form):
    bundle = forms.FileField(
        label="Transfer bundle (.json)",
        help_text="The machine-readable file the learner's previous school exported.",
    )

    def clean_bundle(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["bundle"]
        limit = getattr(settings, "IMPORT_MAX_BYTES", 40 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError("The file is too large to be a transfer bundle.")
        return upload


class ReceiptCodeForm(forms.Form):
    """The receiving installation's signed receipt, pasted or uploaded."""

    receipt = forms.CharField(
        label="Receipt from the receiving school",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text="Paste the whole text beginning PASTORAL-RECEIPT that their DSL sent you.",
    )
    receipt_file = forms.FileField(label="or upload the receipt file", required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        upload = data.get("receipt_file")
        if upload is not None:
            if upload.size > 4096:
                raise forms.ValidationError(
                    {"receipt_file": "That file is too large for a receipt."}
                )
            try:
                data["receipt"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    {"receipt_file": "That file is not a receipt."}
                ) from None
        if not (data.get("receipt") or "").strip():
            raise forms.ValidationError({"receipt": "Paste the receipt or upload its file."})
        return data


class BundleForTransferForm(forms.Form):
    """Which CP transfer the bundle goes with (its receipt then confirms it)."""

    transfer = forms.TypedChoiceField(
        label="Send with the CP file transfer",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, transfers=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        choices = [("", "None: no receipt asked for")]
        choices += [
            (t.pk, f"To {t.receiving_school}, sent {t.sent_at:%-d %b %Y}") for t in transfers
        ]
        self.fields["transfer"].choices = choices
        if len(choices) > 1 and not self.is_bound:
            self.initial["transfer"] = choices[1][0]
