#!/usr/bin/env python
"""`make bench`: Pastoral at trust scale, page by page and job by job.

Builds (or reuses) the PostgreSQL database `pastoral_bench` with
`seed_demo --scale trust`, then for each page in bench/pages.py, signed in
as the page's role with a verified second factor, measures through the real
middleware stack (Django's test client against the real database, DEBUG off):

- server time: median and p95 over --repeat requests (after warm-up),
- the number of SQL queries one request makes,
- the raw SQL that fetches the same rows, timed the same way, and the ratio,
- Django admin's change list for the same model, where one exists,

then the jobs of bench/jobs.py (imports beside raw COPY, PDF, reminders).
Writes bench/results/latest.json and bench/results/latest.md.

    .venv/bin/python bench/run.py [--repeat 30] [--only learner] [--rebuild] [--skip-jobs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(samples_ms: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "min_ms": round(min(samples_ms), 2),
        "n": len(samples_ms),
    }


def superuser() -> Any:
    from pastoral.models import User

    user = User.objects.filter(email=common.BENCH_SUPERUSER).first()
    if user is None:
        user = User.objects.create_superuser(
            email=common.BENCH_SUPERUSER, password=None, full_name="Bench superuser"
        )
    return user


def _request_probe(client: Any, url: str, headers: dict[str, str]) -> Any:
    """Warm the page up and count its queries; returns (facts, one timed request) or
    (error, None)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm-up: template and connection caches
        response = client.get(url, **headers)
        if response.status_code != 200:
            return {"status": response.status_code, "error": f"HTTP {response.status_code}"}, None
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    # Read now: the next request's request_started signal empties the log.
    facts = {
        "status": response.status_code,
        "queries": len(queries.captured_queries),
        "bytes": len(response.content),
    }

    def once() -> float:
        started = time.perf_counter()
        client.get(url, **headers)
        return (time.perf_counter() - started) * 1000

    return facts, once


def _sql_probe(sql: str | list[str] | list[tuple[str, Any]], params: Any) -> Any:
    """Warm the raw SQL up (one statement, or a list run one after another and timed
    together, each a string using `params` or its own (sql, params)); returns
    (facts, one timed run)."""
    from django.db import connection

    if isinstance(sql, str):
        statements = [(sql, params)]
    else:
        statements = [(s, params) if isinstance(s, str) else s for s in sql]

    def run() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for text, args in statements:
                cursor.execute(text, args)
                rows += len(cursor.fetchall())
        return rows

    for _ in range(3):
        rows = run()
    facts: dict[str, Any] = {"rows": rows}
    if len(statements) > 1:
        facts["statements"] = len(statements)

    def once() -> float:
        # Untimed: after a request, Django's first use of the connection checks
        # that it is still usable (a round trip the floor should not carry).
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        started = time.perf_counter()
        run()
        return (time.perf_counter() - started) * 1000

    return facts, once


def time_request(client: Any, url: str, headers: dict[str, str], repeat: int) -> dict[str, Any]:
    facts, once = _request_probe(client, url, headers)
    if once is None:
        return facts
    return {**facts, **summarise([once() for _ in range(repeat)])}


def time_page_and_sql(
    client: Any, url: str, headers: dict[str, str], sql: Any, params: Any, repeat: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page and its raw SQL, timed in alternation (page, SQL, page, SQL, ...):
    whatever else the machine is doing slows both alike, so the ratio holds."""
    server, page_once = _request_probe(client, url, headers)
    sql_facts, sql_once = _sql_probe(sql, params)
    if page_once is None:
        return server, {**sql_facts, **summarise([sql_once() for _ in range(repeat)])}
    page_samples, sql_samples = [], []
    for _ in range(repeat):
        page_samples.append(page_once())
        sql_samples.append(sql_once())
    return {**server, **summarise(page_samples)}, {**sql_facts, **summarise(sql_samples)}


def url_exists(name: str) -> bool:
    from django.urls import NoReverseMatch, get_resolver

    try:
        # Any pattern with that name, whatever its arguments.
        namespace, _, short = name.rpartition(":")
        resolver = get_resolver()
        for part in filter(None, namespace.split(":")):
            resolver = resolver.namespace_dict[part][1]
        return short in resolver.reverse_dict
    except (KeyError, NoReverseMatch):
        return False


def measure_page(page: Any, ctx: Any, repeat: int, admin_client: Any) -> dict[str, Any]:
    from django.urls import reverse

    result: dict[str, Any] = {
        "label": page.label,
        "url_name": page.url_name,
        "role": page.role,
        "target_ratio": page.target_ratio,
    }
    if not url_exists(page.url_name):
        result["status"] = "not landed"
        return result
    school = ctx.school
    if page.signed_in_as is not None:
        user, school = page.signed_in_as(ctx)
    else:
        user = ctx.users.get(page.role)
    if user is None:
        result["status"] = f"no demo sign-in for role {page.role}"
        return result
    try:
        url = reverse(page.url_name, kwargs=page.kwargs(ctx))
        query = page.query(ctx)
        url = f"{url}?{query}" if query else url
        headers = dict(page.headers)
        if page.htmx:
            headers["HTTP_HX_REQUEST"] = "true"
        client = common.signed_in_client(user, school)
        result["url"] = url
        if callable(page.sql):
            raw = page.sql(ctx)
            sql, params = (raw, None) if isinstance(raw, list) else raw
        else:
            sql, params = page.sql, page.params(ctx)
        result["server"], result["sql"] = time_page_and_sql(
            client, url, headers, sql, params, repeat
        )
        result["notes"] = page.notes
        result["raw_from_orm"] = callable(page.sql)
        if "median_ms" in result["server"]:
            result["ratio"] = round(
                result["server"]["median_ms"] / max(result["sql"]["median_ms"], 0.001), 1
            )
        if page.admin is not None:
            admin_url = reverse(page.admin.url_name)
            admin_query = page.admin.query(ctx)
            admin_url = f"{admin_url}?{admin_query}" if admin_query else admin_url
            result["admin"] = {
                "url": admin_url,
                **time_request(admin_client, admin_url, {}, repeat),
            }
        result["status"] = "ok" if result["server"].get("status") == 200 else "error"
    except Exception as exc:  # one broken page must not hide the others' figures
        result["status"] = "error"
        result["error"] = f"{exc.__class__.__name__}: {exc}"
    return result


def fmt(value: Any, unit: str = "") -> str:
    if value is None or value == "":
        return "–"
    return f"{value}{unit}"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Benchmark run {report['finished_at']} on {common.machine_line(report['machine'])}.",
        f"Data: `seed_demo --scale trust`: {report['database']['schools']} schools, "
        f"{report['database']['learners']:,} learners, {report['database']['users']:,} users; "
        f"pages measured at the demo school (Oakfield Academy, 1,100 learners), "
        f"{report['repeat']} requests each after 3 warm-up, DEBUG off, test client through "
        "the full middleware stack.",
        "",
        "| page (role) | queries | server median | server p95 | raw SQL median | ratio | admin change list median |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in report["pages"]:
        if page["status"] == "not landed":
            continue
        server = page.get("server", {})
        sql = page.get("sql", {})
        admin = page.get("admin", {})
        if page["status"] != "ok":
            err = page.get("error") or server.get("error") or page["status"]
            lines.append(f"| {page['label']} | error: {err} | | | | | |")
            continue
        ratio = page.get("ratio")
        flag = " ⚠" if ratio is not None and ratio > page["target_ratio"] else ""
        mark = " †" if page.get("raw_from_orm") else ""
        lines.append(
            f"| {page['label']}{mark} | {server['queries']} | {server['median_ms']:.1f} ms | "
            f"{server['p95_ms']:.1f} ms | {sql['median_ms']:.2f} ms | {ratio}×{flag} | "
            f"{fmt(admin.get('median_ms'), ' ms')} |"
        )
    notes = [f"{p['label']}: {p['notes']}" for p in report["pages"] if p.get("notes")]
    if notes:
        lines += ["", "Raw SQL per page: " + "; ".join(notes) + "."]
    missing = [p["label"] for p in report["pages"] if p["status"] == "not landed"]
    if report.get("expected_missing"):
        missing += [f"{app}: {label}" for app, label in report["expected_missing"]]
    if report["jobs"]:
        lines += ["", "| job | result |", "| --- | --- |"]
        for job in report["jobs"]:
            lines.append(f"| {job['label']} | {job['summary']} |")
    if missing:
        lines += ["", "Not measured yet (not landed when this ran): " + "; ".join(missing) + "."]
    lines += [
        "",
        "ratio = server median / raw SQL median (target ≤ 10×; ⚠ marks a page above it). "
        "The raw SQL fetches the same rows with hand-written SQL on the same connection (one "
        "query, or for the learner profile one statement per section, timed together), in "
        "alternation with the page; for pages marked † it is the page's own main selector "
        "query, compiled by the ORM and run directly (the floor for that page).",
        f"Whole run: {report['elapsed_s']:.0f} s. Load average (1/5/15 min) at start "
        f"{report['machine']['load_average_at_start']}, at end {report['load_average_at_end']} "
        f"on {report['machine']['cores']} cores: other work on the machine inflates the times.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--only", default="", help="measure only pages/jobs whose label has this")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the bench DB")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the bench DB even if the seed changed"
    )
    parser.add_argument("--skip-jobs", action="store_true", help="pages only")
    parser.add_argument("--out", default=str(common.RESULTS), help="results directory")
    args = parser.parse_args(argv)

    started = time.monotonic()
    db_facts = common.ensure_database(rebuild=args.rebuild, reuse=args.reuse)
    common.apply_env()
    import django

    django.setup()
    from bench import jobs
    from bench.pages import EXPECTED, PAGES, Ctx

    machine = common.machine()
    ctx = Ctx()
    from bench.fixtures import ensure_history, ensure_safeguarding

    fixtures = ensure_safeguarding(ctx)
    if fixtures.get("concerns_added"):
        print(f"Added {fixtures['concerns_added']} benchmark concerns.", flush=True)
    history = ensure_history(ctx)
    if history:
        print(f"Added five years of history to the profile learner: {history}.", flush=True)
    if fixtures.get("concerns_added") or history:
        # As autovacuum would, given time: plans measured on stale statistics mislead.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin_client = common.signed_in_client(superuser(), ctx.school)
    only = args.only.lower()
    pages = []
    for page in PAGES:
        if only and only not in page.label.lower():
            continue
        print(f"page: {page.label} …", flush=True)
        result = measure_page(page, ctx, args.repeat, admin_client)
        pages.append(result)
        server = result.get("server", {})
        print(
            f"   {result['status']}: {server.get('median_ms', '-')} ms median, "
            f"{server.get('queries', '-')} queries, ratio {result.get('ratio', '-')}",
            flush=True,
        )
    expected_missing = list(EXPECTED)
    job_results = []
    if not args.skip_jobs:
        for job in jobs.JOBS:
            if only and only not in job.label.lower():
                continue
            print(f"job: {job.label} …", flush=True)
            outcome = jobs.run_job(job, ctx)
            print(f"   {outcome['summary']}", flush=True)
            job_results.append(outcome)

    report = {
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine,
        "database": db_facts,
        "repeat": args.repeat,
        "pages": pages,
        "expected_missing": expected_missing,
        "jobs": job_results,
        "elapsed_s": round(time.monotonic() - started, 1),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / "latest.md").write_text(markdown(report))
    print(f"\nWrote {out / 'latest.json'} and {out / 'latest.md'}:\n")
    print(markdown(report))
    failed = [p for p in pages if p["status"] == "error"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
