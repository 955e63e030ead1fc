"""Jobs `make bench` measures beside the pages: imports (next to a raw COPY of
the same rows), PDF generation and reminders.

Imports run inside a transaction that is rolled back afterwards, so the bench
database stays as seeded and runs stay comparable.

Other engineers' benchmarks plug in as modules with a `run()` function:
bench/bench_pdf.py (reports) and bench/bench_reminders.py (reminders).
`run()` is called after django.setup() against the bench database and returns
a dict; its "summary" (a short sentence) goes into the table and the whole
dict into latest.json. A module that does not exist yet is reported as not
landed.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import get_commands
from django.db import connection, transaction

from bench import common


@dataclass(frozen=True)
class Job:
    label: str
    fn: Callable[[Any], dict[str, Any]]


class NotLanded(Exception):
    """The code this job measures does not exist yet."""


def rolled_back(
    fn: Callable[[], dict[str, Any]], *, vacuum: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Run fn in a transaction and undo everything it wrote; then VACUUM the
    tables named, since rolled-back rows stay behind as dead tuples (half a
    million marks a run) that would slow every later job and page that scans them."""
    try:
        with transaction.atomic():
            out = fn()
            raise common.Rollback(out)
    except common.Rollback as done:
        result = done.args[0]
    with connection.cursor() as cursor:
        for table in vacuum:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return result


def run_job(job: Job, ctx: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        details = job.fn(ctx)
        status = "ok"
    except NotLanded as exc:
        details = {"summary": f"not landed: {exc}"}
        status = "not landed"
    except Exception as exc:  # reported in the table: one job must not hide the others
        details = {"summary": f"error: {exc.__class__.__name__}: {exc}"}
        status = "error"
    return {
        "label": job.label,
        "status": status,
        "elapsed_s": round(time.perf_counter() - started, 2),
        **details,
    }


def _learner_rows(count: int) -> list[dict[str, str]]:
    from pastoral.upn import make_upn

    rng = random.Random(7)
    years = [7, 8, 9, 10, 11]
    rows = []
    for n in range(count):
        year = years[n % len(years)]
        rows.append(
            {
                "upn": make_upn(339, 9000 + n // 1000, 10, n % 1000),
                "legal_first_name": rng.choice(["Ada", "Ben", "Cara", "Dev", "Ella", "Finn"]),
                "legal_last_name": rng.choice(["Smith", "Jones", "Patel", "Khan", "Brown"]),
                "date_of_birth": f"{2026 - year - 6}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "gender": "F" if n % 2 else "M",
                "year_group": f"Year {year}",
                "reg_group": f"{year}{'ABCDEFGH'[n % 8]}",
                "sen_status": "KN"[n % 2],
                "pupil_premium": "yes" if n % 4 == 0 else "no",
            }
        )
    return rows


def _bench_school(ctx: Any, urn: str, years: set[int]) -> tuple[Any, dict[int, int]]:
    """A new school with the year and registration groups the rows name."""
    from pastoral.models import RegGroup, School, YearGroup

    school = School.objects.create(
        trust=ctx.school.trust, name=f"Bench School {urn}", urn=urn, la_code="339"
    )
    year_ids = {}
    for n in sorted(years):
        year = YearGroup.objects.create(school=school, number=n, name=f"Year {n}")
        year_ids[n] = year.pk
        RegGroup.objects.bulk_create(
            [RegGroup(school=school, year_group=year, name=f"{n}{x}") for x in "ABCDEFGH"]
        )
    return school, year_ids


def learner_import(ctx: Any) -> dict[str, Any]:
    """The MIS learner import (pastoral.imports.learners) of 1,500 new learners,
    then the same file again (all unchanged), beside a raw COPY of the rows."""
    try:
        from pastoral.imports.learners import LearnerImporter
    except ImportError as exc:
        raise NotLanded(f"the learner import does not exist yet ({exc})")
    rows = _learner_rows(1500)
    years = {int(r["year_group"].split()[-1]) for r in rows}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "learners.csv"
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

        def do_import() -> dict[str, Any]:
            school, _ = _bench_school(ctx, "999001", years)
            actor = ctx.users.get("admin")
            runs = []
            for _ in range(2):  # first run creates; the second proves the idempotent path
                importer = LearnerImporter(school=school, actor=actor, filename=path.name)
                started = time.perf_counter()
                outcome = importer.run(path, dry_run=False)
                runs.append(time.perf_counter() - started)
                if outcome.errors:
                    raise RuntimeError(f"import refused the file: {outcome.errors[:3]}")
            return {
                "import_s": runs[0],
                "reimport_s": runs[1],
                "imported": school.learners.count(),
            }

        result = rolled_back(do_import, vacuum=("pastoral_learner",))
    copy_s = rolled_back(lambda: {"copy_s": _copy_learners(ctx, rows, years)})["copy_s"]
    rate = result["imported"] / result["import_s"] if result["import_s"] else 0
    return {
        **result,
        "copy_s": round(copy_s, 4),
        "rows": len(rows),
        "rows_per_s": round(rate),
        "ratio": round(result["import_s"] / copy_s, 1) if copy_s else None,
        "summary": (
            f"{result['imported']:,} new learners in {result['import_s']:.2f} s "
            f"({rate:,.0f} rows/s, validated, audited); re-import unchanged "
            f"{result['reimport_s']:.2f} s; raw COPY of the same rows {copy_s * 1000:.0f} ms "
            f"(import = {result['import_s'] / copy_s:.0f}× COPY)"
        ),
    }


def _copy_learners(ctx: Any, rows: list[dict[str, str]], years: set[int]) -> float:
    """COPY the same learners straight into the table (no validation, no audit)."""
    school, year_ids = _bench_school(ctx, "999002", years)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(
            "COPY pastoral_learner (school_id, upn, legal_first_name, legal_last_name, "
            "preferred_first_name, preferred_last_name, date_of_birth, gender, year_group_id, "
            "sen_status, pupil_premium, eal, looked_after, cp_status, search_text) FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row(
                    (
                        school.pk,
                        r["upn"],
                        r["legal_first_name"],
                        r["legal_last_name"],
                        "",
                        "",
                        r["date_of_birth"],
                        r["gender"],
                        year_ids[int(r["year_group"].split()[-1])],
                        r["sen_status"],
                        r["pupil_premium"] == "yes",
                        False,
                        False,
                        "",
                        f"{r['legal_first_name']} {r['legal_last_name']} {r['upn']}".lower(),
                    )
                )
    return time.perf_counter() - started


def attendance_import(ctx: Any) -> dict[str, Any]:
    """A year of marks for a 1,500-learner school through the attendance import, beside
    raw COPY (issue #6)."""
    if "import_attendance" not in get_commands():
        raise NotLanded("manage.py import_attendance does not exist yet")
    return _attendance_import_vs_copy(ctx)


# Issue #6: a year of marks for a 1,500-learner school (about 570,000 rows).
ATTENDANCE_LEARNERS = 1500


def _on_roll_all_year(school: Any, year: Any) -> Any:
    from django.db.models import Q

    from pastoral.models import Learner

    return Learner.objects.filter(school=school, on_roll_from__lte=year.start).filter(
        Q(on_roll_until__isnull=True) | Q(on_roll_until__gte=year.end)
    )


def _attendance_school(ctx: Any) -> tuple[Any, Any]:
    """The trust's school with the most learners on roll all of its last complete
    academic year, and that year."""
    from pastoral.models import AcademicYear, School

    today = dt.date.today()
    best: tuple[int, Any, Any] | None = None
    for school in School.objects.filter(trust=ctx.school.trust).order_by("pk"):
        year = AcademicYear.objects.filter(school=school, end__lt=today).order_by("-start").first()
        if year is None:
            continue
        count = _on_roll_all_year(school, year).count()
        if best is None or count > best[0]:
            best = (count, school, year)
    if best is None:
        raise NotLanded("no school of the trust has a complete academic year to import")
    return best[1], best[2]


def _top_up_learners(school: Any, year: Any, count: int) -> list[str]:
    """UPNs of `count` learners on roll all year; learners the school lacks are added
    (inside the bench's rolled-back transaction), as if they joined at the year's start."""
    from pastoral.models import Learner, YearGroup
    from pastoral.upn import make_upn

    upns = list(_on_roll_all_year(school, year).order_by("pk").values_list("upn", flat=True))
    missing = count - len(upns)
    if missing > 0:
        year_group = YearGroup.objects.filter(school=school).order_by("-number").first()
        taken = set(Learner.objects.filter(school=school).values_list("upn", flat=True))
        added = []
        serial = 0
        while len(added) < missing:
            upn = make_upn(339, 9100 + serial // 1000, 11, serial % 1000)
            serial += 1
            if upn in taken:
                continue
            added.append(
                Learner(
                    school=school,
                    upn=upn,
                    legal_first_name="Bench",
                    legal_last_name=f"Learner {serial}",
                    date_of_birth=dt.date(year.start.year - 12, 9, 1),
                    gender="F" if serial % 2 else "M",
                    year_group=year_group,
                    on_roll_from=year.start,
                )
            )
        Learner.objects.bulk_create(added)
        upns += [learner.upn for learner in added]
    return upns[:count]


def _attendance_rows(school: Any, year: Any, upns: list[str]) -> list[tuple[str, ...]]:
    """A whole academic year of marks for these learners: every school session
    (term days that are not weekends or closures), mostly present, with some
    lateness and absence."""
    from pastoral.models import Closure, Term

    closed = set(Closure.objects.filter(school=school).values_list("date", flat=True))
    days = []
    for start, end in Term.objects.filter(academic_year=year).values_list("start", "end"):
        day = start
        while day <= end:
            if day.weekday() < 5 and day not in closed:
                days.append(day.isoformat())
            day += dt.timedelta(days=1)
    rng = random.Random(11)
    rows = []
    for upn in upns:
        for day in days:
            for session, present in (("AM", "/"), ("PM", "\\")):
                roll = rng.random()
                if roll < 0.90:
                    rows.append((upn, day, session, present, ""))
                elif roll < 0.93:
                    rows.append((upn, day, session, "L", str(rng.randrange(1, 30))))
                elif roll < 0.97:
                    rows.append((upn, day, session, "I", ""))
                else:
                    rows.append((upn, day, session, rng.choice("NOGM"), ""))
    return rows


def _timed_copy(cursor: Any, table: str, blocks: list[str]) -> float:
    """Seconds to COPY pre-formatted marks (tab-separated text blocks) into `table`."""
    started = time.perf_counter()
    with cursor.cursor.copy(
        f"COPY {table} (school_id, learner_id, date, session, code, minutes_late, "  # noqa: S608
        "updated_at) FROM STDIN"
    ) as copy:
        for block in blocks:
            copy.write(block)
    return time.perf_counter() - started


def _deferred_checks_s() -> float:
    """Seconds for the foreign-key checks deferred to commit so far (the bench rolls
    back, so they are run here, as the commit would)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return time.perf_counter() - started


def _attendance_import_vs_copy(ctx: Any) -> dict[str, Any]:
    """Everything in one rolled-back transaction: the extra learners, the import of the
    year (a fresh range: the bench data has marks only for the current year), the
    re-import of the same file, and a raw COPY of the same rows into an empty table
    of the same shape."""
    from attendance.imports import marks_import

    school, year = _attendance_school(ctx)
    actor = ctx.users.get("admin")

    def measure() -> dict[str, Any]:
        upns = _top_up_learners(school, year, ATTENDANCE_LEARNERS)
        rows = _attendance_rows(school, year, upns)
        ids = dict(school.learners.values_list("upn", "pk"))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "marks.csv"
            with path.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["upn", "date", "session", "code", "minutes_late"])
                writer.writerows(rows)
            runs = []
            for _ in range(2):  # the second run is the idempotent re-import
                started = time.perf_counter()
                outcome = marks_import(actor=actor, school=school, source=path, filename=path.name)
                runs.append(time.perf_counter() - started)
                if outcome.errors:
                    raise RuntimeError(
                        f"import refused the file: {[str(e) for e in outcome.errors[:3]]}"
                    )
                if len(runs) == 1:
                    created = outcome.plan.counts["created"]
                    # The marks table's foreign keys are checked at commit (deferred); the
                    # bench rolls back, so this is what the commit would add to the import.
                    fk_s = _deferred_checks_s()
        # The raw COPY's text is made before the clock starts: the floor is the
        # database's own work on the same rows.
        now = dt.datetime.now(dt.UTC).isoformat()
        escaped = {code: code.replace("\\", "\\\\") for code in {r[3] for r in rows}}
        null = "\\N"
        lines = [
            f"{school.pk}\t{ids[upn]}\t{day}\t{session}\t{escaped[code]}\t{late or null}\t{now}\n"
            for upn, day, session, code, late in rows
        ]
        blocks = ["".join(lines[i : i + 50_000]) for i in range(0, len(lines), 50_000)]
        with connection.cursor() as cursor:
            # Same shape, indexes and constraints as the marks table, empty.
            cursor.execute(
                "CREATE TEMP TABLE bench_mark (LIKE attendance_mark INCLUDING ALL) ON COMMIT DROP"
            )
            copy_s = _timed_copy(cursor, "bench_mark", blocks)
            cursor.execute("SELECT count(*) FROM bench_mark WHERE code = %s", ["\\"])
            if cursor.fetchone()[0] == 0:
                raise RuntimeError("the raw COPY lost the PM present marks")
            # The same COPY into a table exactly like the marks table: logged, with
            # its indexes and its three foreign keys (checked, as there, at commit).
            # A permanent table, dropped with the rest when the bench rolls back.
            cursor.execute("CREATE TABLE bench_mark_full (LIKE attendance_mark INCLUDING ALL)")
            for column, target in (
                ("school_id", "pastoral_school"),
                ("learner_id", "pastoral_learner"),
                ("import_job_id", "attendance_importjob"),
            ):
                cursor.execute(
                    f"ALTER TABLE bench_mark_full ADD FOREIGN KEY ({column}) "  # noqa: S608
                    f"REFERENCES {target} (id) DEFERRABLE INITIALLY DEFERRED"
                )
            full_copy_s = _timed_copy(cursor, "bench_mark_full", blocks)
            full_copy_fk_s = _deferred_checks_s()
        return {
            "school": school.name,
            "learners": len(upns),
            "rows": len(rows),
            "created": created,
            "import_s": runs[0],
            "reimport_s": runs[1],
            "fk_checks_at_commit_s": fk_s,
            "copy_s": copy_s,
            "full_copy_s": full_copy_s,
            "full_copy_fk_s": full_copy_fk_s,
        }

    result = rolled_back(measure, vacuum=("attendance_mark", "attendance_markchange"))
    rows, import_s, copy_s = result["rows"], result["import_s"], result["copy_s"]
    rate = rows / import_s
    # End to end, as a user waits for it: the import and its commit-time foreign-key
    # checks, beside a COPY into an identical table (logged, same keys) and its checks.
    end_to_end_s = import_s + result["fk_checks_at_commit_s"]
    full_floor_s = result["full_copy_s"] + result["full_copy_fk_s"]
    return {
        **result,
        "import_s": round(import_s, 2),
        "reimport_s": round(result["reimport_s"], 2),
        "fk_checks_at_commit_s": round(result["fk_checks_at_commit_s"], 2),
        "copy_s": round(copy_s, 2),
        "full_copy_s": round(result["full_copy_s"], 2),
        "full_copy_fk_s": round(result["full_copy_fk_s"], 2),
        "rows_per_s": round(rate),
        "ratio": round(import_s / copy_s, 1),
        "end_to_end_ratio": round(end_to_end_s / full_floor_s, 1),
        "summary": (
            f"{rows:,} marks (a year for {result['learners']:,} learners of "
            f"{result['school']}) in {import_s:.1f} s ({rate:,.0f} rows/s); re-import "
            f"(no changes) {result['reimport_s']:.1f} s; raw COPY of the same rows into an "
            f"empty temporary table of the same shape (no WAL, no foreign keys) {copy_s:.1f} s "
            f"(import = {import_s / copy_s:.1f}× COPY; target ≤ 3×). End to end with the "
            f"commit's foreign-key checks: import {end_to_end_s:.1f} s "
            f"({result['fk_checks_at_commit_s']:.1f} s of checks) beside a COPY into a table "
            f"exactly like the marks table (logged, same keys) {full_floor_s:.1f} s "
            f"({result['full_copy_fk_s']:.1f} s of checks) = {end_to_end_s / full_floor_s:.1f}×"
        ),
    }


def _plugin(name: str) -> Any:
    try:
        return importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"bench.{name}":
            return None
        raise


def _plugin_job(name: str, what: str) -> Callable[[Any], dict[str, Any]]:
    def job(ctx: Any) -> dict[str, Any]:
        module = _plugin(name)
        if module is None:
            raise NotLanded(f"bench/{name}.py ({what}) does not exist yet")
        out = module.run()
        if not isinstance(out, dict):
            out = {"result": out}
        out.setdefault(
            "summary",
            ", ".join(f"{k}: {v}" for k, v in out.items() if isinstance(v, int | float | str)),
        )
        return out

    return job


JOBS: list[Job] = [
    Job("Learner import (1,500 rows) vs raw COPY", learner_import),
    Job("Attendance import (a year of marks) vs raw COPY", attendance_import),
    Job("PDF: transfer report (bench/bench_pdf.py)", _plugin_job("bench_pdf", "reports")),
    Job("Reminders (bench/bench_reminders.py)", _plugin_job("bench_reminders", "reminders")),
    Job(
        "Exports: 2,000 learners as CSV and XLSX (bench/bench_exports.py)",
        _plugin_job("bench_exports", "exports"),
    ),
    Job(
        "Trust dashboard at 20 schools vs raw SQL (bench/bench_trust.py)",
        _plugin_job("bench_trust", "trust oversight"),
    ),
]
