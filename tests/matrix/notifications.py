"""The notification centre: every member has one; someone else's notification is 404."""

from __future__ import annotations

from typing import Any

from tests.matrix import ALL_OK, Case, every

HX = {"HTTP_HX_REQUEST": "true"}


def _outsiders_notification(world: Any) -> dict[str, Any]:
    """A notification for a person in another school: nobody here may open or mark it."""
    from pastoral.notifications.models import Notification

    if not hasattr(world, "outsider_notification"):
        world.outsider_notification = Notification.objects.create(
            recipient=world.outsider,
            school=world.other_school,
            kind="test.case",
            title="Plan review due (P-1)",
            url="/",
        )
    return {"pk": world.outsider_notification.pk}


CASES = [
    Case("notifications:list", "own list", ALL_OK),
    Case("notifications:list", "unread only", ALL_OK, query="show=unread"),
    Case("notifications:badge", "htmx badge", ALL_OK, headers=HX),
    Case("notifications:read-all", "post", every(302), method="post"),
    Case("notifications:preferences", "form", ALL_OK),
    Case(
        "notifications:preferences",
        "save",
        every(302),
        method="post",
        data=lambda w: {"urgent_email": "on"},
    ),
    Case("notifications:open", "someone else's", every(404), kwargs=_outsiders_notification),
    Case(
        "notifications:read",
        "someone else's",
        every(404),
        method="post",
        kwargs=_outsiders_notification,
    ),
]
