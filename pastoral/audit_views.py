"""The DSL's audit screens: search the trail, a record's access history, CSV export.

Only holders of Cap.READ_AUDIT (DSL, deputy DSL) reach them; everyone else
gets 404. Every query goes through pastoral.audit.events_for, which keeps to
the DSL's school. Exporting the trail is itself audited and asks for a fresh
second factor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pastoral import audit, columns, selectors
from pastoral.access import Cap, Scope, require
from pastoral.accounts.selectors import staff_for
from pastoral.accounts.stepup import step_up_required
from pastoral.exports import export_format, export_response
from pastoral.models import AuditEvent, User

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000


class AuditFilter(django_filters.FilterSet):
    person = django_filters.ModelChoiceFilter(
        label="Person", queryset=User.objects.none(), method="filter_person", empty_label="Anyone"
    )
    learner = django_filters.CharFilter(
        label="Learner (name or UPN)", method="filter_learner", max_length=100
    )
    object_type = django_filters.CharFilter(
        label="Record type",
        lookup_expr="exact",
        max_length=60,
        help_text="e.g. safeguarding.concern",
    )
    object_id = django_filters.CharFilter(label="Record id", lookup_expr="exact", max_length=40)
    action = django_filters.CharFilter(
        label="Action",
        lookup_expr="startswith",
        max_length=80,
        help_text="e.g. safeguarding.concern.viewed, or just safeguarding.",
    )
    date_from = django_filters.DateFilter(label="From", method="filter_from")
    date_to = django_filters.DateFilter(label="To", method="filter_to")

    class Meta:
        model = AuditEvent
        fields = ["person", "learner", "object_type", "object_id", "action", "date_from", "date_to"]

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["person"].queryset = staff_for(scope, include_inactive=True)
        for name in ("date_from", "date_to"):
            self.form.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def filter_person(
        self, qs: QuerySet[AuditEvent], name: str, value: User
    ) -> QuerySet[AuditEvent]:
        # The person as actor, or as the subject of an account event (failed sign-ins).
        return qs.filter(Q(actor=value) | Q(object_type="pastoral.user", object_id=str(value.pk)))

    def filter_learner(
        self, qs: QuerySet[AuditEvent], name: str, value: str
    ) -> QuerySet[AuditEvent]:
        for term in value.lower().split()[:4]:
            qs = qs.filter(learner__search_text__contains=term)
        return qs

    def _day_start(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    def filter_from(
        self, qs: QuerySet[AuditEvent], name: str, value: dt.date
    ) -> QuerySet[AuditEvent]:
        return qs.filter(created_at__gte=self._day_start(value))

    def filter_to(
        self, qs: QuerySet[AuditEvent], name: str, value: dt.date
    ) -> QuerySet[AuditEvent]:
        return qs.filter(created_at__lt=self._day_start(value + dt.timedelta(days=1)))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def audit_list(request: HttpRequest) -> HttpResponseBase:
    scope = require(request.scope, Cap.READ_AUDIT)  # type: ignore[attr-defined]
    if export_format(request) is not None:
        # The trail's export asks for a fresh second factor: one route for both.
        return audit_export(request)
    events = AuditFilter(request.GET, queryset=audit.events_for(scope), scope=scope)
    page = Paginator(events.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pastoral/audit_list.html",
        {"filter": events, "page": page, "query": _query_without_page(request)},
    )


@require_GET
def audit_object(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """Who has seen this: every event about one record, newest first."""
    scope = require(request.scope, Cap.READ_AUDIT)  # type: ignore[attr-defined]
    events = audit.object_history_for(scope, object_type, object_id)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    if page.paginator.count == 0:
        # Nothing about this record in the DSL's school: it is not theirs to ask about.
        raise Http404("Not found")
    return render(
        request,
        "pastoral/audit_object.html",
        {
            "page": page,
            "object_type": object_type,
            "object_id": object_id,
            "query": _query_without_page(request),
            "viewers": selectors.audit_viewers(events),
        },
    )


@require_GET
@step_up_required  # type: ignore[arg-type]  # a download, not an HttpResponse
def audit_export(request: HttpRequest, fmt: str = "csv") -> HttpResponseBase:
    """The filtered trail as CSV or XLSX (at most EXPORT_LIMIT rows); the export is
    audited. The list page's Export buttons come here (export_base), through the
    fresh second factor the trail's export asks for."""
    fmt = export_format(request) or fmt
    scope = require(request.scope, Cap.READ_AUDIT)  # type: ignore[attr-defined]
    events = AuditFilter(request.GET, queryset=audit.events_for(scope), scope=scope)
    if not events.is_valid():
        raise Http404("Not found")
    filters = dict(events.form.cleaned_data)
    if filters.get("person") is not None:
        filters["person"] = filters["person"].email
    # The trail as it stood when asked: not the export's own event, nor later ones.
    last = events.qs.aggregate(last=Max("pk"))["last"] or 0
    qs = events.qs.filter(pk__lte=last).select_related("learner")[:EXPORT_LIMIT]
    return export_response(
        request,
        scope,
        rows=qs,
        columns=columns.AUDIT_EVENTS,
        filename="audit",
        fmt=fmt,
        audit_action="pastoral.audit.exported",
        filters=filters,
    )
