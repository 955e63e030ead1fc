"""Retention pages: the review queues, one learner's records of a type (with
the legal hold and the two-step disposal), holds, tombstones, rules, and the
yearly disposal report. Thin: selectors read, services write and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pastoral import audit
from pastoral.access import Cap, require
from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid
from pastoral.models import LegalHold
from pastoral.reports.pdf import render_pdf
from pastoral.retention import columns, forms, selectors, services
from pastoral.retention.rules import rules_for

PAGE_SIZE = 25
TITLES = {
    selectors.SAFEGUARDING: "Safeguarding records due for review",
    selectors.RECORDS: "Records due for review",
}


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Links only: what the person may review (no case data)."""
    scope = request.scope
    kinds = [k for k in selectors.KINDS if selectors.can_review(scope, k)]
    if not kinds:
        raise Http404("Not found")
    return render(request, "retention/home.html", {"kinds": kinds, "titles": TITLES})


@never_cache
@require_GET
def queue(request: HttpRequest, kind: str) -> HttpResponseBase:
    scope = selectors.require_kind(request.scope, kind)
    types = selectors.types_for(scope, kind)
    chosen = request.GET.get("type", "")
    if chosen and chosen not in {t.key for t in types}:
        chosen = ""
    items = selectors.due_for(scope, kind, record_type=chosen)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=items,
            columns=columns.QUEUE,
            filename=f"retention-{kind}",
            fmt=fmt,
            audit_action=f"retention.{kind}_queue.exported",
            filters={"type": chosen},
        )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "retention/queue.html",
        {
            "kind": kind,
            "title": TITLES[kind],
            "types": types,
            "chosen": chosen,
            "page": page,
            "query": _query(request),
            "today": timezone.localdate(),
        },
    )
    audit.viewed(scope, action=f"retention.{kind}_queue.listed", type=chosen, page=page.number)
    return response


def _review_page(
    request: HttpRequest, item: selectors.DueItem, status: int = 200, **forms_: Any
) -> HttpResponse:
    context = {
        "item": item,
        "kind": selectors.kind_of(item.record_type),
        "dispose_form": forms_.get("dispose_form") or forms.DisposeForm(),
        "hold_form": forms_.get("hold_form") or forms.HoldForm(),
        "lift_form": forms.LiftForm(),
    }
    return render(request, "retention/review.html", context, status=status)


@never_cache
@require_GET
def review(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    item = selectors.item_for(request.scope, key, pk)
    response = _review_page(request, item)
    audit.viewed(request.scope, item.learner, action="retention.review.viewed", type=key)
    return response


@require_POST
def dispose(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    scope = request.scope
    item = selectors.item_for(scope, key, pk)
    form = forms.DisposeForm(request.POST)
    if form.is_valid():
        try:
            tombstone = services.records_dispose(
                scope=scope, item=item, confirm_name=form.cleaned_data["confirm_name"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{tombstone.record_label} of {tombstone.learner_name} disposed of "
                f"({tombstone.count} record(s), {tombstone.files} file(s)). The tombstone is kept.",
            )
            return redirect("retention:queue", kind=selectors.kind_of(item.record_type))
    return _review_page(request, item, status=422, dispose_form=form)


@require_POST
def hold_place(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    scope = request.scope
    item = selectors.item_for(scope, key, pk)
    form = forms.HoldForm(request.POST)
    if form.is_valid():
        covers = (
            LegalHold.Covers.SAFEGUARDING
            if item.record_type.safeguarding
            else LegalHold.Covers.RECORDS
        )
        try:
            services.hold_place(
                scope=scope, learner=item.learner, covers=covers, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Legal hold placed: nothing it covers can be disposed of.")
            return redirect("retention:review", key=key, pk=pk)
    return _review_page(request, item, status=422, hold_form=form)


@never_cache
@require_GET
def holds(request: HttpRequest) -> HttpResponseBase:
    scope = require(request.scope, Cap.REVIEW_RETENTION)
    rows = selectors.holds_for(scope)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns.HOLDS,
            filename="legal-holds",
            fmt=fmt,
            audit_action="retention.holds.exported",
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(
        request,
        "retention/holds.html",
        {"page": page, "query": _query(request), "lift_form": forms.LiftForm()},
    )
    audit.viewed(scope, action="retention.holds.listed", page=page.number)
    return response


@require_POST
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.REVIEW_RETENTION)
    hold = selectors.hold_for(scope, pk)
    form = forms.LiftForm(request.POST)
    if form.is_valid():
        try:
            services.hold_lift(scope=scope, hold=hold, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, f"Legal hold on {hold.learner.display_name}'s records lifted."
            )
    else:
        messages.error(request, "Say why the hold is lifted.")
    return redirect("retention:holds")


def _year(request: HttpRequest) -> str:
    form = forms.YearForm(request.GET)
    year = form.cleaned_data.get("year") if form.is_valid() else ""
    if year:
        try:
            selectors.year_bounds(year)
        except ValueError:
            year = ""
    return year or ""


@never_cache
@require_GET
def tombstones(request: HttpRequest) -> HttpResponseBase:
    scope = require(request.scope, Cap.REVIEW_RETENTION)
    year = _year(request)
    rows = selectors.tombstones_for(scope, school_year=year)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns.TOMBSTONES,
            filename="disposals",
            fmt=fmt,
            audit_action="retention.tombstones.exported",
            filters={"year": year},
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    current = selectors.school_year_of(timezone.localdate())
    response = render(
        request,
        "retention/tombstones.html",
        {"page": page, "query": _query(request), "year": year, "current_year": current},
    )
    audit.viewed(scope, action="retention.tombstones.listed", year=year, page=page.number)
    return response


@never_cache
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The school year's disposals as a PDF (the tombstones the person may see)."""
    scope = require(request.scope, Cap.REVIEW_RETENTION)
    year = _year(request) or selectors.school_year_of(timezone.localdate())
    rows = list(selectors.tombstones_for(scope, school_year=year).order_by("disposed_at", "id"))
    start, end = selectors.year_bounds(year)
    _html, pdf = render_pdf(
        "pdf/retention_report.html",
        {
            "title": f"Records disposed of in {year}",
            "school": scope.school,
            "year": year,
            "start": start,
            "end": end,
            "rows": rows,
            "safeguarding_included": scope.can(Cap.VIEW_ALL_RESTRICTED),
            "printed_by": scope.user,
            "printed_at": timezone.localtime(),
        },
    )
    audit.record(
        "retention.report.downloaded",
        actor=scope.user,
        school=scope.school,
        object_type="retention.report",
        object_id=year,
        changes={"rows": len(rows)},
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    name = year.replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="disposals-{name}.pdf"'
    return response


@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    """The rules in force for the types the person reviews (no case data)."""
    scope = require(request.scope, Cap.REVIEW_RETENTION)
    types = [t for k in selectors.KINDS for t in selectors.types_for(scope, k)]
    in_force = rules_for(scope.school, types)
    return render(
        request,
        "retention/rules.html",
        {"rules": [in_force[t.key] for t in types], "school": scope.school},
    )


@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, key: str) -> HttpResponse:
    scope = request.scope
    record_type = selectors.type_for(scope, key)
    rule = rules_for(scope.school, [record_type])[key]
    initial = {"years": rule.years if rule.overridden else None, "reason": rule.reason}
    form = forms.RuleForm(request.POST or None, initial=initial)
    context = {"form": form, "rule": rule}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rule_set(
                    scope=scope,
                    record_type=record_type,
                    years=form.cleaned_data["years"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Rule for {record_type.label.lower()} saved.")
                return redirect("retention:rules")
        return render_invalid(request, "retention/rule_edit.html", context)
    return render(request, "retention/rule_edit.html", context)
