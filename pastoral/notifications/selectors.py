"""Reads for the notification centre, scoped to the person and current school."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pastoral.access import Scope
from pastoral.notifications.models import Notification, NotificationPreference


def notifications_for(scope: Scope, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's notifications in the current school, newest first."""
    queryset = Notification.objects.filter(recipient=scope.user, school=scope.school)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


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
