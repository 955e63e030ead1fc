"""Jobs the real-worker tests run in a subprocess against the worker's database.

The pytest test database lives inside the pytest process (an in-memory SQLite
database, or a PostgreSQL transaction), so a Celery worker subprocess cannot
see it. The worker tests therefore give the worker a database of its own (a
SQLite file or a fresh PostgreSQL database), migrated and seeded through these
jobs in subprocesses with the same DATABASE_URL the worker gets.

Run as: python -m tests.notifications.worker_jobs <job> '<json kwargs>'
(prints one line of JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any


def seed_reminders(*, count: int, people: int = 4, urgent: bool = False) -> dict[str, Any]:
    """A school, `people` staff, and `count` due reminders spread across them."""
    from pastoral.models import Membership, Role, School, User
    from pastoral.notifications.models import Reminder

    school = School.objects.create(name="Worker Test School", urn=f"9{os.getpid() % 100000:05d}")
    users = [
        User.objects.create(email=f"worker{i}-{school.pk}@school.test", full_name=f"Worker {i}")
        for i in range(people)
    ]
    Membership.objects.bulk_create(
        [Membership(user=u, school=school, role=Role.DSL) for u in users]
    )
    today = dt.date(2026, 11, 24)
    Reminder.objects.bulk_create(
        [
            Reminder(
                school=school,
                kind="tests.worker",
                recipient=users[i % people],
                object_type="tests.thing",
                object_id=str(i),
                due_date=today,
                title=f"Thing T-{i} due",
                url="/",
                urgent=urgent,
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    return {"school": school.pk, "users": [u.pk for u in users]}


def create_urgent_notification(*, commit: bool) -> dict[str, Any]:
    """notifications_create(urgent=True) inside a transaction, committed or rolled back.

    With REDIS_URL set (and not eager) the e-mail task goes to the real broker,
    and only if the transaction commits.
    """
    from django.db import transaction

    from pastoral.models import School, User
    from pastoral.notifications.services import notifications_create

    school = School.objects.order_by("pk").first()
    user = User.objects.order_by("pk").first()

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            notes = notifications_create(
                recipients=[user],
                school=school,
                kind="tests.urgent",
                title="Concern C-1 logged",
                urgent=True,
            )
            if not commit:
                raise Rollback
    except Rollback:
        return {"notification": None}
    return {"notification": notes[0].pk}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")
    import django

    django.setup()
    job = globals()[sys.argv[1]]
    kwargs = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(job(**kwargs)))


if __name__ == "__main__":
    main()
