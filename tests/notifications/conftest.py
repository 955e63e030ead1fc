"""The worker database shared by the real-process tests (workers, concurrent runs).

The pytest test database lives inside the pytest process (an in-memory SQLite
database, or PostgreSQL rows inside a transaction), so a worker subprocess
cannot see it. These tests give their subprocesses a database of their own (a
SQLite file, or a fresh PostgreSQL database when the suite runs on
PostgreSQL), migrated and seeded by subprocess jobs
(tests/notifications/worker_jobs.py) and read back with plain SQL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# Our own queue on the test Redis: other test runs sharing it (another
# checkout, another engineer) never take our tasks, nor we theirs.
QUEUE = f"pastoral-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@dataclass
class WorkerDatabase:
    url: str
    vendor: str
    sqlite_path: str = ""
    pg_params: dict[str, Any] | None = None

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DEBUG": "1",
            "REDIS_URL": REDIS_URL,
            "CELERY_QUEUE": QUEUE,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CACHE_USE_REDIS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
        env.update(extra)
        return env

    def job(self, name: str, **kwargs: Any) -> Any:
        result = subprocess.run(
            [sys.executable, "-m", "tests.notifications.worker_jobs", name, json.dumps(kwargs)],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.sqlite_path, timeout=30) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(**self.pg_params, autocommit=True) as db:  # type: ignore[arg-type]
            cursor = db.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def scalar(self, sql: str) -> Any:
        return self.query(sql)[0][0]


@pytest.fixture(scope="module")
def worker_db(tmp_path_factory: Any, django_db_blocker: Any) -> Iterator[WorkerDatabase]:
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        name = f"pastoral_worker_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        params = {
            "host": settings_dict["HOST"] or "127.0.0.1",
            "port": settings_dict["PORT"] or 5432,
            "user": settings_dict["USER"],
            "password": settings_dict["PASSWORD"] or None,
        }
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        auth = settings_dict["USER"] + (
            f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        )
        db = WorkerDatabase(
            url=f"postgres://{auth}@{params['host']}:{params['port']}/{name}"
            "?application_name=pastoral-worker-test",
            vendor="postgresql",
            pg_params={**params, "dbname": name},
        )
    else:
        path = tmp_path_factory.mktemp("worker") / "worker.sqlite3"
        db = WorkerDatabase(url=f"sqlite:///{path}", vendor="sqlite", sqlite_path=str(path))
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks"],
        cwd=ROOT,
        env=db.env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    yield db
    if db.vendor == "postgresql":
        import psycopg

        assert db.pg_params is not None
        with psycopg.connect(**{**db.pg_params, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db.pg_params["dbname"]}" WITH (FORCE)')


def reset(db: WorkerDatabase) -> None:
    for table in ("notifications_notification", "notifications_reminder"):
        db.query(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


def delivery_counts(db: WorkerDatabase) -> tuple[int, int, int, int]:
    """(sent reminders, pending reminders, notifications, distinct reminders notified)."""
    return db.query(
        "SELECT "
        "(SELECT count(*) FROM notifications_reminder WHERE state = 'sent'), "
        "(SELECT count(*) FROM notifications_reminder WHERE state = 'pending'), "
        "(SELECT count(*) FROM notifications_notification), "
        "(SELECT count(DISTINCT reminder_id) FROM notifications_notification)"
    )[0]
