"""Attendance pages: dashboard, learner page, targets, interventions, today's list, import.

Thin: each view reads through attendance.selectors (and the core's
learner_or_404), writes through attendance.services, records one
audit.viewed() when a page of case data is shown, and re-renders an invalid
submission with its errors (status 422, pastoral.forms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance import charts, codes, columns, selectors, services
from attendance.forms import (
    ImportForm,
    InterventionForm,
    RangeForm,
    ReturnPlanForm,
    TargetForm,
    TargetReviewForm,
)
from attendance.models import Intervention, Target
from attendance.selectors.la_returns import la_returns_for_learner
from pastoral import audit
from pastoral.access import Cap, learner_or_404, require
from pastoral.exports import export_format, export_response
from pastoral.forms import INVALID_STATUS, apply_errors, render_invalid
from pastoral.people.selectors import parents_of

PAGE_SIZE = 50
DASHBOARD_LIST = 10
FLAGS = {
    "pa": "Persistent absence (10% or more missed)",
    "sa": "Severe absence (50% or more missed)",
    "falls": "Biggest falls in the last 4 weeks",
    "below_target": "Below their attendance target",
    "": "All learners",
}


def _range(request: HttpRequest) -> tuple[RangeForm, dt.date | None, dt.date | None]:
    form = RangeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return form, None, None


def _submit(
    request: HttpRequest, form: forms.Form, service: Callable[..., Any], **kwargs: Any
) -> Any:
    """On a POST with a valid form, what `service(**kwargs, **form.cleaned_data)`
    returns; None when there is nothing to save or the service refused it (its
    ValidationError goes beside the fields it names)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def _form_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    viewed: Callable[[], Any] | None = None,
) -> HttpResponse:
    """A form page: a refused submission answers 422; a plain view of a page
    that shows case data is audited by `viewed` (a page showing only
    directory fields has none)."""
    if request.method == "POST":
        return render_invalid(request, template, context)
    if viewed is not None:
        viewed()
    return render(request, template, context)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponseBase:
    """Head of year's view of their years (SENCO and DSL: the school; key worker: caseload)."""
    scope = require(request.scope, Cap.VIEW_PROFILE)
    form, start, end = _range(request)
    start, end = selectors.default_range(scope.school, start, end)
    fmt = export_format(request)
    figures = selectors.dashboard_figures_for(scope, start, end, limit=0 if fmt else DASHBOARD_LIST)
    if fmt is not None:
        rows = columns.dashboard_rows(figures)
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns.DASHBOARD,
            filename="attendance-dashboard",
            fmt=fmt,
            audit_action="attendance.dashboard.exported",
            filters={"start": start, "end": end},
            count=len(rows),
        )
    # The learners of all four lists in one query.
    pa, sa, falls, below_target = selectors.hydrate_lists(
        figures.pa, figures.sa, figures.falls, figures.below_target
    )
    context = {
        "form": form,
        "start": start,
        "end": end,
        "years": figures.years,
        "cohorts": figures.cohorts,
        "reg_groups": figures.reg_groups,
        "pa": pa,
        "sa": sa,
        "falls": falls,
        "below_target": below_target,
        "pa_total": figures.pa_count,
        "sa_total": figures.sa_count,
        "limit": DASHBOARD_LIST,
        "part_time": selectors.part_time_counts_for(scope),
        "can_record": scope.can(Cap.RECORD_CONTACTS),
    }
    audit.viewed(scope, action="attendance.dashboard.viewed", start=start, end=end)
    return render(request, "attendance/dashboard.html", context)


@require_GET
def learner_list(request: HttpRequest) -> HttpResponseBase:
    """Every in-scope learner with their figures, or one flag's list (PA, SA, falls...)."""
    scope = require(request.scope, Cap.VIEW_PROFILE)
    flag = request.GET.get("flag", "")
    if flag not in FLAGS:
        flag = ""
    form, start, end = _range(request)
    start, end = selectors.default_range(scope.school, start, end)
    fmt = export_format(request)
    if fmt is not None:
        rows, prepare = selectors.learner_rows(scope, flag=flag, start=start, end=end)
        return export_response(
            request,
            scope,
            rows=rows,
            prepare=prepare,
            columns=columns.LEARNER_LISTS[flag],
            filename=f"attendance-{flag or 'all'}".replace("_", "-"),
            fmt=fmt,
            audit_action="attendance.learner_list.exported",
            filters={"flag": flag, "start": start, "end": end},
        )
    page = selectors.learner_rows_page(
        scope,
        flag=flag,
        start=start,
        end=end,
        page_number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    audit.viewed(
        scope,
        action="attendance.learner_list.viewed",
        flag=flag,
        start=start,
        end=end,
        page=page.number,
    )
    return render(
        request,
        "attendance/learner_list.html",
        {
            "page": page,
            "flag": flag,
            "flag_label": FLAGS[flag],
            "flags": FLAGS,
            "form": form,
            "start": start,
            "end": end,
            "query": query.urlencode(),
        },
    )


@require_GET
def learner_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """One learner: summary, target and progress, weekly trend, calendar, interventions."""
    scope = require(request.scope, Cap.VIEW_PROFILE)
    learner = learner_or_404(scope, pk, Cap.VIEW_PROFILE)
    form, start, end = _range(request)
    start, end = selectors.default_range(scope.school, start, end)
    summary = selectors.learner_attendance_summary(scope, learner, start=start, end=end)
    targets = list(selectors.targets_for(scope, learner))
    target = next((t for t in targets if t.status == Target.Status.ACTIVE), None)
    progress = None
    trend_start = start
    if target is not None:
        progress = selectors.learner_attendance_summary(scope, learner, start=target.start)
        trend_start = min(start, target.start)
    trend = selectors.weekly_trend(scope, learner, trend_start, end)
    chart = charts.trend_chart(
        trend,
        float(target.target_percent) if target else None,
        float(target.baseline_percent) if target else None,
    )
    marks = list(
        selectors.marks_for(scope, learner, start, end).values_list("date", "session", "code")
    )
    closures = selectors.closures_for(scope, start, end)
    context = {
        "learner": learner,
        "form": form,
        "start": start,
        "end": end,
        "summary": summary,
        "target": target,
        "progress": progress,
        "past_targets": [t for t in targets if t is not target],
        "trend": trend,
        "chart": chart,
        "weeks": charts.heatmap(marks, start, end, {d: n or "closed" for d, n in closures.items()}),
        "legend": _legend(marks),
        "interventions": list(selectors.interventions_for(scope, learner)),
        "return_plans": list(selectors.return_plans_for(scope, learner)),
        "part_time": selectors.part_time_for_learner(scope, learner),
        "la_returns": la_returns_for_learner(scope, learner),
        "changes": selectors.mark_changes_for(scope, learner),
        "can_target": scope.can(Cap.SET_ATTENDANCE_TARGETS),
        "can_record": scope.can(Cap.RECORD_CONTACTS),
        "today_date": timezone.localdate(),
    }
    audit.viewed(scope, learner, action="attendance.learner.viewed")
    return render(request, "attendance/learner.html", context)


def _legend(marks: list[tuple[dt.date, str, str]]) -> list[Any]:
    used = {code for _d, _s, code in marks}
    return [c for c in codes.CODES.values() if c.code in used]


@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.SET_ATTENDANCE_TARGETS)
    learner = learner_or_404(scope, pk, Cap.SET_ATTENDANCE_TARGETS)
    form = TargetForm(request.POST or None, school=scope.school, user=scope.user)
    if _submit(request, form, services.target_create, scope=scope, learner=learner) is not None:
        messages.success(request, "Attendance target set.")
        return redirect("attendance:learner", pk=learner.pk)
    summary = selectors.learner_attendance_summary(scope, learner)
    return _form_page(
        request,
        "attendance/target_form.html",
        {"form": form, "learner": learner, "summary": summary},
        # The page shows the learner's attendance this year (the baseline).
        lambda: audit.viewed(
            scope, learner, action="attendance.learner.viewed", page="target-create"
        ),
    )


@require_http_methods(["GET", "POST"])
def target_review(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.SET_ATTENDANCE_TARGETS)
    target = selectors.target_or_404(scope, pk)
    if target.status != Target.Status.ACTIVE:
        raise Http404("Not found")
    form = TargetReviewForm(request.POST or None)
    if _submit(request, form, services.target_review, scope=scope, target=target) is not None:
        messages.success(request, "Target review recorded.")
        return redirect("attendance:learner", pk=target.learner_id)
    progress = selectors.learner_attendance_summary(scope, target.learner, start=target.start)
    return _form_page(
        request,
        "attendance/target_review.html",
        {"form": form, "target": target, "learner": target.learner, "progress": progress},
        lambda: audit.viewed(scope, target, learners=[target.learner]),
    )


@require_http_methods(["GET", "POST"])
def intervention_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    initial = {}
    if request.GET.get("kind") in Intervention.Kind.values:
        initial["kind"] = request.GET["kind"]
    parents = list(parents_of(learner))
    form = InterventionForm(
        request.POST or None,
        initial=initial,
        school=scope.school,
        user=scope.user,
        parents=parents,
    )
    if (
        _submit(request, form, services.intervention_create, scope=scope, learner=learner)
        is not None
    ):
        messages.success(request, "Intervention logged.")
        return redirect("attendance:learner", pk=learner.pk)
    return _form_page(
        request,
        "attendance/intervention_form.html",
        {"form": form, "learner": learner, "parents": parents},
    )


@require_http_methods(["GET", "POST"])
def return_plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    form = ReturnPlanForm(request.POST or None, school=scope.school, user=scope.user)
    if (
        _submit(request, form, services.return_plan_create, scope=scope, learner=learner)
        is not None
    ):
        messages.success(request, "Return-from-absence plan saved.")
        return redirect("attendance:learner", pk=learner.pk)
    return _form_page(
        request, "attendance/return_plan_form.html", {"form": form, "learner": learner}
    )


@require_GET
def today(request: HttpRequest) -> HttpResponse:
    """The attendance officer's list: today's unexplained absences (code N or no mark)."""
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    rows = selectors.unexplained_today_for(scope)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "today": timezone.localdate(), "query": ""}
    audit.viewed(scope, action="attendance.today.viewed", page=page.number)
    return render(request, "attendance/today.html", context)


@require_POST
def quick_call(request: HttpRequest, pk: int) -> HttpResponse:
    """One click from today's list: a first-day call logged against the learner."""
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    outcome = request.POST.get("outcome", "")[:200]
    services.intervention_create(
        scope=scope, learner=learner, kind=Intervention.Kind.FIRST_DAY_CALL, outcome=outcome
    )
    if request.htmx:
        return render(request, "attendance/_called.html", {"learner": learner, "outcome": outcome})
    messages.success(request, f"First-day call logged for {learner.display_name}.")
    return redirect("attendance:today")


@require_http_methods(["GET", "POST"])
def import_marks(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.IMPORT_MIS)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(scope=scope, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("attendance:import-detail", pk=job.pk)
    jobs = Paginator(selectors.import_jobs_for(scope), 20).get_page(request.GET.get("page"))
    # The code table and the school's jobs: no case data, so no audit of the view.
    return _form_page(
        request,
        "attendance/import.html",
        {"form": form, "page": jobs, "codes": codes.CODES.values(), "query": ""},
    )


PREVIEW_DAYS_PER_PAGE = 100


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An upload's preview (every change by learner and date, or every problem),
    or a confirmed import's progress and result (htmx polls until finished)."""
    scope = require(request.scope, Cap.IMPORT_MIS)
    job = selectors.import_job_or_404(scope, pk)
    if job.status == job.Status.PREVIEW:
        return _import_preview(request, scope, job)
    errors = Paginator(job.errors, 200).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "errors": errors,
        "poll_url": reverse("attendance:import-detail", kwargs={"pk": job.pk}),
    }
    if request.htmx:
        return render(request, "attendance/_import_status.html", context)
    return render(request, "attendance/import_detail.html", context)


def _import_preview(
    request: HttpRequest, scope: Any, job: Any, status: int = 200, problem: str = ""
) -> HttpResponse:
    result = services.import_job_preview(scope=scope, job=job)
    context: dict[str, Any] = {"job": job, "result": result, "problem": problem}
    if result.errors:
        context["page"] = Paginator(result.errors, 200).get_page(request.GET.get("page"))
    elif result.preview is not None:
        show = request.GET.get("show", "changes")
        days = result.preview.days if show == "all" else result.preview.changed_days
        context["show"] = "all" if show == "all" else "changes"
        context["query"] = "show=all" if show == "all" else ""
        context["page"] = Paginator(days, PREVIEW_DAYS_PER_PAGE).get_page(request.GET.get("page"))
        context["fingerprint"] = result.preview.fingerprint()
        context["counts"] = result.preview.sessions
    return render(request, "attendance/import_preview.html", context, status=status)


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.IMPORT_MIS)
    job = selectors.import_job_or_404(scope, pk)
    try:
        job = services.import_job_confirm(
            scope=scope, job=job, fingerprint=request.POST.get("fingerprint", "")
        )
    except ValidationError as exc:
        return _import_preview(
            request, scope, job, status=INVALID_STATUS, problem=" ".join(exc.messages)
        )
    return redirect("attendance:import-detail", pk=job.pk)
