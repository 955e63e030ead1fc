"""A learner's placements, "where is this learner right now?" and the
reconciliation of the provider's reports with the register."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pastoral import audit
from pastoral.access import learner_or_404
from pastoral.exports import export_format, export_response
from pastoral.forms import render_invalid
from provision import columns, selectors
from provision.access import PLACEMENTS, require_placements
from provision.forms import ReconciliationForm, WhereForm
from provision.views.common import int_param, page_of, query_without_page

DEFAULT_RANGE = dt.timedelta(days=27)


@never_cache
@require_GET
def learner(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_placements(request.scope)
    person = learner_or_404(scope, pk, PLACEMENTS)
    day, session = selectors.current_session(scope.school)
    where = selectors.whereabouts_for(scope, person, day, session)
    placements = list(selectors.placements_for(scope, learner=person))
    response = render(
        request,
        "provision/learner.html",
        {"learner": person, "where": where, "placements": placements},
    )
    audit.viewed(scope, person, action="provision.learner.viewed")
    return response


@never_cache
@require_GET
def where(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_placements(request.scope)
    person = learner_or_404(scope, pk, PLACEMENTS)
    form = WhereForm(request.GET or None)
    context = {"learner": person, "form": form}
    if request.GET and not form.is_valid():
        return render_invalid(request, "provision/where.html", context)
    day, session = selectors.current_session(scope.school)
    if form.is_bound:
        day = form.cleaned_data.get("date") or day
        session = form.cleaned_data.get("session") or session
    else:
        form = WhereForm(initial={"date": day, "session": session})
        context["form"] = form
    context["where"] = selectors.whereabouts_for(scope, person, day, session)
    response = render(request, "provision/where.html", context)
    audit.viewed(
        scope, person, action="provision.whereabouts.viewed", date=str(day), session=session
    )
    return response


@never_cache
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    scope = require_placements(request.scope)
    form = ReconciliationForm(request.GET or None)
    context = {"form": form, "query": query_without_page(request)}
    if form.is_bound and not form.is_valid():
        context["page"] = None
        return render_invalid(request, "provision/reconciliation.html", context)
    data = form.cleaned_data if form.is_bound else {}
    today = timezone.localdate()
    end = min(data.get("end") or today, today)
    start = data.get("start") or end - DEFAULT_RANGE
    kind = data.get("kind") or ""
    provider_id = int_param(request.GET.get("provider"))
    rows = selectors.discrepancies_for(
        scope, start=start, end=end, kind=kind, provider_id=provider_id
    )
    filters = {"start": start, "end": end, "kind": kind, "provider": provider_id}
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns.DISCREPANCIES,
            filename="ap-reconciliation",
            fmt=fmt,
            audit_action="provision.reconciliation.exported",
            filters=filters,
        )
    page = page_of(request, rows)
    context.update({"page": page, "start": start, "end": end})
    response = render(request, "provision/reconciliation.html", context)
    audit.viewed(
        scope,
        action="provision.reconciliation.searched",
        learners=list({d.learner.pk: d.learner for d in page.object_list}.values()),
        start=str(start),
        end=str(end),
        kind=kind,
        page=page.number,
    )
    return response
