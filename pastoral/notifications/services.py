"""Writes for notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from pastoral.models import School, User
from pastoral.notifications.models import Notification


def notifications_create(
    *,
    recipients: Iterable[User],
    school: School,
    kind: str,
    title: str,
    url: str = "",
    obj: models.Model | None = None,
    urgent: bool = False,
) -> list[Notification]:
    """Notify each recipient once (duplicates in `recipients` are dropped).

    `title` must not contain learner details (e.g. "New concern C-123 logged").
    """
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                school=school,
                kind=kind,
                title=title,
                url=url,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                urgent=urgent,
            )
        )
    return Notification.objects.bulk_create(rows)
