"""Reminders through a real Redis broker and real Celery worker processes.

Needs TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/14); the tests use a queue
of their own on it (CELERY_QUEUE), so other runs sharing that Redis neither
take our tasks nor lose theirs. Unset: skipped with the reason. Set but
Redis unreachable: the tests FAIL, so CI (which sets it) can never pass without really running them.

The workers get a database of their own (see conftest.py: the pytest test
database is invisible to a subprocess).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.notifications.conftest import QUEUE, ROOT, WorkerDatabase, delivery_counts, reset

VENV_BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.xdist_group("redis"),
    pytest.mark.skipif(
        not REDIS_URL,
        reason="TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/14): "
        "these tests need a real Redis and start real Celery workers",
    ),
]


def _redis() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.fail(f"TEST_REDIS_URL={REDIS_URL} is set but Redis is not reachable: {exc}")
    return client


@pytest.fixture
def broker() -> Iterator[Any]:
    """A Celery client on the test Redis (the test process itself runs eagerly)."""
    from celery import Celery

    client = _redis()
    client.delete(QUEUE)
    app = Celery("pastoral-test-client", broker=REDIS_URL)
    app.conf.task_default_queue = QUEUE
    yield app
    app.close()
    client.delete(QUEUE)


@contextmanager
def worker(db: WorkerDatabase, name: str, log: Path) -> Iterator[subprocess.Popen]:
    """A real `celery -A pastoral worker` (solo pool: the task runs in this very
    process, so SIGKILL kills the task mid-flight, no orphaned child)."""
    handle = log.open("w")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "pastoral",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=db.env(),
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        handle.close()


def wait_for(condition: Callable[[], bool], timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def test_real_workers_deliver_each_reminder_once_when_beat_fires_twice_at_once(
    worker_db: WorkerDatabase, broker: Any, tmp_path: Path
) -> None:
    reset(worker_db)
    worker_db.job("seed_reminders", count=400)
    log_1, log_2 = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    with worker(worker_db, "w1", log_1), worker(worker_db, "w2", log_2):
        for log in (log_1, log_2):
            wait_for(lambda log=log: " ready." in log.read_text(), 60, "the workers", log)
        # Two beat ticks at once (two beats by mistake, or a tick and a retry),
        # each taken by its own worker process: the two runs overlap.
        broker.send_task("notifications.run_reminders", kwargs={"batch_size": 7})
        broker.send_task("notifications.run_reminders", kwargs={"batch_size": 7})
        wait_for(
            lambda: (log_1.read_text() + log_2.read_text()).count("succeeded") == 2,
            90,
            "both runs to finish",
            log_1,
        )
    assert "succeeded" in log_1.read_text() and "succeeded" in log_2.read_text()
    assert delivery_counts(worker_db) == (400, 0, 400, 400)


def test_urgent_email_is_queued_only_when_the_transaction_commits(
    worker_db: WorkerDatabase, broker: Any, tmp_path: Path
) -> None:
    reset(worker_db)
    worker_db.job("seed_reminders", count=0, people=1)
    redis_client = _redis()
    rolled_back = worker_db.job("create_urgent_notification", commit=False)
    assert rolled_back == {"notification": None}
    assert redis_client.llen(QUEUE) == 0  # nothing was enqueued for the rollback
    committed = worker_db.job("create_urgent_notification", commit=True)
    assert redis_client.llen(QUEUE) == 1
    log = tmp_path / "worker.log"
    with worker(worker_db, "w1", log):
        wait_for(
            lambda: (
                worker_db.scalar(
                    "SELECT email_state FROM notifications_notification "  # noqa: S608
                    f"WHERE id = {int(committed['notification'])}"
                )
                == "sent"
            ),
            60,
            "the urgent e-mail",
            log,
        )
    text = log.read_text()
    assert text.count("Subject: [Pastoral] Urgent: Concern C-1 logged") == 1


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(
    worker_db: WorkerDatabase, broker: Any, tmp_path: Path
) -> None:
    """1,000 due reminders; SIGKILL the worker inside a batch; a second worker
    (on the next beat tick) finishes: every reminder delivered exactly once."""
    reset(worker_db)
    worker_db.job("seed_reminders", count=1000, people=10)
    log_a, log_b = tmp_path / "worker-a.log", tmp_path / "worker-b.log"
    killed_mid_batch = False
    with worker(worker_db, "a", log_a) as worker_a:
        broker.send_task("notifications.run_reminders", kwargs={"batch_size": 5})
        wait_for(lambda: delivery_counts(worker_db)[0] >= 50, 120, "the first batches", log_a)
        if worker_db.vendor == "postgresql":
            killed_mid_batch = _kill_inside_a_batch_postgres(worker_db, worker_a, log_a)
        else:
            # SQLite has no row locks to hold a batch open from outside: kill
            # while batches are running; each batch is one write transaction.
            worker_a.send_signal(signal.SIGKILL)
            worker_a.wait(timeout=20)
    sent, pending, notifications, distinct = delivery_counts(worker_db)
    assert 0 < sent < 1000, "the kill must land while reminders are still pending"
    assert notifications == distinct == sent  # the killed batch left nothing behind
    if worker_db.vendor == "postgresql":
        assert killed_mid_batch

    with worker(worker_db, "b", log_b):
        # The killed worker's message returns only after the broker's visibility
        # timeout; the rows are pending in the database, so the next tick does it.
        broker.send_task("notifications.run_reminders", kwargs={"batch_size": 50})
        wait_for(lambda: delivery_counts(worker_db)[1] == 0, 120, "the second worker", log_b)
    assert delivery_counts(worker_db) == (1000, 0, 1000, 1000)
    per_reminder = worker_db.scalar(
        "SELECT max(c) FROM (SELECT count(*) AS c FROM notifications_notification "
        "GROUP BY reminder_id) AS counts"
    )
    assert per_reminder == 1


def _kill_inside_a_batch_postgres(db: WorkerDatabase, process: subprocess.Popen, log: Path) -> bool:
    """Hold the notification table so the worker blocks inside a batch (rows
    claimed, insert waiting), check it is waiting there, then SIGKILL it."""
    import psycopg

    assert db.pg_params is not None
    with psycopg.connect(**db.pg_params) as holder:
        holder.execute("LOCK TABLE notifications_notification IN SHARE MODE")

        def worker_blocked_in_insert() -> bool:
            rows = db.query(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = 'pastoral-worker-test' AND wait_event_type = 'Lock' "
                "AND query LIKE 'INSERT INTO \"notifications_notification\"%%'"
            )
            return rows[0][0] > 0

        wait_for(worker_blocked_in_insert, 60, "the worker to block inside a batch", log)
        claimed = db.scalar("SELECT count(*) FROM notifications_reminder WHERE state = 'pending'")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
        holder.rollback()
    return claimed > 0
