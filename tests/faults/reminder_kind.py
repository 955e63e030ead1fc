"""A reminder kind for the Redis fault test, loaded into the Celery worker with
`--include tests.faults.reminder_kind`: one reminder, due today, for the demo
DSL about the demo school's first learner."""

from __future__ import annotations

import datetime as dt

from pastoral.notifications.registry import Due, ReminderKind, register_kind

TITLE = "Fault test: review due"


def _find_due(school, today: dt.date):  # type: ignore[no-untyped-def]
    from pastoral.models import Learner, User

    if school.urn != "136001":
        return []
    dsl = User.objects.get(email="dsl@demo.pastoral.test")
    learner = Learner.objects.filter(school=school).order_by("pk").first()
    return [Due(dsl.pk, "pastoral.learner", learner.pk, today, TITLE, "/")]


register_kind(ReminderKind("faults.review", "Fault test reminders", _find_due))
