"""Core pages: home, learner directory and search, school switch, health."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pastoral import nav, selectors
from pastoral.access import Cap, learner_or_404, require
from pastoral.filters import LearnerFilter
from pastoral.middleware import SESSION_SCHOOL_KEY

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pastoral/home.html")


@require_GET
def learner_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.SEARCH_LEARNERS)
    learner_filter = LearnerFilter(
        request.GET, queryset=selectors.learner_directory_for(scope), scope=scope
    )
    page = Paginator(learner_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "pastoral/_learner_rows.html"
        if request.htmx and not request.htmx.boosted
        else "pastoral/learner_list.html"
    )
    return render(
        request,
        template,
        {
            "filter": learner_filter,
            "page": page,
            "query": query.urlencode(),
            "show_case": scope.can(Cap.VIEW_PROFILE),
        },
    )


@require_GET
def learner_search(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.SEARCH_LEARNERS)
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.learner_search_for(scope, query)
    if request.htmx:
        return render(request, "pastoral/_search_results.html", {"results": results, "q": query})
    return redirect(
        f"{request.build_absolute_uri('/learners/')}?q={query}"
        if query
        else "pastoral:learner-list"
    )


@require_GET
def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The directory card every member of staff may see; case data lives on the profile."""
    scope = require(request.scope, Cap.SEARCH_LEARNERS)
    learner = learner_or_404(scope, pk, Cap.SEARCH_LEARNERS)
    in_case_scope = selectors.learner_in_case_scope(scope, learner)
    links = nav.learner_links_for(scope, learner.pk, in_case_scope)
    return render(
        request,
        "pastoral/learner_detail.html",
        {"learner": learner, "in_case_scope": in_case_scope, "learner_links": links},
    )


@require_POST
def school_switch(request: HttpRequest) -> HttpResponse:
    try:
        school_id = int(request.POST.get("school", ""))
    except ValueError:
        raise Http404("Not found")
    if not any(s.pk == school_id for s in request.schools):
        raise Http404("Not found")
    request.session[SESSION_SCHOOL_KEY] = school_id
    return redirect("home")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # a health check reports, it does not raise
        status["database"] = {"ok": False, "error": exc.__class__.__name__}
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            ).ping()
            status["broker"] = {"ok": True, "kind": "redis"}
        except Exception as exc:
            status["broker"] = {"ok": False, "kind": "redis", "error": exc.__class__.__name__}
    else:
        status["broker"] = {"ok": True, "kind": "in-process"}
    healthy = all(part["ok"] for part in status.values())  # type: ignore[index]
    return JsonResponse(
        {"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503
    )
