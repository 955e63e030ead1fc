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


@dataclass(frozen=True)
class Job:
    label: str
    fn: Callable[[Any], dict[str, Any]]


class NotLanded(Exception):
    """The code this job measures does not exist yet."""


class _Rollback(Exception):
    pass


def rolled_back(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run fn in a transaction and undo everything it wrote."""
    try:
        with transaction.atomic():
            out = fn()
            raise _Rollback(out)
    except _Rollback as done:
        return done.args[0]


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

        result = rolled_back(do_import)
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
    """A year of marks for one school through the attendance import, beside raw COPY."""
    if "import_attendance" not in get_commands():
        raise NotLanded("manage.py import_attendance does not exist yet")
    return _attendance_import_vs_copy(ctx)


def _attendance_rows(ctx: Any) -> list[tuple[str, str, str, str, str]]:
    """A whole academic year of marks (the last complete one) for the demo
    school's learners who were on roll all that year: every school session,
    mostly present, with some lateness and absence."""
    from pastoral.models import AcademicYear, Closure, Learner, Term

    today = dt.date.today()
    year = AcademicYear.objects.filter(school=ctx.school, end__lt=today).order_by("-start").first()
    if year is None:
        raise NotLanded("the demo school has no complete academic year to import")
    closed = set(Closure.objects.filter(school=ctx.school).values_list("date", flat=True))
    days = []
    for start, end in Term.objects.filter(academic_year=year).values_list("start", "end"):
        day = start
        while day <= end:
            if day.weekday() < 5 and day not in closed:
                days.append(day.isoformat())
            day += dt.timedelta(days=1)
    learners = list(
        Learner.objects.filter(school=ctx.school, on_roll_from__lte=year.start)
        .order_by("pk")
        .values_list("upn", flat=True)
    )
    rng = random.Random(11)
    rows = []
    for upn in learners:
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


def _attendance_import_vs_copy(ctx: Any) -> dict[str, Any]:
    from attendance.services import marks_import

    rows = _attendance_rows(ctx)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "marks.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["upn", "date", "session", "code", "minutes_late"])
            writer.writerows(rows)

        def do_import() -> dict[str, Any]:
            runs = []
            for _ in range(2):  # the second run is the idempotent re-import
                started = time.perf_counter()
                outcome = marks_import(
                    actor=ctx.users.get("admin"), school=ctx.school, source=path, filename=path.name
                )
                runs.append(time.perf_counter() - started)
                if outcome.errors:
                    raise RuntimeError(
                        f"import refused the file: {[str(e) for e in outcome.errors[:3]]}"
                    )
            return {"import_s": runs[0], "reimport_s": runs[1]}

        result = rolled_back(do_import)

    def do_copy() -> dict[str, Any]:
        ids = dict(ctx.school.learners.values_list("upn", "pk"))
        with connection.cursor() as cursor:
            # Same shape, indexes and constraints as the marks table, empty.
            cursor.execute(
                "CREATE TEMP TABLE bench_mark (LIKE attendance_mark INCLUDING ALL) ON COMMIT DROP"
            )
            started = time.perf_counter()
            with cursor.cursor.copy(
                "COPY bench_mark (school_id, learner_id, date, session, code, minutes_late, "
                "updated_at) FROM STDIN"
            ) as copy:
                now = dt.datetime.now(dt.UTC)
                for upn, day, session, code, late in rows:
                    copy.write_row((ctx.school.pk, ids[upn], day, session, code, late or None, now))
            return {"copy_s": time.perf_counter() - started}

    copy_s = rolled_back(do_copy)["copy_s"]
    rate = len(rows) / result["import_s"]
    return {
        **result,
        "rows": len(rows),
        "rows_per_s": round(rate),
        "copy_s": round(copy_s, 3),
        "ratio": round(result["import_s"] / copy_s, 1),
        "summary": (
            f"{len(rows):,} marks (a year for {len({r[0] for r in rows}):,} learners) in "
            f"{result['import_s']:.1f} s ({rate:,.0f} rows/s); re-import (no changes) "
            f"{result['reimport_s']:.1f} s; raw COPY of the same rows {copy_s:.1f} s "
            f"(import = {result['import_s'] / copy_s:.1f}× COPY; target ≤ 3×)"
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
]
