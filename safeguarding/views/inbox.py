"""The safeguarding lists: the DSL's inbox, search and dashboard, and the
pastoral list of those who see pastoral concerns about their learners."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pastoral import audit
from pastoral.access import Cap, require
from pastoral.exports import export_format, export_response
from safeguarding import columns, forms, selectors
from safeguarding.views.common import page_of, query_without_page


def _filtered(request: HttpRequest, kind: str) -> tuple[forms.ConcernFilterForm, object]:
    form = forms.ConcernFilterForm(request.GET or None, scope=request.scope, kind=kind)
    return form, form.filters()


@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    form, filters = _filtered(request, "inbox")
    page = page_of(request, selectors.inbox_for(scope, filters))
    response = render(
        request,
        "safeguarding/inbox.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.inbox_counts_for(scope),
            "filtered": bool(filters.query()),
            "query": query_without_page(request),
        },
    )
    audit.viewed(
        scope, action="safeguarding.inbox.viewed", page=page.number, filters=filters.query()
    )
    return response


@never_cache
@require_GET
def pastoral_list(request: HttpRequest) -> HttpResponse:
    """A head of year's pastoral concerns about their years (the SENCO's: the
    school's; a key worker's: their caseload's). Never a restricted concern."""
    scope = require(request.scope, Cap.VIEW_PASTORAL_CONCERNS)
    form, filters = _filtered(request, "pastoral")
    page = page_of(request, selectors.pastoral_list_for(scope, filters))
    response = render(
        request,
        "safeguarding/pastoral_list.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.pastoral_counts_for(scope),
            "filtered": bool(filters.query()),
            "query": query_without_page(request),
        },
    )
    audit.viewed(
        scope,
        action="safeguarding.pastoral_list.viewed",
        page=page.number,
        filters=filters.query(),
    )
    return response


@never_cache
@require_GET
def concern_list(request: HttpRequest) -> HttpResponseBase:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    form = forms.SearchForm(request.GET or None, scope=scope)
    params: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        params = {k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "")}
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=selectors.search_concerns(scope, params),
            columns=columns.CONCERN_SEARCH,
            filename="concerns",
            fmt=fmt,
            audit_action="safeguarding.search.exported",
            filters=params,
        )
    page = page_of(request, selectors.search_concerns(scope, params))
    response = render(
        request,
        "safeguarding/concern_list.html",
        {"form": form, "page": page, "query": query_without_page(request)},
    )
    audit.viewed(scope, action="safeguarding.search.viewed", filters=sorted(params))
    return response


@never_cache
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    form, filters = _filtered(request, "dashboard")
    context = selectors.dashboard_for(scope, filters)
    context["form"] = form
    response = render(request, "safeguarding/dashboard.html", context)
    audit.viewed(scope, action="safeguarding.dashboard.viewed", filters=filters.query())
    return response
