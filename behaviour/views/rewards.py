"""Rewards: the leaderboard (when the school has it on) and milestone certificates."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from behaviour import selectors, services
from behaviour.access import require_log
from pastoral import audit
from pastoral.reports.pdf import render_pdf


@never_cache
@require_GET
def leaderboard(request: HttpRequest) -> HttpResponse:
    scope = require_log(request.scope)
    policy = services.settings_of(scope.school.pk)
    if not policy.leaderboard_enabled:
        raise Http404("The school has turned the leaderboard off")
    rows = selectors.leaderboard_for(scope)
    houses = selectors.house_totals(scope) if policy.houses_enabled else []
    response = render(request, "behaviour/leaderboard.html", {"rows": rows, "houses": houses})
    audit.viewed(scope, action="behaviour.leaderboard.listed", learners=[])
    return response


@never_cache
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_log(request.scope)
    award = selectors.award_for(scope, pk)
    _html, pdf = render_pdf(
        "pdf/behaviour_certificate.html",
        {"award": award, "school": award.school, "today": timezone.localdate()},
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{award.points}.pdf"'
    audit.viewed(scope, award, action="behaviour.certificate.viewed", learners=[award.learner])
    return response
