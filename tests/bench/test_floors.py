"""The bench's floors are honest: each page's raw SQL (bench/pages.py) returns
the rows the page shows, in the page's order, with the values it shows.

A small but realistic school (more learners, allocations and concerns than a
page holds, preferred names, plans due and overdue, marks over eight weeks) is
built with the project's factories and services; each bench page is requested
as the bench requests it (its role, its URL, its query) and its rendered
context is compared with the floor's rows. A floor that fetches fewer rows or
columns, another order or another person's view fails here; a new Page
without a check below fails too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.pages import PAGES, Ctx, Page
from caseload.selectors.casework import RAG_OF_URGENCY
from pastoral.access import scope_for
from pastoral.models import Learner, RegGroup
from tests.caseload.factories import allocate, make_contact, make_group, make_plan, make_session
from tests.conftest import sign_in
from tests.factories import LearnerFactory, RegGroupFactory

pytestmark = pytest.mark.postgres


# ---------------------------------------------------------------------------
# The school


def _build(world: Any) -> Ctx:
    from attendance.models import Mark as AttendanceMark
    from attendance.models import Target
    from safeguarding import selectors as sg_selectors
    from safeguarding import services as sg
    from safeguarding.models import Category, ConcernAction
    from tests.safeguarding.helpers import log_concern, triage

    school, year9, year10 = world.school, world.year9, world.year10
    rg9 = RegGroup.objects.get(year_group=year9, name="9A")
    rg9b = RegGroupFactory(year_group=year9, name="9B")
    rg10 = RegGroupFactory(year_group=year10, name="10A")
    # The first learner of Year 9 by surname: the chronology's and the card's.
    first = LearnerFactory(
        year_group=year9,
        reg_group=rg9,
        legal_first_name="Aaron",
        legal_last_name="Aardvark",
        preferred_first_name="Ari",
    )
    learners = [first, world.learner9, world.learner10]
    for i in range(34):
        learners.append(
            LearnerFactory(
                year_group=year9,
                reg_group=rg9 if i % 2 else rg9b,
                legal_first_name=f"Nine{i:02d}",
                legal_last_name=("Smith" if i % 3 == 0 else "Jones") + f"{i:02d}",
                preferred_last_name="Smythe" if i == 4 else "",
                pupil_premium=i % 3 != 1,
                eal=i % 5 == 0,
                looked_after=i == 7,
                sen_status="K" if i % 4 == 0 else ("E" if i == 5 else "N"),
                cp_status="CIN" if i == 9 else "",
            )
        )
    for i in range(30):
        learners.append(
            LearnerFactory(
                year_group=year10,
                reg_group=rg10 if i % 3 else None,
                legal_first_name=f"Ten{i:02d}",
                legal_last_name=("Smithers" if i % 4 == 0 else "Brown") + f"{i:02d}",
            )
        )
    users = world.users
    support, hoy, senco, dsl = users["support"], users["hoy"], users["senco"], users["dsl"]
    today = timezone.localdate()

    # Caseloads: 30 on the key worker's (lead or supporting), others elsewhere.
    for i, learner in enumerate(learners[3:33]):
        allocate(learner, support, kind="lead" if i % 3 else "supporting", days_ago=5 + i * 2)
        if i % 3 == 0:
            allocate(learner, senco if i % 2 else hoy, kind="lead", days_ago=40 + i)
    for i, learner in enumerate(learners[40:60]):
        allocate(learner, (hoy, senco, dsl)[i % 3], kind="lead", days_ago=20 + i)
    for i, learner in enumerate(learners[3:60:2]):
        if i % 4 == 0:
            make_plan(learner, next_review=today - dt.timedelta(days=3 + i), start_days_ago=120)
        elif i % 4 == 1:
            make_plan(learner, next_review=today + dt.timedelta(days=5 + i % 7))
        elif i % 4 == 2:
            make_plan(learner, status="draft")
        if i % 5 == 0:
            make_contact(learner, days_ago=2 + i, owner=support, due_days=-2 if i % 2 else 5)
        if i % 7 == 3:
            make_contact(learner, days_ago=20 + i)
    # The profile's learner (the key worker's busiest): more history than a page.
    for days in range(22):
        make_contact(learners[6], days_ago=1 + days * 3)
    group = make_group(support, learners[3:9])
    make_session(group, dict.fromkeys(learners[3:9], "present"), days_ago=3)

    # Concerns: more than a page, most matching "home", some triaged, restricted,
    # due and overdue; ten about the first learner with entries, actions and a
    # correction for the chronology.
    concerns = []
    for i in range(40):
        about = [first] if i < 10 else [learners[3 + i % 30], learners[40 + i % 20]]
        concern = log_concern(
            world,
            "staff" if i % 2 else "support",
            about,
            description=(
                "Said she is scared to go home." if i % 4 else "Upset after PE; would not say why."
            ),
            categories=["Family"] if i % 3 else ["Bullying", "Family"],
            occurred_at=timezone.now() - dt.timedelta(days=40 - i, minutes=i),
        )
        concerns.append(concern)
    scope = scope_for(dsl, school)
    for i, concern in enumerate(concerns):
        if i % 3 == 0:
            triage(world, concern, "restricted" if i % 2 else "pastoral")
        if i < 10:
            full = sg_selectors.concern_for(scope, concern.pk)
            sg.entry_add_follow_up(scope=scope, concern=full, text=f"Spoke to her ({i})")
            if i % 2 == 0:
                ConcernAction.objects.create(
                    concern=concern,
                    kind="parent",
                    details=f"Rang mum ({i})",
                    outcome="" if i % 4 else "Mum will call back",
                    recorded_by=dsl,
                )
    # About the profile's learner: a pastoral concern the key worker sees, and a
    # restricted one (not shared with them) that they must not see.
    log_concern(world, "staff", [learners[6]], description="Crying at lunch, fell out at home.")
    log_concern(world, "staff", [learners[6]], restricted=True, description="Disclosure at home.")
    author = scope_for(users["support"], school)
    own = concerns[8]  # about the chronology's learner, on its first page
    sg.entry_add_correction(
        scope=author,
        concern=sg_selectors.concern_for(author, own.pk),
        corrects_pk=None,
        text="It was Tuesday, not Monday.",
        reason="Wrong day",
    )
    assert Category.objects.filter(school=school).exists()

    # Attendance: eight weeks of marks for Year 9 and Year 10, some in
    # persistent and severe absence, some falling in the last four weeks.
    start = today - dt.timedelta(weeks=8)
    rows = []
    for n, learner in enumerate(learners[:60]):
        day = start
        k = 0
        while day <= today:
            if day.weekday() < 5:
                for session in ("AM", "PM"):
                    recent = day > today - dt.timedelta(weeks=4)
                    if n % 6 == 0:
                        code = "O" if k % 3 else "/"
                    elif n % 6 == 1:
                        code = "I" if recent and k % 2 else "/"
                    elif n % 6 == 2:
                        code = "L" if k % 5 == 0 else "/"
                    elif n % 6 == 3:
                        code = "O" if k % 9 == 0 else "/"
                    else:
                        code = "/" if (k + n) % 13 else "M"
                    rows.append(
                        AttendanceMark(
                            school=school,
                            learner=learner,
                            date=day,
                            session=session,
                            code=code,
                        )
                    )
                    k += 1
            day += dt.timedelta(days=1)
    AttendanceMark.objects.bulk_create(rows)
    for learner, percent in ((learners[3], 97), (learners[9], 90), (learners[10], 99)):
        Target.objects.create(
            school=school,
            learner=learner,
            target_percent=percent,
            baseline_percent=85,
            start=today - dt.timedelta(weeks=3),
            review_date=today + dt.timedelta(weeks=3),
            owner=hoy,
            created_by=hoy,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Ctx.of(school, users, year9)


# ---------------------------------------------------------------------------
# Requesting the page as the bench does, and running its floor


def _page_response(client: Any, page: Page, ctx: Ctx) -> Any:
    if page.signed_in_as is not None:
        user, school = page.signed_in_as(ctx)
    else:
        user, school = ctx.users[page.role], ctx.school
    sign_in(client, user, school=school)
    url = reverse(page.url_name, kwargs=page.kwargs(ctx))
    query = page.query(ctx)
    headers = dict(page.headers)
    if page.htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    response = client.get(f"{url}?{query}" if query else url, **headers)
    assert response.status_code == 200, page.label
    return response


def _floor(page: Page, ctx: Ctx) -> list[list[dict[str, Any]]]:
    """Each statement's rows, as dicts by column name (as bench/run.py runs them)."""
    if callable(page.sql):
        raw = page.sql(ctx)
        statements = raw if isinstance(raw, list) else [raw]
    elif isinstance(page.sql, str):
        statements = [(page.sql, page.params(ctx))]
    else:
        params = page.params(ctx)
        statements = [(s, params) for s in page.sql]
    out = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            assert "SELECT" in sql.upper()
            cursor.execute(sql, params)
            names = [c[0] for c in cursor.description]
            out.append([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return out


def _last_contact(row: dict[str, Any]) -> dt.date | None:
    days = [
        d
        for d in (
            timezone.localdate(row["last_contact_at"]) if row["last_contact_at"] else None,
            row["last_session_on"],
        )
        if d
    ]
    return max(days) if days else None


def _pct(value: Any) -> float | None:
    return None if value is None else round(float(value), 6)


# ---------------------------------------------------------------------------
# One check per bench page: the page's data against the floor's rows


def check_home(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    (rows,) = floor
    context = response.context
    assert [(r["id"], r["name"]) for r in rows] == [(s.pk, s.name) for s in context["user_schools"]]
    assert {r["full_name"] for r in rows} == {context["user"].full_name}
    here = next(r for r in rows if r["id"] == context["current_school"].pk)
    assert set(here["roles"].split(",")) | {"staff"} == set(context["scope"].roles)


def _directory(response: Any, floor: list[list[dict]], *, flags: bool) -> None:
    (rows,) = floor
    page = response.context["page"]
    shown = list(page.object_list)
    assert len(shown) > 0
    assert response.context["show_case"] is flags
    assert [r["id"] for r in rows] == [x.pk for x in shown]
    for r, x in zip(rows, shown, strict=True):
        assert (r["last_name"], r["first_name"], r["upn"]) == (x.last_name, x.first_name, x.upn)
        assert (r["year"], r["reg"]) == (
            x.year_group.name,
            x.reg_group.name if x.reg_group else None,
        )
        if flags:
            assert x.in_case_scope
            assert (r["sen_status"], r["pupil_premium"], r["eal"]) == (
                x.sen_status,
                x.pupil_premium,
                x.eal,
            )
            assert (r["looked_after"], r["cp_status"]) == (x.looked_after, x.cp_status)
    assert rows[0]["total"] == page.paginator.count


def check_learner_list(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    _directory(response, floor, flags=False)
    assert response.context["page"].paginator.num_pages > 1  # the page size is tested


def check_filtered_list(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    _directory(response, floor, flags=True)


def check_search(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    (rows,) = floor
    results = response.context["results"]
    assert len(results) == 10  # more learners match than the search shows
    assert [r["id"] for r in rows] == [x.pk for x in results]
    assert [tuple(r.values())[1:] for r in rows] == [
        (x.display_name, x.year_group.name, x.reg_group.name if x.reg_group else None, x.upn)
        for x in results
    ]


def check_detail(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    (rows,) = floor
    x = response.context["learner"]
    assert response.context["in_case_scope"] is False and response.context["parents"] is None
    assert [tuple(r.values()) for r in rows] == [
        (
            x.pk,
            x.display_name,
            x.legal_first_name,
            x.legal_last_name,
            x.year_group.name,
            x.reg_group.name if x.reg_group else None,
            x.upn,
        )
    ]


def _casework_rows(rows: list[dict], shown: list[Any], page: Any) -> None:
    assert len(shown) == 25 and page.paginator.count > 25
    assert [r["id"] for r in rows] == [x.pk for x in shown]
    for r, x in zip(rows, shown, strict=True):
        assert f"{r['first_name']} {r['last_name']}" == x.display_name
        assert r["year"] == x.year_group.name
        assert r["lead_worker"] == x.lead_worker_name
        assert RAG_OF_URGENCY[r["urgency"]] == x.rag
        assert (r["open_plans"], r["next_review"]) == (x.open_plans, x.next_review)
        assert (r["reviews_overdue"], r["actions_overdue"]) == (
            x.reviews_overdue,
            x.actions_overdue,
        )
        assert r["allocated_since"] == x.allocated_since
        assert _last_contact(r) == x.last_contact
    assert rows[0]["total"] == page.paginator.count


def check_board(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    learners, workers = floor
    page = response.context["page"]
    _casework_rows(learners, list(page.object_list), page)
    summary = response.context["summary"]
    assert len(summary) >= 3
    assert [
        (
            r["worker_id"],
            r["full_name"],
            r["learners"],
            r["leads"],
            r["open_plans"],
            r["reviews_soon"],
            r["reviews_overdue"],
            r["last_contact"],
        )
        for r in workers
    ] == [
        (
            w["worker_id"],
            w["worker__full_name"],
            w["learners"],
            w["leads"],
            w["open_plans"],
            w["reviews_soon"],
            w["reviews_overdue"],
            w["last_contact"],
        )
        for w in summary
    ]


def check_my_caseload(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    (rows,) = floor
    page = response.context["page"]
    shown = list(page.object_list)
    _casework_rows(rows, shown, page)
    for r, x in zip(rows, shown, strict=True):
        assert r["my_kind"] == x.my_kind
        assert (r["sen_status"], r["pupil_premium"], r["eal"], r["cp_status"]) == (
            x.sen_status,
            x.pupil_premium,
            x.eal,
            x.cp_status,
        )


def check_profile(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    learner, allocations, plans, sessions, contacts, actions, parents, *rest = floor
    _attendance, concerns, timeline, crossings = rest
    p = response.context["p"]
    assert [r["id"] for r in learner] == [p.learner.pk]
    assert [r["id"] for r in allocations] == [a.pk for a in p.allocations]
    assert sorted(r["id"] for r in plans) == sorted(x.pk for x in p.plans)
    assert [r["id"] for r in contacts] == [c.pk for c in p.contacts]
    assert [r["session_id"] for r in sessions] == [m.session_id for m in p.sessions]
    assert [r["id"] for r in actions] == [a.pk for a in p.open_actions]
    assert [r["id"] for r in parents] == [c.pk for c in p.parents]
    assert [r["id"] for r in concerns] == [
        int(e.url.rstrip("/").rsplit("/", 1)[1]) for e in p.concerns or []
    ]
    assert len(p.timeline) > 0
    # The days attendance crossed into persistent absence join the timeline at noon.
    noon = dt.time(12, 0, tzinfo=timezone.get_current_timezone())
    merged = [r["at"] for r in timeline] + [dt.datetime.combine(r["date"], noon) for r in crossings]
    assert crossings  # the test school's attendance crosses the line
    merged.sort(reverse=True)
    assert merged[: len(p.timeline)] == [e.when for e in p.timeline]
    assert len(p.timeline) == 25


def _concern_rows(response: Any, rows: list[dict]) -> Any:
    page = response.context["page"]
    shown = list(page.object_list)
    assert len(shown) == 25 and page.paginator.count > 25
    assert [r["id"] for r in rows] == [c.pk for c in shown]
    for r, c in zip(rows, shown, strict=True):
        learners = ", ".join(
            f"{link.learner.display_name} ({link.learner.year_group.name})"
            for link in c.learner_links.all()
        )
        assert r["learners"] == learners
        assert r["categories"] == ", ".join(k.name for k in c.categories.all())
        assert (r["level"], r["status"], r["due_date"]) == (c.level, c.status, c.due_date)
        assert r["owner"] == (c.owner.full_name if c.owner else None)
        assert (r["author"], r["submitted_at"]) == (c.author.full_name, c.submitted_at)
    assert rows[0]["total"] == page.paginator.count
    return page


def check_inbox(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    (rows,) = floor
    _concern_rows(response, rows)
    shown = list(response.context["page"].object_list)
    assert [r["order_key"] for r in rows] == [c.urgency for c in shown]
    counts = response.context["counts"]
    assert {k: rows[0][k] for k in counts} == counts


def check_concern_search(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    (rows,) = floor
    _concern_rows(response, rows)


def check_chronology(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    (rows,) = floor
    page = response.context["page"]
    shown = list(page.object_list)
    assert len(shown) == 25 and page.paginator.count > 25
    assert rows[0]["total"] == page.paginator.count
    kinds = {e.kind for e in shown}
    assert {"concern", "concern-entry", "concern-action"} <= kinds
    assert [(r["at"], r["kind"]) for r in rows] == [(e.when, e.kind) for e in shown]
    for r, e in zip(rows, shown, strict=True):
        assert e.url.rstrip("/").endswith(f"/{r['concern_id']}")
        assert e.level == ("restricted" if r["level"] == "restricted" else "")
        assert e.detail.startswith(r["detail"])
        assert ("[Corrected" in e.detail) == (r["notes"] is not None)
        if r["kind"] == "concern":
            assert e.title.endswith(f": {r['extra']}")
        if r["kind"] == "concern-entry":
            assert f"entry {r['title'].split()[0]}," in e.title
            assert e.title.endswith(f"by {r['extra']}")


def check_attendance(response: Any, floor: list[list[dict]], ctx: Ctx) -> None:
    (rows,) = floor
    context = response.context
    by_kind: dict[str, list[dict]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r)

    def summary(r: dict) -> tuple:
        possible = r["possible"] or 0
        att = None if not possible else r["attending"] * 100 / possible
        auth = None if not possible else r["authorised"] * 100 / possible
        unauth = None if not possible else r["unauthorised"] * 100 / possible
        return (possible, _pct(att), _pct(auth), _pct(unauth), r["lates"] or 0)

    def shown(g: Any) -> tuple:
        s = g.summary
        return (
            s.possible,
            _pct(s.attendance_pct),
            _pct(s.authorised_pct),
            _pct(s.unauthorised_pct),
            s.lates,
        )

    years = sorted(by_kind["year"], key=lambda r: r["sort"])
    assert [(r["label"], r["learners"], r["pa"], r["sa"]) for r in years] == [
        (g.label, g.learners, g.pa, g.sa) for g in context["years"]
    ]
    assert [summary(r) for r in years] == [shown(g) for g in context["years"]]
    regs = sorted(by_kind["reg"], key=lambda r: (r["sort"], r["label"]))
    assert [(r["label"], r["learners"]) for r in regs] == [
        (g.label, g.learners) for g in context["reg_groups"]
    ]
    assert [summary(r) for r in regs] == [shown(g) for g in context["reg_groups"]]
    cohorts = sorted(by_kind["cohort"], key=lambda r: r["sort"])
    assert [(r["pa"], r["sa"], summary(r)) for r in cohorts] == [
        (g.pa, g.sa, shown(g)) for g in context["cohorts"]
    ]
    assert context["pa_total"] > 0 and context["sa_total"] > 0
    for kind in ("sa", "pa", "falls", "below_target"):
        listed = context[kind]
        assert listed, kind
        got = by_kind.get(kind, [])
        assert [r["sort"] for r in got] == [x.pk for x in listed], kind
        for r, x in zip(got, listed, strict=True):
            parts = r["label"].split(" · ")
            assert parts[0] == x.display_name
            reg = x.reg_group.name if x.reg_group else ""
            if kind in ("sa", "pa"):
                assert parts[1:] == [reg]
                assert _pct(r["pct"]) == _pct(x.attendance_pct)
            elif kind == "falls":
                assert parts[1:] == [x.year_group.name, reg]
                assert _pct(r["pct"]) == _pct(x.fall)
            else:
                assert parts[1:] == [x.year_group.name, reg, str(x.target_percent)]
                assert _pct(r["pct"]) == _pct(x.attendance_pct)
    (part_time,) = by_kind["part_time"]
    pt = context["part_time"]
    assert (part_time["possible"], part_time["attending"], part_time["authorised"]) == (
        pt.active,
        pt.not_notified,
        pt.review_due,
    )


CHECKS: dict[str, Callable[[Any, list[list[dict]], Ctx], None]] = {
    "Home (DSL)": check_home,
    "Learner list, page 1 (staff)": check_learner_list,
    "Learner list, Year 9 + pupil premium (SENCO)": check_filtered_list,
    "Learner search 'smi' (htmx, staff)": check_search,
    "Learner directory card (staff)": check_detail,
    "Caseload board, first page (SENCO)": check_board,
    "Caseload board, first page, 1,800 learners / 40 key workers (SENCO)": check_board,
    "My caseload (key worker)": check_my_caseload,
    "Learner profile, busiest caseload learner (key worker)": check_profile,
    "DSL inbox, first page (DSL)": check_inbox,
    "Chronology of a learner with 200 concerns (DSL)": check_chronology,
    "Concern search 'home' (DSL)": check_concern_search,
    "Attendance dashboard, Year 9 (head of year)": check_attendance,
}


@pytest.mark.parametrize("page", PAGES, ids=[p.label for p in PAGES])
def test_the_floor_returns_what_the_page_shows(page: Page, world: Any, client: Any) -> None:
    assert page.label in CHECKS, f"bench page {page.label!r} has no floor check here"
    # Hand-written statements, not a function returning the ORM's compiled query.
    statements = page.sql if isinstance(page.sql, list) else [page.sql]
    assert all(isinstance(sql, str) for sql in statements), page.label
    ctx = _build(world)
    assert Learner.objects.filter(school=ctx.school).count() > 50
    response = _page_response(client, page, ctx)
    CHECKS[page.label](response, _floor(page, ctx), ctx)


def test_every_check_is_for_a_bench_page() -> None:
    assert set(CHECKS) == {p.label for p in PAGES}
