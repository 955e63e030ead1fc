"""My caseload, the caseload board, allocations and the school's list of needs."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload import columns, forms, selectors, services
from caseload.views._common import int_param, page_of, render_form
from pastoral import audit
from pastoral.access import Cap, learners_for, require
from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid


@require_GET
def my_caseload(request: HttpRequest) -> HttpResponseBase:
    scope = require(request.scope, Cap.VIEW_PROFILE)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=selectors.my_caseload_for(scope),
            prepare=selectors.decorate,
            columns=columns.MY_CASELOAD,
            filename="my-caseload",
            fmt=fmt,
            audit_action="caseload.caseload.exported",
        )
    page = page_of(request, selectors.my_caseload_for(scope))
    selectors.decorate(page.object_list)
    response = render(request, "caseload/my_caseload.html", {"page": page})
    audit.viewed(scope, action="caseload.caseload.listed", page=page.number)
    return response


def _board_filters(request: HttpRequest) -> selectors.BoardFilters:
    return selectors.BoardFilters(
        year=int_param(request.GET.get("year")),
        need=int_param(request.GET.get("need")),
        worker=int_param(request.GET.get("worker")),
    )


@require_GET
def board(request: HttpRequest) -> HttpResponseBase:
    scope = require(request.scope, Cap.VIEW_CASELOAD_BOARD)
    filters = _board_filters(request)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=selectors.board_learners_for(scope, filters),
            prepare=selectors.decorate,
            columns=columns.BOARD,
            filename="caseload-board",
            fmt=fmt,
            audit_action="caseload.board.exported",
            filters=vars(filters),
        )
    page = page_of(request, selectors.board_learners_for(scope, filters))
    page.object_list = selectors.decorate(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "summary": selectors.board_workers_for(scope, filters),
        "filters": filters,
        "years": list(selectors.board_years_for(scope)),
        "needs": list(selectors.needs_for(scope, active_only=False)),
        "workers": list(selectors.key_workers_for(scope)),
        "query": query.urlencode(),
        "soon_days": selectors.REVIEW_SOON_DAYS,
        "reallocate_form": forms.ReallocateForm(workers=selectors.key_workers_for(scope)),
    }
    response = render(request, "caseload/board.html", context)
    audit.viewed(
        scope,
        action="caseload.board.listed",
        page=page.number,
        year=filters.year,
        need=filters.need,
        worker=filters.worker,
    )
    return response


@require_POST
def reallocate(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.ALLOCATE_CASELOADS)
    form = forms.ReallocateForm(request.POST, workers=selectors.key_workers_for(scope))
    if form.is_valid():
        data = form.cleaned_data
        if data["all_of_worker"]:
            ids = selectors.caseload_learner_ids_of(scope, data["from_worker"], on=data["start"])
        else:
            ids = form.learner_ids
        try:
            moved = services.allocations_reallocate(
                scope=scope,
                from_worker=data["from_worker"],
                to_worker=data["to_worker"],
                learner_ids=ids,
                start=data["start"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Moved {len(moved)} learner(s) to {data['to_worker']}'s caseload."
            )
            return redirect("caseload:board")
    return render_invalid(request, "caseload/reallocate.html", {"form": form})


@require_GET
def learner_picker(request: HttpRequest) -> JsonResponse:
    """The learner pickers' search (allocation, group roster, register):
    `?for=allocate|roster&q=...&page=N` -> a page of {value, text} and the next
    page's URL. Scoped by the picker's capability (404 without it); directory
    fields only (name, year group), so, like the directory search, not audited."""
    cap = selectors.PICKER_CAPS.get(request.GET.get("for", ""))
    if cap is None:
        raise Http404("Not found")
    scope = require(request.scope, cap)
    query = request.GET.get("q", "").strip()[:100]
    page = int_param(request.GET.get("page")) or 1
    rows, more = selectors.picker_page(scope, cap, query, page)
    following = None
    if more:
        params = urlencode({"for": request.GET["for"], "q": query, "page": page + 1})
        following = f"{request.path}?{params}"
    return JsonResponse(
        {
            "results": [
                {"value": r.pk, "text": f"{r.display_name} ({r.year_group.name})"} for r in rows
            ],
            "next": following,
        }
    )


@require_http_methods(["GET", "POST"])
def allocation_create(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.ALLOCATE_CASELOADS)
    form = forms.AllocationForm(
        request.POST or None,
        learners=learners_for(scope, Cap.ALLOCATE_CASELOADS),
        workers=selectors.key_workers_for(scope),
        initial={"learner": int_param(request.GET.get("learner"))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.allocation_create(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{allocation.learner} allocated to {allocation.worker}.")
            return redirect("caseload:profile", pk=allocation.learner_id)
    return render_form(request, "caseload/allocation_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def allocation_end(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.ALLOCATE_CASELOADS)
    allocation = selectors.allocation_or_404(scope, pk)
    form = forms.EndAllocationForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_end(scope=scope, allocation=allocation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Allocation ended; it stays in the learner's history.")
            return redirect("caseload:profile", pk=allocation.learner_id)
    return render_form(
        request, "caseload/allocation_end.html", {"form": form, "allocation": allocation}
    )


@require_http_methods(["GET", "POST"])
def need_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_CASELOAD_BOARD)
    if not scope.has("senco"):
        raise Http404("Not found")
    form = forms.NeedForm(request.POST or None)
    if request.method == "POST":
        toggle = int_param(request.POST.get("toggle"))
        if toggle:
            need = selectors.need_or_404(scope, toggle)
            services.need_set_active(scope=scope, need=need, active=not need.active)
            return redirect("caseload:need-list")
        if form.is_valid():
            try:
                services.need_create(scope=scope, name=form.cleaned_data["name"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Added to the list.")
                return redirect("caseload:need-list")
    return render_form(
        request,
        "caseload/need_list.html",
        {"needs": list(selectors.needs_for(scope, active_only=False)), "form": form},
    )
