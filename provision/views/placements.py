"""Placements: the list, one placement, its changes, reviews and the provider's reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pastoral import audit
from pastoral.access import learner_or_404
from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid
from provision import columns, selectors, services
from provision.access import PLACEMENTS, require_placements
from provision.forms import EndForm, PlacementFilterForm, PlacementForm, ReportForm, ReviewForm
from provision.models import Placement
from provision.views.common import int_param, page_of, query_without_page

FORM_TEMPLATE = "provision/form.html"
PLACEMENT_FORM = "provision/placement_form.html"


@never_cache
@require_GET
def placement_list(request: HttpRequest) -> HttpResponse:
    scope = require_placements(request.scope)
    form = PlacementFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    provider_id = int_param(request.GET.get("provider"))
    rows = selectors.placements_for(scope, status=status, provider_id=provider_id)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns.PLACEMENTS,
            filename="ap-placements",
            fmt=fmt,
            audit_action="provision.placements.exported",
            filters={"status": status, "provider": provider_id},
        )
    page = page_of(request, rows)
    response = render(
        request,
        "provision/placement_list.html",
        {"page": page, "form": form, "query": query_without_page(request)},
    )
    audit.viewed(
        scope,
        action="provision.placements.searched",
        learners=[p.learner for p in page.object_list],
        status=status,
        page=page.number,
    )
    return response


def _providers(scope: Any) -> Any:
    return selectors.providers_for(scope)


def _save_placement(
    request: HttpRequest, form: PlacementForm, context: dict[str, Any], call: Any, **kwargs: Any
) -> HttpResponse:
    if not form.is_valid():
        return render_invalid(request, PLACEMENT_FORM, context)
    start = request.POST.get("action") == "start"
    try:
        placement = call(values=form.cleaned_data, start=start, **kwargs)
    except ValidationError as exc:
        apply_errors(form, exc)
        return render_invalid(request, PLACEMENT_FORM, context)
    messages.success(request, "Placement started." if start else "Placement saved.")
    return redirect("provision:placement-detail", pk=placement.pk)


@require_http_methods(["GET", "POST"])
def placement_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_placements(request.scope)
    learner = learner_or_404(scope, pk, PLACEMENTS)
    form = PlacementForm(request.POST or None, providers=_providers(scope))
    context = {
        "form": form,
        "learner": learner,
        "title": f"Alternative provision for {learner.display_name}",
        "cancel": reverse("provision:learner", args=[learner.pk]),
    }
    if request.method == "POST":
        return _save_placement(
            request, form, context, services.placement_create, scope=scope, learner=learner
        )
    response = render(request, PLACEMENT_FORM, context)
    audit.viewed(scope, learner, action="provision.placement_form.viewed")
    return response


@require_http_methods(["GET", "POST"])
def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_placements(request.scope)
    placement = selectors.placement_or_404(scope, pk)
    if placement.status == Placement.Status.ENDED:
        messages.info(request, "An ended placement is kept as it was.")
        return redirect("provision:placement-detail", pk=placement.pk)
    initial = model_to_dict(placement, PlacementForm.Meta.fields)
    form = PlacementForm(request.POST or None, initial=initial, providers=_providers(scope))
    context = {
        "form": form,
        "learner": placement.learner,
        "placement": placement,
        "title": f"Change placement {placement.reference}",
        "cancel": reverse("provision:placement-detail", args=[placement.pk]),
    }
    if request.method == "POST":
        return _save_placement(
            request, form, context, services.placement_update, scope=scope, placement=placement
        )
    response = render(request, PLACEMENT_FORM, context)
    audit.viewed(scope, placement, learners=[placement.learner])
    return response


def _detail_context(placement: Placement, **extra: Any) -> dict[str, Any]:
    return {
        "placement": placement,
        "learner": placement.learner,
        "problem": selectors.confirmation_problem(placement.provider),
        "end_form": extra.pop("end_form", None) or EndForm(initial={"on": timezone.localdate()}),
        **extra,
    }


@never_cache
@require_GET
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_placements(request.scope)
    placement = selectors.placement_or_404(scope, pk)
    response = render(request, "provision/placement_detail.html", _detail_context(placement))
    audit.viewed(scope, placement, learners=[placement.learner])
    return response


@require_POST
def placement_start(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_placements(request.scope)
    placement = selectors.placement_or_404(scope, pk)
    try:
        services.placement_start(scope=scope, placement=placement)
    except ValidationError as exc:
        placement.status = Placement.Status.DRAFT
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return render_invalid(
            request,
            "provision/placement_detail.html",
            _detail_context(placement, start_errors=errors),
        )
    messages.success(request, "Placement started.")
    return redirect("provision:placement-detail", pk=placement.pk)


@require_POST
def placement_end(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_placements(request.scope)
    placement = selectors.placement_or_404(scope, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.placement_end(
                scope=scope,
                placement=placement,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Placement ended.")
            return redirect("provision:placement-detail", pk=placement.pk)
    placement = selectors.placement_or_404(scope, pk)
    return render_invalid(
        request, "provision/placement_detail.html", _detail_context(placement, end_form=form)
    )


def _placement_form(
    request: HttpRequest, pk: int, form_class: Any, call: Any, title: str, done: str
) -> HttpResponse:
    scope = require_placements(request.scope)
    placement = selectors.placement_or_404(scope, pk)
    form = form_class(request.POST or None)
    context = {
        "form": form,
        "title": title.format(ref=placement.reference),
        "placement": placement,
        "learner": placement.learner,
        "cancel": reverse("provision:placement-detail", args=[placement.pk]),
    }
    if request.method == "POST":
        if not form.is_valid():
            return render_invalid(request, FORM_TEMPLATE, context)
        try:
            call(scope=scope, placement=placement, values=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return render_invalid(request, FORM_TEMPLATE, context)
        messages.success(request, done)
        return redirect("provision:placement-detail", pk=placement.pk)
    response = render(request, FORM_TEMPLATE, context)
    audit.viewed(scope, placement, learners=[placement.learner])
    return response


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_form(
        request,
        pk,
        ReviewForm,
        services.review_record,
        "Review of placement {ref}",
        "Review recorded.",
    )


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_form(
        request,
        pk,
        ReportForm,
        services.report_record,
        "The provider's attendance report for placement {ref}",
        "Provider's report recorded.",
    )
