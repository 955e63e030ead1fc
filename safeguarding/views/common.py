"""Helpers the safeguarding pages share."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pastoral.accounts.stepup import has_recent_second_factor, step_up_url
from pastoral.models import Learner
from safeguarding.models import Concern

PAGE_SIZE = 25


def page_of(request: HttpRequest, qs: Any) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def ints(values: Any) -> list[int]:
    out = []
    for value in values or []:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def learners_of(concern: Concern) -> list[Learner]:
    """The concern's learners (prefetched by the selectors), for audit.viewed."""
    return [link.learner for link in concern.learner_links.all()]


def needs_step_up(request: HttpRequest, concern: Concern) -> HttpResponse | None:
    """The whole of a restricted record asks for a fresh second factor first.

    (The author's own view of what they wrote does not: it holds nothing they
    did not type themselves.)
    """
    restricted_view = concern.is_restricted and getattr(concern, "full_access", False)
    if restricted_view and not has_recent_second_factor(request):
        return redirect(step_up_url(request))
    return None
