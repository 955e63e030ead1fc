"""Attendance letter templates, edited in the app with a live preview (school settings).

The administrator keeps them (Cap.MANAGE_SETTINGS); staff with case scope use them
when they record a letter. The preview fills in an invented learner, never a real one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance import services
from attendance.forms import LetterTemplateForm
from attendance.selectors.letters import letter_template_for, letter_templates_for
from pastoral.access import Cap, require
from pastoral.forms import apply_errors, render_invalid


def _preview(body: str) -> dict[str, object]:
    return {
        "preview": services.fill_letter(body, services.LETTER_SAMPLE),
        "unknown": services.unknown_placeholders(body),
        "placeholders": services.LETTER_PLACEHOLDERS,
    }


@require_GET
def letter_list(request: HttpRequest) -> HttpResponse:
    templates = letter_templates_for(request.scope)
    return render(request, "attendance/letter_list.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    template = letter_template_for(scope, pk) if pk else None
    initial = {"name": template.name, "body": template.body} if template else {}
    form = LetterTemplateForm(request.POST or None, initial=initial)
    body = request.POST.get("body", template.body if template else "")
    context = {"form": form, "template": template, **_preview(body)}
    if request.method == "POST":
        if form.is_valid():
            try:
                if template is None:
                    template = services.letter_template_create(scope=scope, **form.cleaned_data)
                else:
                    services.letter_template_update(
                        scope=scope, template=template, **form.cleaned_data
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Letter “{template.name}” saved.")
                return redirect("attendance:letter-list")
        return render_invalid(request, "attendance/letter_form.html", context)
    return render(request, "attendance/letter_form.html", context)


@require_POST
def letter_preview(request: HttpRequest) -> HttpResponse:
    """The preview of the text being typed (htmx); writes nothing."""
    require(request.scope, Cap.MANAGE_SETTINGS)
    return render(
        request, "attendance/_letter_preview.html", _preview(request.POST.get("body", "")[:20000])
    )
