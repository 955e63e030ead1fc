"""Two runs of the reminder job at once (two cron entries, two beats) in real
processes on a real database file or server: no reminder is delivered twice."""

from __future__ import annotations

import subprocess
import sys

from tests.notifications.conftest import ROOT, WorkerDatabase, delivery_counts, reset


def test_two_run_reminders_processes_at_once_deliver_each_reminder_once(
    worker_db: WorkerDatabase,
) -> None:
    reset(worker_db)
    worker_db.job("seed_reminders", count=2000, people=8)
    command = [sys.executable, "manage.py", "run_reminders", "--batch-size", "5"]
    runs = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=worker_db.env(REDIS_URL="", CELERY_TASK_ALWAYS_EAGER="1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err[-3000:]
    delivered = [int(out.split(" delivered now")[0].rsplit(" ", 1)[-1]) for out, _ in outputs]
    print("delivered per process:", delivered)
    assert sum(delivered) == 2000
    assert delivery_counts(worker_db) == (2000, 0, 2000, 2000)
