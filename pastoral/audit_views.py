"""The DSL's audit screens: search the trail, a record's access history, CSV export.

Only holders of Cap.READ_AUDIT (DSL, deputy DSL) reach them; everyone else
gets 404. Every query goes through pastoral.audit.events_for, which keeps to
the DSL's school. Exporting the trail is itself audited and asks for a fresh
second factor.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pastoral import audit, selectors
from pastoral.access import Cap, Scope, require
from pastoral.accounts.selectors import staff_for
from pastoral.accounts.stepup import step_up_required
from pastoral.models import AuditEvent, User

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
# Spreadsheet programs run a cell starting with these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
def audit_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.READ_AUDIT)  # type: ignore[attr-defined]
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


def safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    yield [
        "time (UTC)",
        "event id",
        "action",
        "person",
        "learner",
        "learner UPN",
        "record type",
        "record id",
        "changes",
        "IP address",
        "browser",
    ]
    for event in events.iterator(chunk_size=2000):
        yield [
            safe_cell(v)
            for v in (
                event.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                event.pk,
                event.action,
                event.actor_label,
                event.learner.display_name if event.learner else "",
                event.learner.upn if event.learner else "",
                event.object_type,
                event.object_id,
                event.changes if event.changes else "",
                event.ip or "",
                event.user_agent,
            )
        ]


@require_GET
@step_up_required
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered trail as CSV (at most EXPORT_LIMIT rows); the export is audited."""
    scope = require(request.scope, Cap.READ_AUDIT)  # type: ignore[attr-defined]
    events = AuditFilter(request.GET, queryset=audit.events_for(scope), scope=scope)
    if not events.is_valid():
        raise Http404("Not found")
    filters = {k: str(v) for k, v in events.form.cleaned_data.items() if v not in (None, "")}
    if "person" in filters:
        filters["person"] = events.form.cleaned_data["person"].email
    exported = audit.record(
        "pastoral.audit.exported",
        actor=scope.user,
        school=scope.school,
        object_type="pastoral.auditevent",
        changes={"filters": filters},
    )
    # The trail as it stood when asked: not the export's own event, nor later ones.
    qs = events.qs.filter(pk__lt=exported.pk)[:EXPORT_LIMIT]
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rows(qs)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{scope.school.urn}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
