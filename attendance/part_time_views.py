"""Part-time timetable pages: the register, one timetable (LA notice, reviews),
the form, the LA notice PDF, the scanned agreement, the reconciliation with
the marks, and the school's setting (the longest timetable without an exception).

Thin, like attendance.views: selectors read, services write, one
audit.viewed per page of case data, a refused submission answers 422.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance import columns, selectors, services
from attendance.forms import (
    AttendanceSettingsForm,
    LaNoticeForm,
    PartTimeForm,
    PartTimeReviewForm,
    RangeForm,
)
from attendance.models import PartTimeTimetable
from attendance.selectors.part_time import KINDS, STATUSES
from pastoral import audit
from pastoral.access import Cap, Scope, learner_or_404, require
from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid
from pastoral.reports.pdf import render_pdf

PAGE_SIZE = 50


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


@require_GET
def register(request: HttpRequest) -> HttpResponseBase:
    """Every part-time timetable of the learners in the person's scope."""
    scope = require(request.scope, Cap.VIEW_PROFILE)
    status = request.GET.get("status", "active")
    if status not in STATUSES:
        status = "active"
    rows = selectors.part_time_timetables_for(scope, status=status)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns.PART_TIME,
            filename=f"part-time-timetables-{status or 'all'}",
            fmt=fmt,
            audit_action="attendance.part_time_list.exported",
            filters={"status": status},
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "attendance/part_time_list.html",
        {
            "page": page,
            "status": status,
            "statuses": STATUSES,
            "query": _query(request),
            "today": timezone.localdate(),
        },
    )
    audit.viewed(scope, action="attendance.part_time_list.viewed", status=status, page=page.number)
    return response


@require_GET
def reconciliation(request: HttpRequest) -> HttpResponseBase:
    """The attendance officer's list: C2 outside a timetable, planned absences not C2."""
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    form = RangeForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    start, end = selectors.default_range(scope.school, start, end)
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        kind = ""
    rows = selectors.reconciliation_for(scope, start=start, end=end, kind=kind)
    filters = {"start": start, "end": end, "kind": kind}
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns.RECONCILIATION,
            filename="part-time-reconciliation",
            fmt=fmt,
            audit_action="attendance.part_time_reconciliation.exported",
            filters=filters,
            count=len(rows),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "attendance/part_time_reconciliation.html",
        {
            "page": page,
            "form": form,
            "kind": kind,
            "kinds": KINDS,
            "start": start,
            "end": end,
            "query": _query(request),
        },
    )
    audit.viewed(
        scope, action="attendance.part_time_reconciliation.viewed", page=page.number, **filters
    )
    return response


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    form = PartTimeForm(
        request.POST or None, request.FILES or None, school=scope.school, user=scope.user
    )
    settings = selectors.attendance_settings_for(scope.school)
    context = {"form": form, "learner": learner, "max_weeks": settings.part_time_max_weeks}
    if request.method == "POST":
        if form.is_valid():
            try:
                timetable = services.part_time_create(
                    scope=scope, learner=learner, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Part-time timetable recorded. Notify the local authority and print its notice.",
                )
                return redirect("attendance:part-time-detail", pk=timetable.pk)
        return render_invalid(request, "attendance/part_time_form.html", context)
    return render(request, "attendance/part_time_form.html", context)


def _detail_context(
    scope: Scope,
    timetable: PartTimeTimetable,
    la_form: LaNoticeForm | None = None,
    review_form: PartTimeReviewForm | None = None,
) -> dict[str, Any]:
    return {
        "timetable": timetable,
        "learner": timetable.learner,
        "grid": selectors.sessions_grid(timetable),
        "reviews": list(timetable.reviews.all()),
        "can_record": scope.can(Cap.RECORD_CONTACTS),
        "la_form": la_form or LaNoticeForm(),
        "review_form": review_form or PartTimeReviewForm(),
        "today": timezone.localdate(),
    }


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_PROFILE)
    timetable = selectors.part_time_or_404(scope, pk)
    response = render(
        request, "attendance/part_time_detail.html", _detail_context(scope, timetable)
    )
    audit.viewed(scope, timetable, learners=[timetable.learner])
    return response


@require_POST
def la_notified(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    timetable = selectors.part_time_or_404(scope, pk, Cap.RECORD_CONTACTS)
    form = LaNoticeForm(request.POST)
    if form.is_valid():
        try:
            services.part_time_la_notified(scope=scope, timetable=timetable, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The local authority's notification is recorded.")
            return redirect("attendance:part-time-detail", pk=timetable.pk)
    return render_invalid(
        request, "attendance/part_time_detail.html", _detail_context(scope, timetable, la_form=form)
    )


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    timetable = selectors.part_time_or_404(scope, pk, Cap.RECORD_CONTACTS)
    form = PartTimeReviewForm(request.POST)
    if form.is_valid():
        try:
            services.part_time_review(scope=scope, timetable=timetable, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Review recorded.")
            return redirect("attendance:part-time-detail", pk=timetable.pk)
    return render_invalid(
        request,
        "attendance/part_time_detail.html",
        _detail_context(scope, timetable, review_form=form),
    )


@never_cache
@require_GET
def la_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice to the local authority, in the shape LAs usually ask for, as a PDF."""
    scope = require(request.scope, Cap.VIEW_PROFILE)
    timetable = selectors.part_time_or_404(scope, pk)
    _html, pdf = render_pdf(
        "pdf/part_time_notice.html",
        {
            "title": f"Part-time timetable notice: {timetable.learner.display_name}",
            "school": scope.school,
            "timetable": timetable,
            "learner": timetable.learner,
            "grid": selectors.sessions_grid(timetable),
            "printed_by": scope.user,
            "printed_at": timezone.localtime(),
        },
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="part-time-notice-{timetable.pk}.pdf"'
    services.part_time_file_downloaded(scope=scope, timetable=timetable, what="la_notice")
    return response


@never_cache
@require_GET
def agreement(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The scanned parental agreement, downloaded (never shown inline); audited."""
    scope = require(request.scope, Cap.VIEW_PROFILE)
    timetable = selectors.part_time_or_404(scope, pk)
    if not timetable.agreement_scan:
        raise Http404("Not found")
    handle = timetable.agreement_scan.open("rb")
    services.part_time_file_downloaded(scope=scope, timetable=timetable, what="agreement")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=timetable.agreement_scan_name or "agreement",
        content_type=timetable.agreement_scan_type or "application/octet-stream",
    )


@require_http_methods(["GET", "POST"])
def attendance_settings(request: HttpRequest) -> HttpResponse:
    """The school's attendance settings (the administrator): the longest part-time timetable."""
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    current = selectors.attendance_settings_for(scope.school)
    form = AttendanceSettingsForm(
        request.POST or None, initial={"part_time_max_weeks": current.part_time_max_weeks}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.attendance_settings_update(scope=scope, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Attendance settings saved.")
                return redirect("attendance:settings")
        return render_invalid(request, "attendance/settings.html", {"form": form})
    return render(request, "attendance/settings.html", {"form": form})
