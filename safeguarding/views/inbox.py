"""The DSL's lists: the inbox, the search and the dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pastoral import audit
from pastoral.access import Cap, require
from safeguarding import forms, selectors
from safeguarding.views.common import page_of, query_without_page


@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    page = page_of(request, selectors.inbox_for(scope))
    response = render(
        request,
        "safeguarding/inbox.html",
        {
            "page": page,
            "counts": selectors.inbox_counts_for(scope),
            "query": query_without_page(request),
        },
    )
    audit.viewed(scope, action="safeguarding.inbox.viewed", page=page.number)
    return response


@never_cache
@require_GET
def concern_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    form = forms.SearchForm(request.GET or None, scope=scope)
    params: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        params = {k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "")}
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
    response = render(request, "safeguarding/dashboard.html", selectors.dashboard_for(scope))
    audit.viewed(scope, action="safeguarding.dashboard.viewed")
    return response
