"""School settings pages (the administrator's; the hub also lists the DSL's sections).

No page here shows case content, so none records audit.viewed; every change
goes through pastoral/school_settings/services.py, which audits it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pastoral.access import Cap, require
from pastoral.forms import apply_errors, render_invalid
from pastoral.imports import services as import_services
from pastoral.models import ImportBatch
from pastoral.school_settings import forms, selectors, services
from pastoral.school_settings.checklist import golive_checklist_for
from pastoral.school_settings.registry import sections_for

SECTION_TITLES = {
    "details": "School details",
    "sessions": "Session times",
    "reminders": "Reminders and thresholds",
    "retention": "Retention of records",
}


@require_GET
def hub(request: HttpRequest) -> HttpResponse:
    sections = sections_for(request.scope)
    if not sections:
        raise Http404("Not found")
    return render(request, "school_settings/hub.html", {"sections": sections})


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, section: str) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    school = selectors.school_for(scope)
    form = forms.SECTION_FORMS[section](request.POST or None, instance=school)
    context: dict[str, Any] = {"form": form, "section": section, "title": SECTION_TITLES[section]}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.school_settings_update(
                    scope=scope, section=section, data=form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{SECTION_TITLES[section]} saved.")
                return redirect(f"school_settings:{section}")
        return render_invalid(request, "school_settings/section.html", context)
    return render(request, "school_settings/section.html", context)


# --- term dates -----------------------------------------------------------------


def _to_year(year_pk: int) -> HttpResponse:
    return redirect(f"{reverse('school_settings:terms')}?year={year_pk}")


def _terms_page(request: HttpRequest, status: int = 200, **forms_: Any) -> HttpResponse:
    year_pk = request.GET.get("year")
    calendar = selectors.calendar_year_for(
        request.scope, int(year_pk) if year_pk and year_pk.isdigit() else None
    )
    context = {
        "cal": calendar,
        "term_form": forms_.get("term_form") or forms.TermForm(),
        "closure_form": forms_.get("closure_form") or forms.ClosureForm(),
    }
    return render(request, "school_settings/terms.html", context, status=status)


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    require(request.scope, Cap.MANAGE_SETTINGS)
    return _terms_page(request)


@require_POST
def term_add(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    form = forms.TermForm(request.POST)
    if form.is_valid():
        try:
            term = services.term_create(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{term.name} recorded.")
            return _to_year(term.academic_year_id)
    return _terms_page(request, status=422, term_form=form)


@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    term = selectors.term_for(scope, pk)
    initial = {"name": term.name, "start": term.start, "end": term.end}
    form = forms.TermForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.term_update(scope=scope, term=term, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{term.name} saved.")
                return _to_year(term.academic_year_id)
        return render_invalid(
            request, "school_settings/term_edit.html", {"form": form, "term": term}
        )
    return render(request, "school_settings/term_edit.html", {"form": form, "term": term})


@require_POST
def term_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    term = selectors.term_for(scope, pk)
    year = term.academic_year_id
    services.term_delete(scope=scope, term=term)
    messages.success(request, f"{term.name} deleted.")
    return _to_year(year)


@require_POST
def closure_add(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    form = forms.ClosureForm(request.POST)
    if form.is_valid():
        try:
            days = services.closure_create(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Closure recorded: {len(days)} weekday(s).")
            return redirect("school_settings:terms")
    return _terms_page(request, status=422, closure_form=form)


@require_POST
def closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    run = selectors.closure_run_for(scope, pk)
    services.closure_delete(scope=scope, closures=list(run.closures))
    messages.success(request, "Closure removed: those days are school days again.")
    return redirect("school_settings:terms")


@require_POST
def bank_holiday(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    form = forms.BankHolidayForm(request.POST)
    if form.is_valid():
        try:
            services.bank_holiday_set_open(
                scope=scope,
                day=form.cleaned_data["date"],
                open_=form.cleaned_data["open"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return _terms_page(request, status=422)
        day = form.cleaned_data["date"]
        state = "a school day" if form.cleaned_data["open"] else "closed"
        messages.success(request, f"The bank holiday on {day:%d/%m/%Y} is now {state}.")
        return redirect("school_settings:terms")
    messages.error(request, "Choose a bank holiday from the list.")
    return _terms_page(request, status=422)


@require_http_methods(["GET", "POST"])
def term_import(request: HttpRequest) -> HttpResponse:
    """Upload a term-date file; its preview and confirmation are the import pages'."""
    scope = require(request.scope, Cap.IMPORT_MIS)
    require(scope, Cap.MANAGE_SETTINGS)
    form = forms.TermDateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            batch = import_services.import_batch_create(
                scope=scope, kind=ImportBatch.Kind.TERM_DATES, uploaded=form.cleaned_data["file"]
            )
            return redirect("pastoral:import-detail", pk=batch.pk)
        return render_invalid(request, "school_settings/term_import.html", {"form": form})
    return render(request, "school_settings/term_import.html", {"form": form})


@require_GET
def checklist(request: HttpRequest) -> HttpResponse:
    items = golive_checklist_for(request.scope)
    return render(
        request,
        "school_settings/checklist.html",
        {"items": items, "all_done": all(i.done for i in items)},
    )
