"""Percentages and PA/SA flags against hand-computed fixtures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from attendance import selectors
from attendance.codes import CODES, POSSIBLE_CODES
from pastoral.access import learners_for, scope_for
from tests.attendance.helpers import MONDAY, calendar, marks
from tests.factories import LearnerFactory

END = MONDAY + dt.timedelta(days=60)

# 20 sessions: 6 are not possible sessions (X, Y1, #, Z, D, Q), leaving 14:
# attending 7 (/ \ L V B / \), authorised 3 (I M C2), unauthorised 4 (U N O G),
# lates 2 (L U). Absence 7/14 = 50%: persistent and severe.
MIXED = ["/", "\\", "L", "U", "I", "M", "N", "O", "V", "B"]
MIXED += ["X", "Y1", "#", "Z", "D", "Q", "/", "\\", "G", "C2"]


@pytest.fixture
def senco_scope(world: Any) -> Any:
    return scope_for(world.user("senco"), world.school)


def test_it_counts_each_category_of_the_code_table(world: Any, senco_scope: Any) -> None:
    marks(world.learner9, MIXED)
    s = selectors.learner_attendance_summary(senco_scope, world.learner9, start=MONDAY, end=END)
    assert (s.possible, s.attending, s.approved) == (14, 7, 2)
    assert (s.authorised, s.unauthorised, s.lates, s.not_counted) == (3, 4, 2, 6)
    assert s.attendance_pct == pytest.approx(50.0)
    assert s.authorised_pct == pytest.approx(300 / 14)
    assert s.unauthorised_pct == pytest.approx(400 / 14)
    assert s.is_pa and s.is_sa
    assert s.attendance_label == "50.0%"
    assert s.as_dict()["pa"] is True


def test_codes_that_are_not_possible_sessions_do_not_change_the_percentage(
    world: Any, senco_scope: Any
) -> None:
    marks(world.learner9, ["/"] * 9 + ["I"])
    before = selectors.learner_attendance_summary(
        senco_scope, world.learner9, start=MONDAY, end=END
    )
    marks(world.learner9, ["X", "Y2", "Y7", "#", "Z", "D"], start=MONDAY + dt.timedelta(days=7))
    after = selectors.learner_attendance_summary(senco_scope, world.learner9, start=MONDAY, end=END)
    assert before.attendance_pct == after.attendance_pct == pytest.approx(90.0)
    assert after.possible == 10 and after.not_counted == 6


@pytest.mark.parametrize(
    ("present", "absent", "pa", "sa"),
    [
        (18, 2, True, False),  # exactly 10% missed: persistent absence ("10% or more")
        (18, 1, False, False),  # 1 of 19 = 5.3%
        (10, 1, False, False),  # 1 of 11 = 9.1%: just under
        (10, 10, True, True),  # exactly 50%: severe
        (11, 10, True, False),  # 10 of 21 = 47.6%
    ],
)
def test_it_flags_persistent_and_severe_absence_at_the_dfe_thresholds(
    world: Any, senco_scope: Any, present: int, absent: int, pa: bool, sa: bool
) -> None:
    marks(world.learner9, ["/"] * present + ["O"] * absent)
    s = selectors.learner_attendance_summary(senco_scope, world.learner9, start=MONDAY, end=END)
    assert (s.is_pa, s.is_sa) == (pa, sa)
    row = selectors.annotate_learners(learners_for(senco_scope), MONDAY, END).get(
        pk=world.learner9.pk
    )
    assert (row.is_pa, row.is_sa) == (pa, sa), "the database flag agrees with the summary"
    assert row.attendance_pct == pytest.approx(present * 100 / (present + absent))


def test_a_learner_with_no_possible_sessions_shows_no_sessions(
    world: Any, senco_scope: Any
) -> None:
    marks(world.learner9, ["X", "X", "Y1", "#"])
    s = selectors.learner_attendance_summary(senco_scope, world.learner9, start=MONDAY, end=END)
    assert s.no_sessions and s.attendance_pct is None
    assert s.attendance_label == "no sessions"
    assert not s.is_pa and not s.is_sa
    row = selectors.annotate_learners(learners_for(senco_scope), MONDAY, END).get(
        pk=world.learner9.pk
    )
    assert row.attendance_pct is None and not row.is_pa


def test_the_date_range_limits_the_marks_counted(world: Any, senco_scope: Any) -> None:
    marks(world.learner9, ["O", "O"] + ["/"] * 8)  # Monday absent, then present
    tuesday = MONDAY + dt.timedelta(days=1)
    s = selectors.learner_attendance_summary(senco_scope, world.learner9, start=tuesday, end=END)
    assert (s.possible, s.attendance_pct) == (8, 100.0)


def test_year_to_date_is_the_default_range(world: Any, senco_scope: Any, settings: Any) -> None:
    ay = calendar(world.school)
    # A mark last academic year does not count.
    marks(world.learner9, ["O"], start=ay.start - dt.timedelta(days=10))
    marks(world.learner9, ["/", "\\"], start=dt.date(2025, 9, 8))
    from unittest import mock

    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2025, 9, 30)):
        s = selectors.learner_attendance_summary(senco_scope, world.learner9)
    assert (s.start, s.end, s.possible, s.attendance_pct) == (
        ay.start,
        dt.date(2025, 9, 30),
        2,
        100.0,
    )


def test_group_and_cohort_figures(world: Any, senco_scope: Any) -> None:
    world.learner9.pupil_premium = True
    world.learner9.save()
    marks(world.learner9, ["/"] * 8 + ["N", "N"])  # 80%
    marks(world.learner10, ["/"] * 10)  # 100%
    other = LearnerFactory(year_group=world.year10, sen_status="K")
    marks(other, ["/"] * 5 + ["I"] * 5)  # 50%
    year9 = selectors.group_summary(senco_scope, start=MONDAY, end=END, year_group=world.year9)
    assert year9.attendance_pct == pytest.approx(80.0)
    year10 = selectors.group_summary(senco_scope, start=MONDAY, end=END, year_group=world.year10)
    assert year10.attendance_pct == pytest.approx(75.0)
    cohorts = {r.label: r.summary for r in selectors.cohort_rows_for(senco_scope, MONDAY, END)}
    assert cohorts["All learners in scope"].attendance_pct == pytest.approx(23 * 100 / 30)
    assert cohorts["Pupil premium"].attendance_pct == pytest.approx(80.0)
    assert cohorts["SEN (support or EHCP)"].attendance_pct == pytest.approx(50.0)
    assert cohorts["EAL"].no_sessions
    regs = {r.label: r for r in selectors.reg_group_rows_for(senco_scope, MONDAY, END)}
    assert regs["9A"].summary.attendance_pct == pytest.approx(80.0) and regs["9A"].learners == 1
    years = {r.label: r for r in selectors.year_rows_for(senco_scope, MONDAY, END)}
    assert (years["Year 10"].learners, years["Year 10"].pa, years["Year 10"].sa) == (2, 1, 1)
    assert (years["Year 9"].pa, years["Year 9"].sa) == (1, 0)


def test_a_head_of_year_sees_only_their_years(world: Any) -> None:
    marks(world.learner9, ["/"] * 10)
    marks(world.learner10, ["O"] * 10)
    hoy = scope_for(world.user("hoy"), world.school)
    rows = selectors.year_rows_for(hoy, MONDAY, END)
    assert [r.label for r in rows] == ["Year 9"]
    assert selectors.group_summary(hoy, start=MONDAY, end=END).attendance_pct == 100.0
    out_of_scope = selectors.learner_attendance_summary(hoy, world.learner10, start=MONDAY, end=END)
    assert out_of_scope.no_sessions, "marks of a learner outside the scope are not counted"


def test_the_code_table_is_complete_and_consistent() -> None:
    assert {"/", "\\", "L", "K", "V", "P", "W", "B", "C", "C1", "C2", "E", "I", "M", "J1"} <= set(
        CODES
    )
    assert {"R", "S", "T", "G", "N", "O", "U", "X", "Q", "D", "Z", "#"} <= set(CODES)
    assert {f"Y{n}" for n in range(1, 8)} <= set(CODES)
    assert not {"H", "J", "Y"} & set(CODES), "codes withdrawn in August 2024"
    assert set(POSSIBLE_CODES).isdisjoint({"X", "Q", "Y1", "Y7", "D", "Z", "#"})
    assert all(c.meaning for c in CODES.values())


# The dashboard's one statement (dashboard_figures_for) against the same fixtures.


@pytest.mark.parametrize(
    ("present", "absent", "pa", "sa"),
    [
        (18, 2, True, False),  # exactly 10% missed
        (10, 1, False, False),  # 9.1%: just under
        (10, 10, True, True),  # exactly 50%
        (11, 10, True, False),  # 47.6%
    ],
)
def test_the_dashboard_flags_at_the_dfe_thresholds(
    world: Any, senco_scope: Any, present: int, absent: int, pa: bool, sa: bool
) -> None:
    marks(world.learner9, ["/"] * present + ["O"] * absent)
    figures = selectors.dashboard_figures_for(senco_scope, MONDAY, END)
    year9 = next(r for r in figures.years if r.label == "Year 9")
    assert (year9.pa, year9.sa) == (int(pa), int(sa))
    assert [r["learner_id"] for r in figures.pa] == ([world.learner9.pk] if pa else [])
    assert [r["learner_id"] for r in figures.sa] == ([world.learner9.pk] if sa else [])
    if pa:
        row = figures.pa[0]
        assert row["attendance_pct"] == pytest.approx(present * 100 / (present + absent))
        assert row["unauthorised_pct"] == pytest.approx(absent * 100 / (present + absent))
        assert (row["possible"], row["attending"], row["unauthorised"]) == (
            present + absent,
            present,
            absent,
        )


def test_the_dashboard_counts_each_category_of_the_code_table(world: Any, senco_scope: Any) -> None:
    marks(world.learner9, MIXED)
    figures = selectors.dashboard_figures_for(senco_scope, MONDAY, END)
    s = next(r for r in figures.years if r.label == "Year 9").summary
    assert (s.possible, s.attending, s.approved) == (14, 7, 2)
    assert (s.authorised, s.unauthorised, s.lates, s.not_counted) == (3, 4, 2, 6)
    assert [r["learner_id"] for r in figures.sa] == [world.learner9.pk]
    assert figures.sa[0]["attendance_pct"] == pytest.approx(50.0)


def test_the_dashboard_lists_are_worst_first_and_limited(world: Any, senco_scope: Any) -> None:
    # Attendance 50%, 60%, 70%, 80% (all persistent absence), then 100%.
    learners = [LearnerFactory(year_group=world.year9) for _ in range(5)]
    for learner, present in zip(learners, [5, 6, 7, 8, 10], strict=True):
        marks(learner, ["/"] * present + ["N"] * (10 - present))
    figures = selectors.dashboard_figures_for(senco_scope, MONDAY, END, limit=3)
    assert [r["learner_id"] for r in figures.pa] == [lr.pk for lr in learners[:3]]
    assert [r["attendance_pct"] for r in figures.pa] == pytest.approx([50.0, 60.0, 70.0])
    assert [r["learner_id"] for r in figures.sa] == [learners[0].pk]
    year9 = next(r for r in figures.years if r.label == "Year 9")
    assert (year9.learners, year9.pa, year9.sa) == (6, 4, 1), "learner9 has no marks"
    # The list page continues in the same order.
    page = [
        r["learner_id"] for r in selectors.flagged_rows(senco_scope, "pa", start=MONDAY, end=END)
    ]
    assert page == [lr.pk for lr in learners[:4]]


def test_the_dashboard_falls_compare_the_last_four_weeks_with_the_weeks_before(
    world: Any, senco_scope: Any
) -> None:
    end = MONDAY + dt.timedelta(weeks=8) - dt.timedelta(days=1)  # a Sunday
    recent_start = end - dt.timedelta(weeks=4) + dt.timedelta(days=1)  # a Monday
    steady, falling, rising = (LearnerFactory(year_group=world.year9) for _ in range(3))
    marks(steady, ["/"] * 10)
    marks(steady, ["/"] * 10, start=recent_start)
    marks(falling, ["/"] * 9 + ["I"])  # 90% before
    marks(falling, ["/"] * 6 + ["N"] * 4, start=recent_start)  # 60% in the last 4 weeks
    marks(rising, ["/"] * 5 + ["N"] * 5)
    marks(rising, ["/"] * 10, start=recent_start)
    figures = selectors.dashboard_figures_for(senco_scope, MONDAY, end)
    assert [r["learner_id"] for r in figures.falls] == [falling.pk]
    row = figures.falls[0]
    assert (row["before_pct"], row["recent_pct"]) == (pytest.approx(90.0), pytest.approx(60.0))
    assert row["fall"] == pytest.approx(30.0)
    listed = list(selectors.falls_for(senco_scope, start=MONDAY, end=end))
    assert [(r["learner_id"], r["fall"]) for r in listed] == [(falling.pk, row["fall"])]


def test_the_dashboard_of_a_head_of_year_without_years_is_empty(world: Any) -> None:
    from pastoral.access import Scope
    from pastoral.models import Role

    marks(world.learner9, ["/"] * 10)
    scope = Scope(user=world.user("hoy"), school=world.school, roles=frozenset({Role.HEAD_OF_YEAR}))
    figures = selectors.dashboard_figures_for(scope, MONDAY, END)
    assert figures.years == figures.reg_groups == figures.pa == figures.falls == []
    assert all(r.summary.no_sessions for r in figures.cohorts)
    assert figures.cohorts[0].label == "All learners in scope"


def test_the_dashboard_below_target_list_is_the_list_pages(world: Any, senco_scope: Any) -> None:
    from attendance.models import Target

    learners = [LearnerFactory(year_group=world.year9) for _ in range(5)]
    since = MONDAY + dt.timedelta(days=7)
    # Since the target was set: 80%, 90%, 95% (target 95.5%), no sessions, 100%.
    codes_since = [
        ["/"] * 8 + ["N"] * 2,
        ["/"] * 9 + ["I"],
        ["/"] * 19 + ["N"],
        ["X"] * 10,
        ["/"] * 10,
    ]
    for learner, codes in zip(learners, codes_since, strict=True):
        marks(learner, ["O"] * 10)  # the week before the target does not count
        marks(learner, codes, start=since)
        Target.objects.create(
            school=world.school,
            learner=learner,
            target_percent=Decimal("95.5") if len(codes) == 20 else Decimal("95.0"),
            baseline_percent=50,
            start=since,
            review_date=END,
            owner=world.user("senco"),
            created_by=world.user("senco"),
        )
    figures = selectors.dashboard_figures_for(senco_scope, MONDAY, END)
    listed = list(selectors.below_target_for(senco_scope, end=END))
    assert [r["learner_id"] for r in figures.below_target] == [r["learner_id"] for r in listed]
    assert [r["learner_id"] for r in listed] == [learners[0].pk, learners[1].pk, learners[2].pk]
    for mine, theirs in zip(figures.below_target, listed, strict=True):
        assert mine["attendance_pct"] == pytest.approx(theirs["attendance_pct"])
        assert mine["target_percent"] == theirs["target_percent"]
    assert [str(r["target_percent"]) for r in figures.below_target] == ["95.0", "95.0", "95.5"]


# Every category of the code table, with percentages that are not round numbers:
# possible 28 (attending 18, of which approved 5; authorised 6; unauthorised 4),
# not counted 8. Absence 10/28 = 35.7%: persistent, not severe.
EVERY_KIND = MIXED + ["K", "P", "W", "E", "R", "T", "Y3", "Y5"] + ["/"] * 5 + ["\\"] * 3


def _by_python(codes: list[str]) -> dict[str, Any]:
    """The DfE's definitions applied to each mark in Python, from the code table alone."""
    possible = sum(CODES[c].possible for c in codes)
    absent = sum(CODES[c].absent for c in codes)
    authorised = sum(CODES[c].category == "authorised" for c in codes)
    unauthorised = sum(CODES[c].category == "unauthorised" for c in codes)
    return {
        "possible": possible,
        "attendance_pct": sum(CODES[c].attending for c in codes) * 100 / possible,
        "absence_pct": absent * 100 / possible,
        "authorised_pct": authorised * 100 / possible,
        "unauthorised_pct": unauthorised * 100 / possible,
        "is_pa": absent * 100 >= 10 * possible,
        "is_sa": absent * 100 >= 50 * possible,
    }


def test_the_orm_the_sql_and_python_over_the_marks_give_the_same_figures(
    world: Any, senco_scope: Any
) -> None:
    from attendance.models import Mark

    marks(world.learner9, EVERY_KIND)
    codes = list(Mark.objects.filter(learner=world.learner9).values_list("code", flat=True))
    expected = _by_python(codes)
    assert expected["possible"] == 28 and round(expected["attendance_pct"], 2) == 64.29
    assert expected["is_pa"] and not expected["is_sa"]
    keys = list(expected)

    annotated = selectors.annotate_learners(learners_for(senco_scope), MONDAY, END).get(
        pk=world.learner9.pk
    )
    by_orm = {k: getattr(annotated, k) for k in keys}
    stats = selectors.learner_stats(senco_scope, MONDAY, END).get(learner_id=world.learner9.pk)
    by_orm_rows = {k: stats[k] for k in keys}
    figures = selectors.dashboard_figures_for(senco_scope, MONDAY, END)
    (row,) = figures.pa
    by_sql = {k: row[k] for k in keys}
    summary = selectors.learner_attendance_summary(
        senco_scope, world.learner9, start=MONDAY, end=END
    )
    by_summary = {k: getattr(summary, k) for k in keys}

    assert by_orm == expected
    assert by_orm_rows == expected
    assert by_sql == expected
    assert by_summary == expected
    year9 = next(r for r in figures.years if r.label == "Year 9")
    assert year9.summary.attendance_pct == expected["attendance_pct"]
    assert (year9.pa, year9.sa) == (1, 0)
