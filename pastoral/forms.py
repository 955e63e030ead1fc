"""Form helpers every app shares: service errors beside their fields, and the
one status an invalid submission answers with.

An invalid POST re-renders its page with the errors and answers
``INVALID_STATUS`` (422 Unprocessable Content) everywhere: the browser shows
the page as usual, htmx (configured in static/js/pastoral.js) swaps it, and
tests can tell a refused submission from a plain page view.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

INVALID_STATUS = 422


def apply_errors(
    form: forms.BaseForm, exc: ValidationError, formsets: dict[str, Any] | None = None
) -> None:
    """Put a service's ValidationError beside the field it names.

    Keys like "targets-2-measure" go to that form of the formset with that
    prefix; a formset's own name gets a formset-level error; unknown keys and
    non-field messages become form-level errors.
    """
    formsets = formsets or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, errors in exc.message_dict.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] in formsets and parts[1].isdigit():
            fs = formsets[parts[0]]
            index = int(parts[1])
            if index < len(fs.forms) and parts[2] in fs.forms[index].fields:
                for message in errors:
                    fs.forms[index].add_error(parts[2], message)
                continue
        if key in formsets:
            fs = formsets[key]
            fs._non_form_errors = fs.error_class(list(fs.non_form_errors()) + errors)
            continue
        field = key if key in form.fields else None
        for message in errors:
            form.add_error(field, message)


def render_invalid(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Re-render a refused submission with its errors (status INVALID_STATUS)."""
    return render(request, template, context, status=INVALID_STATUS)
