"""The learner profile and a learner's session and contact histories."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caseload import selectors
from caseload.views._common import int_param, page_of
from pastoral import audit
from pastoral.access import Cap, learner_or_404, require


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_PROFILE)
    data = selectors.learner_profile_for(
        scope, pk, timeline_page=int_param(request.GET.get("timeline")) or 1
    )
    audit.viewed(scope, data.learner, action="caseload.learner.viewed")
    return render(
        request,
        "caseload/profile.html",
        {"p": data, "learner": data.learner, "can_allocate": data.can_allocate},
    )


@require_GET
def learner_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    page = page_of(request, selectors.learner_sessions(learner))
    audit.viewed(scope, learner, action="caseload.sessions.viewed", page=page.number)
    return render(request, "caseload/learner_sessions.html", {"learner": learner, "page": page})


@require_GET
def learner_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    page = page_of(request, selectors.learner_contacts(learner))
    audit.viewed(scope, learner, action="caseload.contacts.viewed", page=page.number)
    return render(request, "caseload/learner_contacts.html", {"learner": learner, "page": page})
