"""The learner's safeguarding record: the chronology and the CP file."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pastoral import audit
from pastoral.access import Cap, learner_or_404, require
from pastoral.accounts.stepup import step_up_required
from safeguarding import forms, selectors
from safeguarding.views.common import page_of, query_without_page


@never_cache
@require_GET
def chronology(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_PASTORAL_CONCERNS)
    learner = learner_or_404(scope, pk, Cap.VIEW_PASTORAL_CONCERNS)
    form = forms.ChronologyFilterForm(request.GET or None, scope=scope)
    category_id, level = None, ""
    if form.is_bound and form.is_valid():
        category_id, level = form.cleaned_data["category"], form.cleaned_data["level"]
    entries = selectors.timeline_entries_for(scope, learner, category_id=category_id, level=level)
    page = page_of(request, entries)
    response = render(
        request,
        "safeguarding/chronology.html",
        {
            "learner": learner,
            "page": page,
            "form": form,
            "query": query_without_page(request),
            "is_dsl": scope.can(Cap.VIEW_ALL_RESTRICTED),
        },
    )
    audit.viewed(scope, learner, action="safeguarding.chronology.viewed")
    return response


@never_cache
@require_GET
@step_up_required
def cp_file(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_ALL_RESTRICTED)
    learner = learner_or_404(scope, pk, Cap.VIEW_ALL_RESTRICTED)
    concerns = selectors.cp_chronology_for(scope, learner)
    response = render(
        request, "safeguarding/cp_file.html", {"learner": learner, "concerns": concerns}
    )
    audit.viewed(
        scope,
        learner,
        action="safeguarding.cp_file.viewed",
        concerns=[c.reference for c in concerns],
    )
    return response
