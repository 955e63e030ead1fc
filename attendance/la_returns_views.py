"""Local-authority returns: the queue of long unauthorised absences to notify
(with the notice PDF), the roll-changes register, the penalty-notice threshold
list and the school's thresholds. Thin: selectors read, services write, one
audit.viewed per page of case data, a refused submission answers 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from attendance.la_returns_columns import ABSENCE_DUE, ABSENCE_NOTIFIED, PENALTY, ROLL_CHANGES
from attendance.la_returns_forms import (
    LaAbsenceNotifyForm,
    LaNotifyForm,
    LaSettingsForm,
    RollChangeForm,
)
from attendance.selectors import la_returns as selectors
from attendance.selectors.part_time import attendance_settings_for
from attendance.services import la_returns as services
from pastoral import audit
from pastoral.access import Cap, learner_or_404, require
from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid
from pastoral.reports.pdf import render_pdf

PAGE_SIZE = 50
CAP = Cap.RECORD_CONTACTS


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


@require_GET
def absence_queue(request: HttpRequest) -> HttpResponseBase:
    """LA notifications due: runs of consecutive unauthorised absence not yet notified."""
    scope = require(request.scope, CAP)
    runs = selectors.absence_runs_for(scope)
    threshold = attendance_settings_for(scope.school).la_consecutive_days
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=runs,
            columns=ABSENCE_DUE,
            filename="la-notifications-due",
            fmt=fmt,
            audit_action="attendance.la_absence_queue.exported",
        )
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "attendance/la_absence_queue.html",
        {"page": page, "threshold": threshold, "query": _query(request)},
    )
    audit.viewed(scope, action="attendance.la_absence_queue.viewed", page=page.number)
    return response


def _run(request: HttpRequest, pk: int, start: str) -> selectors.AbsenceRun:
    try:
        run_start = dt.date.fromisoformat(start)
    except ValueError as exc:
        raise Http404("Not found") from exc
    learner = learner_or_404(request.scope, pk, CAP)
    return selectors.absence_run_for(request.scope, learner.pk, run_start)


@require_http_methods(["GET", "POST"])
def absence_notify(request: HttpRequest, pk: int, start: str) -> HttpResponse:
    """Record that the LA was told of one learner's run of unauthorised absence."""
    scope = require(request.scope, CAP)
    run = _run(request, pk, start)
    form = LaAbsenceNotifyForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "run": run, "learner": run.learner}
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.la_absence_notify(scope=scope, run=run, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    "The notification to the local authority is recorded. "
                    "Download the notice below.",
                )
                return redirect(f"{_notified_url()}#notification-{item.pk}")
        return render_invalid(request, "attendance/la_absence_notify.html", context)
    response = render(request, "attendance/la_absence_notify.html", context)
    audit.viewed(scope, run.learner, action="attendance.la_absence_run.viewed", start=run.start)
    return response


def _notified_url() -> str:
    from django.urls import reverse

    return reverse("attendance:la-absence-notified")


@require_GET
def absence_notified(request: HttpRequest) -> HttpResponseBase:
    """Notifications already made (newest first), each with its notice PDF."""
    scope = require(request.scope, CAP)
    rows = selectors.absence_notifications_for(scope)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=ABSENCE_NOTIFIED,
            filename="la-notifications-made",
            fmt=fmt,
            audit_action="attendance.la_absence_notified.exported",
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request, "attendance/la_absence_notified.html", {"page": page, "query": _query(request)}
    )
    audit.viewed(scope, action="attendance.la_absence_notified.viewed", page=page.number)
    return response


@never_cache
@require_GET
def absence_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice of a run of unauthorised absence for the LA, as a PDF."""
    scope = require(request.scope, CAP)
    item = selectors.absence_notification_or_404(scope, pk)
    _html, pdf = render_pdf(
        "pdf/la_absence_notice.html",
        {
            "title": f"Notice of unauthorised absence: {item.learner.display_name}",
            "school": scope.school,
            "item": item,
            "learner": item.learner,
            "printed_by": scope.user,
            "printed_at": timezone.localtime(),
        },
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="la-absence-notice-{item.pk}.pdf"'
    services.la_notice_downloaded(scope=scope, item=item)
    return response


@require_GET
def roll_changes(request: HttpRequest) -> HttpResponseBase:
    """The roll-changes register; by default those the LA has not been told of."""
    scope = require(request.scope, CAP)
    status = request.GET.get("status", "due")
    if status not in selectors.ROLL_STATUSES:
        status = "due"
    rows = selectors.roll_changes_for(scope, status=status)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=ROLL_CHANGES,
            filename=f"roll-changes-{status or 'all'}",
            fmt=fmt,
            audit_action="attendance.roll_changes.exported",
            filters={"status": status},
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "attendance/roll_changes.html",
        {
            "page": page,
            "status": status,
            "statuses": selectors.ROLL_STATUSES,
            "query": _query(request),
            "today": timezone.localdate(),
        },
    )
    audit.viewed(scope, action="attendance.roll_changes.viewed", status=status, page=page.number)
    return response


@require_http_methods(["GET", "POST"])
def roll_change_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, CAP)
    learner = learner_or_404(scope, pk, CAP)
    form = RollChangeForm(request.POST or None)
    context = {"form": form, "learner": learner}
    if request.method == "POST":
        if form.is_valid():
            try:
                change = services.roll_change_create(
                    scope=scope, learner=learner, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Roll change recorded: tell the local authority by {change.due_by:%-d %b %Y}.",
                )
                return redirect("attendance:roll-change-detail", pk=change.pk)
        return render_invalid(request, "attendance/roll_change_form.html", context)
    return render(request, "attendance/roll_change_form.html", context)


@require_http_methods(["GET", "POST"])
def roll_change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One roll change; the form records the LA told of it."""
    scope = require(request.scope, CAP)
    change = selectors.roll_change_or_404(scope, pk)
    form = LaNotifyForm(request.POST or None)
    context = {"change": change, "learner": change.learner, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.roll_change_notified(scope=scope, change=change, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The notification to the local authority is recorded.")
                return redirect("attendance:roll-change-detail", pk=change.pk)
        return render_invalid(request, "attendance/roll_change_detail.html", context)
    response = render(request, "attendance/roll_change_detail.html", context)
    audit.viewed(scope, change, learners=[change.learner])
    return response


@require_GET
def penalty_threshold(request: HttpRequest) -> HttpResponseBase:
    """Learners at the penalty-notice threshold, with the sessions counted."""
    scope = require(request.scope, CAP)
    window = selectors.penalty_window_for(scope)
    rows = selectors.penalty_threshold_for(scope, window)
    filters = {"start": window.start, "end": window.end, "sessions": window.sessions}
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=PENALTY,
            filename="penalty-notice-threshold",
            fmt=fmt,
            audit_action="attendance.penalty_threshold.exported",
            filters=filters,
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "attendance/penalty_threshold.html",
        {"page": page, "window": window, "query": _query(request)},
    )
    audit.viewed(scope, action="attendance.penalty_threshold.viewed", page=page.number, **filters)
    return response


@require_http_methods(["GET", "POST"])
def la_settings(request: HttpRequest) -> HttpResponse:
    """The school's LA-return thresholds (the administrator)."""
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    current = attendance_settings_for(scope.school)
    fields = ("la_consecutive_days", "penalty_sessions", "penalty_weeks")
    form = LaSettingsForm(request.POST or None, initial={f: getattr(current, f) for f in fields})
    if request.method == "POST" and "install_letters" in request.POST:
        added = services.default_letters_install(scope=scope)
        messages.success(
            request, f"{len(added)} default letter{'s' if len(added) != 1 else ''} added."
        )
        return redirect("attendance:la-settings")
    context = {"form": form, "missing_letters": selectors.missing_default_letters(scope.school)}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.la_settings_update(scope=scope, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Local-authority thresholds saved.")
                return redirect("attendance:la-settings")
        return render_invalid(request, "attendance/la_settings.html", context)
    return render(request, "attendance/la_settings.html", context)
