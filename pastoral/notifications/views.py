"""The notification centre: list, unread badge, follow a link, mark read, preferences.

Everything is scoped to the person and the current school: someone else's
notification, or one from another school, answers 404. Following a link
re-checks access to the object now (it may have been restricted since the
notification was made) before redirecting; the page it leads to checks again.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pastoral.access import Scope
from pastoral.forms import INVALID_STATUS
from pastoral.notifications import registry, selectors, services
from pastoral.notifications.forms import PreferenceForm

PAGE_SIZE = 25


def _scope(request: HttpRequest) -> Scope:
    scope = getattr(request, "scope", None)
    if scope is None:
        raise Http404("Not found")
    return scope


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    unread_only = request.GET.get("show") == "unread"
    kinds = selectors.kind_counts_for(scope)
    kind = request.GET.get("kind", "")
    current = next((k for k in kinds if k.kind == kind), None)
    page = Paginator(
        selectors.notifications_for(
            scope, unread_only=unread_only, kind=current.kind if current else ""
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = urlencode(
        {k: v for k, v in (("show", "unread" if unread_only else ""), ("kind", kind)) if v}
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "groups": selectors.grouped(scope, list(page.object_list)),
            "kinds": kinds,
            "kind": current,
            "unread_only": unread_only,
            "query": query,
            "unread_count": sum(k.unread for k in kinds),
        },
    )


@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count for the navigation (an htmx fragment, polled)."""
    scope = _scope(request)
    return render(
        request, "notifications/_badge.html", {"unread_count": selectors.unread_count_for(scope)}
    )


@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the link, if the person may still see the object."""
    scope = _scope(request)
    notification = services.notification_mark_read(
        scope=scope, notification=selectors.notification_for(scope, pk)
    )
    if notification.object_type and notification.object_id:
        visible = registry.visible_ids(scope, notification.object_type, [notification.object_id])
        if visible is not None and notification.object_id not in visible:
            raise Http404("Not found")
    if not notification.url or not url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts=None
    ):
        messages.info(request, "That notification has no page to open.")
        return redirect("notifications:list")
    return redirect(notification.url)


@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    notification = services.notification_mark_read(
        scope=scope, notification=selectors.notification_for(scope, pk)
    )
    if request.htmx:
        response = render(request, "notifications/_row.html", {"notification": notification})
        # The badge in the navigation listens for this and refreshes itself.
        response["HX-Trigger"] = "notifications-changed"
        return response
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        return redirect(next_url)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    kind = request.POST.get("kind", "")[:60]
    count = services.notifications_mark_all_read(scope=scope, kind=kind)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect(
        f"{reverse('notifications:list')}?kind={kind}" if kind else "notifications:list"
    )


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = PreferenceForm(request.POST or None, instance=selectors.preference_for(scope))
    if request.method == "POST" and form.is_valid():
        services.preference_update(
            scope=scope,
            urgent_email=form.cleaned_data["urgent_email"],
            digest_email=form.cleaned_data["digest_email"],
        )
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form},
        status=INVALID_STATUS if form.errors else 200,
    )
