"""Reads for the notification centre, scoped to the person and current school."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from pastoral.access import Scope
from pastoral.notifications import registry
from pastoral.notifications.models import Notification, NotificationPreference


def notifications_for(
    scope: Scope, *, unread_only: bool = False, kind: str = ""
) -> QuerySet[Notification]:
    """The person's notifications in the current school, newest first."""
    queryset = Notification.objects.filter(recipient=scope.user, school=scope.school)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-created_at", "-id")


@dataclass
class KindCount:
    kind: str
    label: str
    total: int
    unread: int


def kind_counts_for(scope: Scope) -> list[KindCount]:
    """Each kind of notification the person has here, with counts (one query)."""
    rows = (
        Notification.objects.filter(recipient=scope.user, school=scope.school)
        .values("kind")
        .annotate(total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
        .order_by("kind")
    )
    counts = [
        KindCount(r["kind"], registry.kind_label(r["kind"]), r["total"], r["unread"]) for r in rows
    ]
    return sorted(counts, key=lambda c: (-c.unread, c.label))


@dataclass
class KindGroup:
    kind: str
    label: str
    notifications: list[Notification] = field(default_factory=list)


def grouped(scope: Scope, notifications: list[Notification]) -> list[KindGroup]:
    """A page of notifications grouped by kind (in order of each kind's newest),
    each with `learner_names`: the learner(s) it is about, resolved now and only
    for objects the person may still see (stored titles never name anyone)."""
    names = registry.learner_names(scope, ((n.object_type, n.object_id) for n in notifications))
    groups: dict[str, KindGroup] = {}
    for n in notifications:
        n.learner_names = names.get((n.object_type, n.object_id), "")  # type: ignore[attr-defined]
        group = groups.setdefault(n.kind, KindGroup(n.kind, registry.kind_label(n.kind)))
        group.notifications.append(n)
    return list(groups.values())


def unread_count_for(scope: Scope) -> int:
    """How many of the person's notifications in the current school are unread."""
    return notifications_for(scope, unread_only=True).count()


def notification_for(scope: Scope, pk: int) -> Notification:
    """One of the person's notifications in the current school, or 404."""
    notification = notifications_for(scope).filter(pk=pk).first()
    if notification is None:
        raise Http404("Not found")
    return notification


def preference_for(scope: Scope) -> NotificationPreference:
    """The person's e-mail preferences (the defaults if they never saved any)."""
    return NotificationPreference.objects.filter(user=scope.user).first() or (
        NotificationPreference(user=scope.user)
    )
