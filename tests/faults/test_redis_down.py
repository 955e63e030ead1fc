"""Redis (the Celery broker and cache) goes down, and comes back.

A real gunicorn and a real Celery worker use a private redis-server. What
people would notice while it is down: pages keep working, /healthz says the
broker is down (and the database is fine), and an action that enqueues
background work (an urgent notification's e-mail) still saves what the person
did instead of failing. When Redis is back, the reminders that were due in
the meantime go out through the worker, once each.

(A worker killed in the middle of a task is the reminders' own fault test.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import (
    ROOT,
    Server,
    app_env,
    fresh_database,
    private_redis,
    python,
    signed_in_cookie,
)
from tests.faults.reminder_kind import TITLE

ENQUEUE_URGENT = """
import time
from django.db import transaction
from pastoral.models import School, User
from pastoral.notifications.models import Notification
from pastoral.notifications.services import notifications_create
school = School.objects.get(urn="136001")
dsl = User.objects.get(email="dsl@demo.pastoral.test")
started = time.monotonic()
error = ""
try:
    with transaction.atomic():
        notifications_create(recipients=[dsl], school=school, kind="faults.urgent",
                             title="Fault test: urgent", urgent=True)
except Exception as exc:
    error = exc.__class__.__name__
print(json.dumps({"error": error, "seconds": time.monotonic() - started,
                  "saved": Notification.objects.filter(kind="faults.urgent").count()}))
"""

NOTIFIED = """
from pastoral.notifications.models import Notification
print(Notification.objects.filter(title={title!r}, recipient__email="dsl@demo.pastoral.test").count())
"""

BEAT_TICK = """
from pastoral.notifications.tasks import run_reminders
run_reminders.delay()
print("queued")
"""


@pytest.fixture
def stack(pg_cluster: Any, static_root: Path) -> Iterator[tuple[Any, dict[str, str], Server]]:
    with private_redis() as redis:
        env = app_env(
            fresh_database(pg_cluster, "redis_down"),
            STATIC_ROOT=str(static_root),
            REDIS_URL=redis.url,
        )
        server = Server(env)
        server.start(workers=2)
        try:
            yield redis, env, server
        finally:
            server.stop()


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "pastoral", "worker",
         "--pool", "solo", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
         "--include", "tests.faults.reminder_kind"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def test_the_web_keeps_working_without_redis_and_reminders_catch_up(stack: Any) -> None:
    redis, env, server = stack
    cookie = signed_in_cookie(env, "staff@demo.pastoral.test")
    status, body = server.get("/healthz")
    assert status == 200 and json.loads(body)["broker"]["ok"] is True

    redis.stop()
    status, body = server.get("/healthz")
    health = json.loads(body)
    assert status == 503
    assert health["broker"]["ok"] is False and health["database"]["ok"] is True
    for path in ("/", "/learners/", "/learners/?page=3"):
        status, body = server.get(path, cookie)
        assert status == 200, (path, status, body[:300])

    # Beat's tick is lost while Redis is down; nothing has been delivered.
    assert python(env, NOTIFIED.format(title=TITLE)) == "0"

    redis.start()
    status, _ = server.get("/healthz")
    assert status == 200
    worker = _worker(env)
    try:
        # Beat's next tick after the outage: the worker materialises and
        # delivers what was due while Redis was down, once; a second tick
        # (or beat running twice) delivers nothing more.
        for _ in range(2):
            python(env, BEAT_TICK)
        deadline = time.monotonic() + 60
        while python(env, NOTIFIED.format(title=TITLE)) != "1":
            assert time.monotonic() < deadline, (
                "the reminder was not delivered after Redis came back"
            )
            assert worker.poll() is None, "the Celery worker died"
            time.sleep(0.5)
        time.sleep(2)
        assert python(env, NOTIFIED.format(title=TITLE)) == "1"
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_enqueuing_with_redis_down_saves_the_work_and_does_not_raise(stack: Any) -> None:
    redis, env, server = stack
    redis.stop()
    outcome = json.loads(python(env, "import json\n" + ENQUEUE_URGENT).splitlines()[-1])
    assert outcome["saved"] == 1
    assert outcome["seconds"] < 15, "a person should not wait long for a down broker"
    assert outcome["error"] == "", f"enqueuing raised {outcome['error']} with Redis down"
