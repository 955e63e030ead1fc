"""Percentages and PA/SA flags against hand-computed fixtures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from attendance import selectors
from attendance.codes import CODES, POSSIBLE_CODES
from pastoral.access import scope_for
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
    row = selectors.annotate_learners(selectors.learners_for(senco_scope), MONDAY, END).get(
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
    row = selectors.annotate_learners(selectors.learners_for(senco_scope), MONDAY, END).get(
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
