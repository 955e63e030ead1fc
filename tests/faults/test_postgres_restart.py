"""PostgreSQL goes away under a live server, and comes back.

A real gunicorn (2 workers, DEBUG off) serves the demo school from a private
PostgreSQL cluster; the cluster is stopped in the middle of a burst of
requests and started again. What a user would notice: while the database is
down every page is the friendly "Something went wrong" page (never a
traceback, a gunicorn error or a hung request), /healthz says the database
is down, and once it is back pages work again without restarting anything.

Then the harder case: the database crashes in the middle of a multi-part
write (the learner import) and nothing of it is left behind.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.faults.conftest import (
    ROOT,
    Server,
    app_env,
    fresh_database,
    learner_csv,
    signed_in_cookie,
)

FRIENDLY = "Something went wrong"


@pytest.fixture(scope="module")
def stack(pg_cluster: Any, static_root: Path) -> Iterator[tuple[Any, dict[str, str], Server]]:
    env = app_env(fresh_database(pg_cluster, "restart"), STATIC_ROOT=str(static_root))
    server = Server(env)
    server.start(workers=2)
    try:
        yield pg_cluster, env, server
    finally:
        server.stop()


def _friendly(status: int, body: str) -> bool:
    # 500: the view failed. 400: the request got through but its session could
    # not be saved (Django's SessionInterrupted); templates/400.html says the same.
    return status in (400, 500) and FRIENDLY in body and "Traceback" not in body


def _wait_for(check: Any, timeout: float = 20) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {timeout}s")


def test_requests_fail_cleanly_while_postgres_restarts_and_succeed_after(stack: Any) -> None:
    pg, env, server = stack
    cookie = signed_in_cookie(env, "staff@demo.pastoral.test")
    status, body = server.get("/learners/", cookie)
    assert status == 200, body[:500]
    assert "Learners" in body

    results: list[tuple[float, int, str]] = []
    done = threading.Event()

    def burst() -> None:
        while not done.is_set():
            try:
                status, body = server.get("/learners/?page=2", cookie, timeout=20)
            except Exception as exc:  # a refused or dropped connection is a failure too
                status, body = -1, repr(exc)
            results.append((time.monotonic(), status, body))

    threads = [threading.Thread(target=burst) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        pg.stop("fast")
        time.sleep(1.0)
        # While it is down: the friendly page, and the health check says why.
        status, body = server.get("/learners/", cookie)
        assert _friendly(status, body), (status, body[:500])
        status, body = server.get("/healthz")
        assert status == 503
        assert '"database": {"ok": false' in body
        pg.start()
        recovered = _wait_for(lambda: server.get("/learners/", cookie)[0] == 200)
        time.sleep(1.5)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=30)

    assert len(results) > 20, "the burst should have sent a steady stream of requests"
    unexpected = [(s, b[:300]) for _, s, b in results if s != 200 and not _friendly(s, b)]
    assert not unexpected, f"requests failed other than with the friendly page: {unexpected[:3]}"
    assert any(s in (400, 500) for _, s, _ in results), "some requests hit the outage"
    after = [s for t, s, _ in results if t > recovered + 0.5]
    assert after and all(s == 200 for s in after), f"after recovery: {sorted(set(after))}"
    assert server.get("/healthz")[0] == 200


def test_a_crash_in_the_middle_of_an_import_leaves_nothing_half_written(
    stack: Any, tmp_path: Path
) -> None:
    pg, env, server = stack
    path = tmp_path / "learners.csv"
    learner_csv(path, 1500)
    count_sql = (
        "SELECT count(*) FROM pastoral_learner l JOIN pastoral_school s ON s.id = l.school_id "
        "WHERE s.urn = '136001' AND l.legal_first_name = 'Crash'"
    )
    audit_sql = "SELECT count(*) FROM pastoral_auditevent WHERE action = 'pastoral.import.learners'"
    db = env["DATABASE_URL"].rsplit("/", 1)[1]

    # Hold the audit chain so the import stops just after writing its learners
    # (the audit event is its last step, inside the same transaction)...
    holder = psycopg.connect(env["DATABASE_URL"])
    holder.execute("LOCK TABLE pastoral_auditchainhead IN ACCESS EXCLUSIVE MODE")
    importer = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "import_learners", str(path),
         "--school", "136001"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        # ...wait until it has written rows (it holds a transaction id) and is
        # blocked on the audit chain...
        _wait_for(
            lambda: (
                pg.sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL "
                    "AND query ILIKE '%auditchainhead%'",
                    db=db,
                )
                == "1"
            ),
            timeout=60,
        )
        # ...and crash the database under it.
        pg.stop("immediate")
        output = importer.communicate(timeout=60)[0].decode()
    finally:
        if importer.poll() is None:
            importer.kill()
        with contextlib.suppress(psycopg.Error):
            holder.close()
    assert importer.returncode != 0, output
    pg.start()
    assert pg.sql(count_sql, db=db) == "0", "no learner of the interrupted import survives"
    assert pg.sql(audit_sql, db=db) == "0"

    # The same file imports completely once the database is back.
    _wait_for(lambda: server.get("/healthz")[0] == 200)
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_learners", str(path), "--school", "136001"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert pg.sql(count_sql, db=db) == "1500"
    assert pg.sql(audit_sql, db=db) == "1"
