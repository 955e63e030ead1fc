"""Two web nodes, one Celery worker and beat, pgbouncer in front of PostgreSQL,
Redis: what a school or trust runs when one machine is not enough
(docs/scaling.md).

Both gunicorn nodes reach PostgreSQL only through pgbouncer in transaction
mode (DATABASE_POOLER=pgbouncer) and keep private files in the database
(PRIVATE_STORAGE=database), each with its own, empty PRIVATE_STORAGE_ROOT, so
that nothing can pass between them on a local disk. What a person would
notice: signing in on one node and carrying on on the other; an attachment
logged on node A downloaded whole on node B; a transfer report made by the
worker (not by a web node) downloaded on node B; a reminder due once is
delivered once, though beat's tick is sent from both nodes at the same time;
and the page views of both nodes sealed into the audit chain by beat.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import (
    ROOT,
    Server,
    _as_postgres,
    app_env,
    free_port,
    fresh_database,
    private_redis,
    python,
    require_binaries,
)
from tests.faults.reminder_kind import TITLE

DSL = "dsl@demo.pastoral.test"
PDF = (
    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n% multi-node "
    + secrets.token_hex(8).encode()
)


# --- pgbouncer ------------------------------------------------------------------


@contextlib.contextmanager
def pgbouncer(pg_port: int, database: str) -> Iterator[int]:
    """pgbouncer (Debian's package) in transaction mode, on a free port."""
    require_binaries("pgbouncer")
    base = Path(tempfile.mkdtemp(prefix="pastoral-pgbouncer-"))
    port = free_port()
    (base / "userlist.txt").write_text('"postgres" ""\n')
    (base / "pgbouncer.ini").write_text(
        f"[databases]\n{database} = host=127.0.0.1 port={pg_port} dbname={database}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {base}/userlist.txt\n"
        "pool_mode = transaction\nmax_client_conn = 200\ndefault_pool_size = 20\n"
        f"logfile = {base}/pgbouncer.log\npidfile = {base}/pgbouncer.pid\n"
    )
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        for path in (base, *base.iterdir()):
            shutil.chown(path, "postgres")
    process = subprocess.Popen(
        [*_as_postgres(), "pgbouncer", str(base / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, (base / "pgbouncer.log").read_text()[-2000:]
            with contextlib.suppress(OSError):
                import socket

                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            assert time.monotonic() < deadline, "pgbouncer did not start listening"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(base, ignore_errors=True)


# --- a browser's worth of HTTP ----------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Visitor:
    """One person's cookies, sent to whichever node is asked (as a load
    balancer would); cookies are kept by hand because DEBUG off marks them
    Secure and these nodes speak plain HTTP on loopback."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, base: str, path: str, data: dict[str, Any] | None = None, files: Any = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body: bytes | None = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            if files:
                boundary = secrets.token_hex(12)
                body = _multipart(boundary, data, files)
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urllib.parse.urlencode(data, doseq=True).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = base + path
        request = urllib.request.Request(base + path, data=body, headers=headers)  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=60)
            status, got, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, got, content = error.code, error.headers, error.read()
        for header in got.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return status, dict(got.items()), content


def _multipart(
    boundary: str, data: dict[str, Any], files: dict[str, tuple[str, bytes, str]]
) -> bytes:
    parts: list[bytes] = []
    for name, values in data.items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


# --- the stack ------------------------------------------------------------------------


@dataclass
class Stack:
    env: dict[str, str]
    a: Server
    b: Server
    processes: list[subprocess.Popen[bytes]]
    roots: list[Path]


def _celery(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "pastoral", *args],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture(scope="module")
def stack(pg_cluster: Any, static_root: Path, tmp_path_factory: Any) -> Iterator[Stack]:
    require_binaries("redis-server", "pgbouncer")
    fresh_database(pg_cluster, "multi_node")
    with private_redis() as redis, pgbouncer(pg_cluster.port, "multi_node") as bouncer:
        url = f"postgres://postgres@127.0.0.1:{bouncer}/multi_node"
        roots = [tmp_path_factory.mktemp(name) for name in ("node_a", "node_b", "worker")]
        common = {
            "STATIC_ROOT": str(static_root),
            "REDIS_URL": redis.url,
            "ALLOW_IN_PROCESS_TASKS": "0",
            "DATABASE_POOLER": "pgbouncer",
            "PRIVATE_STORAGE": "database",
            "AUDIT_SEAL_SECONDS": "1",
        }
        envs = [app_env(url, PRIVATE_STORAGE_ROOT=str(root), **common) for root in roots]
        a, b = Server(envs[0]), Server(envs[1])
        worker_env = envs[2]
        processes = [
            _celery(worker_env, "worker", "--pool", "solo", "--loglevel", "WARNING",
                    "--without-gossip", "--without-mingle",
                    "--include", "tests.faults.reminder_kind"),
            _celery(worker_env, "beat", "--loglevel", "WARNING",
                    "--schedule", str(roots[2] / "celerybeat-schedule")),
        ]  # fmt: skip
        a.start(workers=2)
        b.start(workers=2)
        try:
            yield Stack(worker_env, a, b, processes, roots)
        finally:
            a.stop()
            b.stop()
            for process in processes:
                process.terminate()
                process.wait(timeout=30)


def _sign_in_on(server: Server, env: dict[str, str]) -> Visitor:
    """The real sign-in form and the code page, on one node."""
    visitor = Visitor()
    visitor.request(server.base, "/accounts/login/")
    status, headers, _ = visitor.request(
        server.base, "/accounts/login/", {"username": DSL, "password": "pastoral-demo-2026"}
    )
    assert status == 302, "the password was refused"
    code = python(
        env,
        "from pastoral.models import User\n"
        "from tests.auth import totp_code, totp_device\n"
        f"print(totp_code(totp_device(User.objects.get(email={DSL!r}))))",
    ).splitlines()[-1]
    status, headers, _ = visitor.request(server.base, "/accounts/two-factor/", {"code": code})
    assert status == 302, "the second factor was refused"
    return visitor


def _wait_for(env: dict[str, str], code: str, expected: str, what: str, stack: Stack) -> None:
    deadline = time.monotonic() + 90
    while (got := python(env, code).splitlines()[-1]) != expected:
        assert all(p.poll() is None for p in stack.processes), "the worker or beat died"
        assert time.monotonic() < deadline, f"{what}: {got!r}, expected {expected!r}"
        time.sleep(0.5)


def test_two_nodes_behind_pgbouncer_share_sessions_files_reports_and_reminders(
    stack: Stack,
) -> None:
    from django.urls import reverse

    from caseload.reports.transfer import TRANSFER_SECTIONS

    env, a, b = stack.env, stack.a, stack.b
    facts = python(
        env,
        "from pastoral.models import Learner, School\n"
        "from safeguarding.models import Category\n"
        "school = School.objects.get(urn='136001')\n"
        "learner = Learner.objects.filter(school=school).order_by('pk').first()\n"
        "category = Category.objects.get(school=school, name='Neglect')\n"
        "print(learner.pk, category.pk, learner.legal_last_name)",
    ).splitlines()[-1]
    learner_pk, category_pk, surname = facts.split()

    # 1. Signed in on A, the same session works on B.
    dsl = _sign_in_on(a, env)
    status, _, page = dsl.request(b.base, "/")
    assert status == 200 and b"Sign out" in page, page[:500]

    # 2. A concern with an attachment, logged on A, downloaded whole on B.
    status, headers, _ = dsl.request(
        a.base,
        reverse("safeguarding:concern-new"),
        {
            "learners": [learner_pk],
            "occurred_at": time.strftime("%Y-%m-%dT%H:%M"),
            "location": "Corridor",
            "categories": [category_pk],
            "description": "Logged on node A.",
            "action_taken": "Spoke to them.",
        },
        files={"attachments": ("note.pdf", PDF, "application/pdf")},
    )
    assert status == 302, "the concern was not saved"
    attachment_pk = python(
        env,
        "from safeguarding.models import Attachment\n"
        "from pastoral.models import StoredFile\n"
        "a = Attachment.objects.get(concern__description='Logged on node A.')\n"
        "assert StoredFile.objects.filter(name=a.file.name).exists()\n"
        "print(a.pk)",
    ).splitlines()[-1]
    status, _, content = dsl.request(
        b.base, reverse("safeguarding:attachment", args=[attachment_pk])
    )
    assert status == 200 and content == PDF
    assert all(not any(root.rglob("*.pdf")) for root in stack.roots), "a file reached a disk"

    # 3. A transfer report requested on A is made by the worker and served by B.
    status, headers, _ = dsl.request(
        a.base,
        reverse("caseload_reports:transfer", args=[learner_pk]),
        {"sections": [key for key, _ in TRANSFER_SECTIONS], "destination": "Elsewhere High"},
    )
    assert status == 302
    job_pk = re.search(r"/reports/(\d+)/", headers["Location"]).group(1)  # type: ignore[union-attr]
    _wait_for(
        env,
        f"from pastoral.reports.models import ReportJob\n"
        f"j = ReportJob.objects.get(pk={job_pk})\nprint(j.status, j.background)",
        "done True",
        "the worker did not make the report",
        stack,
    )
    status, headers, content = dsl.request(b.base, reverse("reports:job-download", args=[job_pk]))
    assert status == 200 and content.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert surname in text and "Elsewhere High" in " ".join(text.split())

    # 4. Beat's reminder tick sent from both nodes at once: delivered once.
    tick = "from pastoral.notifications.tasks import run_reminders\nrun_reminders.delay()\nprint('queued')"
    node_envs = [a.env, b.env]
    threads = [threading.Thread(target=python, args=(e, tick)) for e in node_envs for _ in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    count = (
        "from pastoral.notifications.models import Notification\n"
        f"print(Notification.objects.filter(title={TITLE!r}, recipient__email={DSL!r}).count())"
    )
    _wait_for(env, count, "1", "the reminder was not delivered", stack)
    time.sleep(3)
    assert python(env, count).splitlines()[-1] == "1", "the reminder was delivered twice"

    # 5. Both nodes' page views are sealed into the chain by beat.
    _wait_for(
        env,
        "from pastoral.models import AuditEvent\n"
        "print(AuditEvent.objects.filter(seq__isnull=True).count())",
        "0",
        "beat did not seal the read events",
        stack,
    )
    verified = python(env, "from django.core.management import call_command\n"
                              "call_command('verify_audit')")  # fmt: skip
    assert "intact" in verified, verified
