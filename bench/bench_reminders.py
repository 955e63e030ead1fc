#!/usr/bin/env python
"""Reminders at trust scale: 100,000 due reminders across every school.

Measures, against the trust-scale bench database (bench/common.py):

- materialising: every registered reminder kind's finder for every school,
  the real job beat runs (queries and time per school);
- delivering 100,000 due reminders spread over the trust's staff: throughput
  (reminders per second) and the SQL statements each batch costs, checked to
  be the same for every batch (no query per reminder).

Everything happens inside one transaction that is rolled back at the end, so
the bench database stays as seeded and runs stay comparable. (Inside it, each
batch is a savepoint rather than a commit; a real run commits per batch.)

`make bench` calls run() through bench/jobs.py; standalone:

    .venv/bin/python bench/bench_reminders.py [--count 100000] [--batch-size 500]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402


def run(count: int = 100_000, batch_size: int = 500) -> dict[str, Any]:
    """Run the benchmark (django.setup() done, bench database configured)."""
    import datetime as dt

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from pastoral.models import Membership, School
    from pastoral.notifications import services
    from pastoral.notifications.models import Notification, Reminder

    result: dict[str, Any] = {}
    today = timezone.localdate()
    try:
        with transaction.atomic():
            schools = list(School.objects.order_by("pk"))
            Reminder.objects.filter(state=Reminder.State.PENDING).update(
                state=Reminder.State.SENT
            )  # leave only the bench's reminders pending (rolled back anyway)

            started = time.perf_counter()
            with CaptureQueriesContext(connection) as materialise_queries:
                reported = services.reminders_materialise(today=today, schools=schools)
            materialise_s = time.perf_counter() - started
            Reminder.objects.filter(state=Reminder.State.PENDING).update(state=Reminder.State.SENT)

            staff = list(
                Membership.objects.filter(school__in=schools)
                .values_list("school_id", "user_id")
                .distinct()
            )
            started = time.perf_counter()
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        school_id=staff[i % len(staff)][0],
                        kind="bench.reminder",
                        recipient_id=staff[i % len(staff)][1],
                        object_type="bench.thing",
                        object_id=str(i),
                        due_date=today - dt.timedelta(days=i % 5),
                        title=f"Bench reminder B-{i}",
                        url="/",
                    )
                    for i in range(count)
                ],
                batch_size=5000,
            )
            seed_s = time.perf_counter() - started

            per_batch: list[int] = []
            delivered = 0
            started = time.perf_counter()
            while True:
                with CaptureQueriesContext(connection) as batch_queries:
                    done = services.reminders_deliver_batch(batch_size=batch_size)
                if not done:
                    break
                delivered += done
                if done == batch_size:
                    per_batch.append(len(batch_queries.captured_queries))
            deliver_s = time.perf_counter() - started
            notified = Notification.objects.filter(kind="bench.reminder").count()
            result = {
                "schools": len(schools),
                "vendor": connection.vendor,
                "materialise_s": round(materialise_s, 2),
                "materialise_queries": len(materialise_queries.captured_queries),
                "materialise_queries_per_school": round(
                    len(materialise_queries.captured_queries) / max(len(schools), 1), 1
                ),
                "real_reminders_due_today": reported,
                "reminders": count,
                "seed_s": round(seed_s, 2),
                "batch_size": batch_size,
                "delivered": delivered,
                "notifications_created": notified,
                "deliver_s": round(deliver_s, 2),
                "reminders_per_s": round(delivered / deliver_s) if deliver_s else None,
                "queries_per_full_batch": sorted(set(per_batch)),
                "queries_per_batch_constant": len(set(per_batch)) == 1,
            }
            result["summary"] = (
                f"{delivered:,} reminders delivered in {deliver_s:.1f}s "
                f"({result['reminders_per_s']:,}/s) in batches of {batch_size}, "
                f"{per_batch[0] if per_batch else '?'} queries per batch (constant: "
                f"{result['queries_per_batch_constant']}); materialising every kind for "
                f"{len(schools)} schools: {materialise_s:.1f}s, "
                f"{result['materialise_queries_per_school']} queries per school"
            )
            raise common.Rollback
    except common.Rollback:
        pass
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="reuse the bench DB as it is")
    args = parser.parse_args(argv)

    common.ensure_database(reuse=args.reuse)
    common.apply_env()
    import django

    django.setup()
    print(json.dumps(run(count=args.count, batch_size=args.batch_size), indent=2))


if __name__ == "__main__":
    main()
