"""Core pages: home, learner directory and search, school switch, health."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pastoral import audit, columns, dashboard, nav, selectors
from pastoral.access import Cap, learner_or_404, require
from pastoral.exports import export_format, export_response
from pastoral.filters import LearnerFilter
from pastoral.middleware import SESSION_SCHOOL_KEY
from pastoral.people.selectors import parents_of
from pastoral.school_settings.checklist import golive_checklist_for

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    context = {}
    scope = getattr(request, "scope", None)
    if scope is None and request.user.is_authenticated:
        from pastoral.trust.standing import trust_scopes_for

        # A trust-level person with no role in any school: their trust pages.
        if trust_scopes_for(request.user):  # type: ignore[arg-type]
            return redirect("trust:index")
    if scope is not None and scope.can(Cap.MANAGE_SETTINGS):
        # The administrator sees what the school still needs until it is all done.
        items = golive_checklist_for(scope)
        if not all(item.done for item in items):
            context["golive_items"] = items
    context["panels"] = dashboard.panels_for(scope)
    return render(request, "pastoral/home.html", context)


@require_GET
def learner_list(request: HttpRequest) -> HttpResponseBase:
    scope = require(request.scope, Cap.SEARCH_LEARNERS)
    learner_filter = LearnerFilter(
        request.GET, queryset=selectors.learner_directory_for(scope), scope=scope
    )
    show_case = scope.can(Cap.VIEW_PROFILE)
    fmt = export_format(request)
    if fmt is not None:
        learner_filter.is_valid()
        return export_response(
            request,
            scope,
            rows=learner_filter.qs,
            columns=columns.learner_columns(show_case),
            filename="learners",
            fmt=fmt,
            audit_action="pastoral.learners.exported",
            filters=learner_filter.form.cleaned_data,
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
            "show_case": show_case,
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
    if scope.can(Cap.IMPORT_MIS):
        # The office keeps parents' details (MIS data, no case content).
        links.append(
            {
                "label": "Parents and carers",
                "url": reverse("people:learner-contacts", kwargs={"pk": learner.pk}),
            }
        )
    # Parents' restrictions show on the card to whoever may see the parents.
    parents = (
        list(parents_of(learner))
        if scope.can(Cap.IMPORT_MIS) or (in_case_scope and scope.can(Cap.RECORD_CONTACTS))
        else None
    )
    response = render(
        request,
        "pastoral/learner_detail.html",
        {
            "learner": learner,
            "in_case_scope": in_case_scope,
            "learner_links": links,
            "parents": parents,
        },
    )
    if parents:
        audit.viewed(scope, learner, action="people.contacts.viewed", where="directory card")
    return response


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
