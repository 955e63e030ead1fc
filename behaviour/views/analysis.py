"""Behaviour analysis: breakdowns and patterns for heads of year, SENCO and DSL."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from behaviour import columns_analysis
from behaviour.forms_analysis import AnalysisFilterForm
from behaviour.selectors import analysis as selectors
from pastoral import audit
from pastoral.exports import export_format, export_response


@never_cache
@require_GET
def analysis(request: HttpRequest) -> HttpResponse:
    scope = selectors.require_analysis(request.scope)
    form = AnalysisFilterForm(
        request.GET or None,
        choices=selectors.filter_choices(scope),
        default=selectors.default_range(scope),
    )
    filters = form.filters()
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=selectors.analysis_incidents(scope, filters),
            columns=columns_analysis.INCIDENTS,
            filename="behaviour-analysis",
            fmt=fmt,
            audit_action="behaviour.analysis.exported",
            filters=filters.as_dict(),
        )
    response = render(
        request,
        "behaviour/analysis.html",
        {
            "form": form,
            "filters": filters,
            "b": selectors.breakdowns_for(scope, filters),
            "rising": selectors.rising_negatives_for(scope, filters),
            "hotspots": selectors.removal_hotspots_for(scope, filters),
            "hotspot_min": selectors.REMOVAL_HOTSPOT,
        },
    )
    audit.viewed(scope, action="behaviour.analysis.viewed", **filters.as_dict())
    return response
