"""A backup and restore round trip with pg_dump / pg_restore.

What an administrator restoring last night's backup needs to know: the
restored database holds the same records, the audit trail in it still proves
itself with `manage.py verify_audit`, its append-only trigger came back with
it, and tampering with the restored copy is still caught.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.faults.conftest import ROOT, app_env, fresh_database, learner_csv, manage, python

MAKE_EVENTS = """
from django.db import transaction
from pastoral import audit
from pastoral.models import Learner, School, User
dsl = User.objects.get(email="dsl@demo.pastoral.test")
with transaction.atomic():
    for school in School.objects.order_by("pk"):
        for learner in Learner.objects.filter(school=school).order_by("pk")[:20]:
            audit.record("pastoral.learner.viewed", actor=dsl, school=school, obj=learner,
                         changes={"note": "restore test <b>&</b> ünïcode"})
    audit.record("accounts.signin.succeeded", actor=dsl, school=None, obj=dsl)
"""

COUNTS = (
    "SELECT (SELECT count(*) FROM pastoral_learner) || ' ' || "
    "(SELECT count(*) FROM pastoral_auditevent) || ' ' || "
    "(SELECT count(*) FROM pastoral_contact) || ' ' || "
    "(SELECT coalesce(max(hash), '') FROM pastoral_auditevent)"
)


def _verify(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "verify_audit", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_restored_backup_has_the_same_records_and_an_intact_audit_trail(
    pg_cluster: Any, tmp_path: Path
) -> None:
    pg = pg_cluster
    env = app_env(fresh_database(pg, "backup_source"))
    learner_csv(tmp_path / "learners.csv", 200, first_name="Restored")
    manage(env, "import_learners", str(tmp_path / "learners.csv"), "--school", "136001")
    python(env, MAKE_EVENTS)
    before = _verify(env)
    assert before.returncode == 0, before.stderr
    assert "intact" in before.stdout
    # Last night's signed checkpoint, kept outside the database.
    manage(env, "audit_checkpoint", "--dir", str(tmp_path / "checkpoints"))

    dump = tmp_path / "pastoral.dump"
    out = pg.tool(
        "pg_dump", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
        "--format=custom", "--file", str(dump), "backup_source",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    pg.sql("DROP DATABASE IF EXISTS backup_restored WITH (FORCE)", db="postgres")
    pg.sql("CREATE DATABASE backup_restored", db="postgres")
    out = pg.tool(
        "pg_restore", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
        "--exit-on-error", "--dbname", "backup_restored", str(dump),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr

    assert pg.sql(COUNTS, db="backup_restored") == pg.sql(COUNTS, db="backup_source")
    restored_env = app_env(pg.url("backup_restored"))
    after = _verify(restored_env, "--checkpoints", str(tmp_path / "checkpoints"))
    assert after.returncode == 0, after.stderr
    # The same number of events checked, and the restored trail extends the checkpoint.
    assert after.stdout.strip().splitlines()[-1] == before.stdout.strip().splitlines()[-1]
    assert "All 1 checkpoint(s) are extended" in after.stdout

    # The append-only trigger was restored with the table.
    refused = pg.tool(
        "psql", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", "backup_restored",
        "-c", "UPDATE pastoral_auditevent SET action = 'x' WHERE id = (SELECT min(id) FROM pastoral_auditevent)",
    )  # fmt: skip
    assert refused.returncode != 0
    assert "append-only" in refused.stderr

    # Someone with superuser rights bypasses the trigger on the restored copy:
    # verify_audit notices and names the event.
    victim = pg.sql(
        "SELECT id FROM pastoral_auditevent WHERE action = 'pastoral.learner.viewed' "
        "ORDER BY id LIMIT 1 OFFSET 5",
        db="backup_restored",
    )
    tamper = (
        "SET session_replication_role = replica; "
        "UPDATE pastoral_auditevent SET object_id = object_id || '-altered' "
    )
    pg.sql(tamper + f"WHERE id = {int(victim)}", db="backup_restored")
    tampered = _verify(restored_env)
    assert tampered.returncode != 0
    assert f"id={victim}" in tampered.stderr
