"""The attendance formula, written once.

Which codes each figure counts (from the code sets of attendance.codes), and
how the percentages and the persistent/severe absence flags follow from the
figures. Every attendance number the app shows is one of these, rendered for
where it is computed:

- as Django ORM expressions: conditional ``Count``s over marks (`counts`) and
  the percentages and flags over them (`Share.orm`, `Threshold.orm`);
- as SQL text for the raw statements (the dashboard, the PA crossings): the
  code table as a VALUES list (`code_table_sql`), `Share.sql`, `Threshold.sql`;
- in Python over figures already counted (`Share.value`, `Threshold.value`),
  for AttendanceSummary.

Statistics follow the DfE: attendance = present + approved educational
activity; absence = authorised + unauthorised; all over *possible* sessions.
A percentage is None (NULL) when there are no possible sessions. The flags use
integer arithmetic, so exactly 10.0% missed is persistent absence, as the DfE
counts it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, FloatField, Q, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual

from attendance import codes

# Each figure: the number of marks whose code is in its set.
FIGURES: dict[str, list[str]] = {
    "possible": codes.POSSIBLE_CODES,
    "attending": codes.ATTENDING_CODES,
    "approved": codes.APPROVED_CODES,
    "authorised": codes.AUTHORISED_CODES,
    "unauthorised": codes.UNAUTHORISED_CODES,
    "lates": codes.LATE_CODES,
    "not_counted": codes.NOT_COUNTED_CODES,
}
NAMES: tuple[str, ...] = tuple(FIGURES)
ABSENT: tuple[str, ...] = ("authorised", "unauthorised")

# SQL types of the raw statements (both databases accept them).
SQL_INT = "BIGINT"
SQL_FLOAT = "DOUBLE PRECISION"

Column = Callable[[str], str]


def _column(name: str) -> str:
    return name


@dataclass(frozen=True)
class Share:
    """The sum of the figures `part` as a percentage of the figure `whole`;
    None when `whole` is 0."""

    part: tuple[str, ...]
    whole: str = "possible"

    def value(self, figures: Mapping[str, int]) -> float | None:
        whole = figures[self.whole]
        return None if not whole else sum(figures[n] for n in self.part) * 100 / whole

    def orm(self, prefix: str = "") -> Case:
        """Over annotations named `prefix` + figure (e.g. "recent_attending")."""
        part: Any = F(prefix + self.part[0])
        for name in self.part[1:]:
            part = part + F(prefix + name)
        return Case(
            When(**{prefix + self.whole: 0}, then=Value(None)),
            default=Cast(part, FloatField())
            * Value(100.0)
            / Cast(F(prefix + self.whole), FloatField()),
            output_field=FloatField(),
        )

    def sql(self, column: Column = _column) -> str:
        """Over SQL columns (or expressions) named by `column(figure)`."""
        part = " + ".join(column(n) for n in self.part)
        whole = column(self.whole)
        return (
            f"CASE WHEN {whole} = 0 THEN NULL "
            f"ELSE CAST({part} AS {SQL_FLOAT}) * 100.0 / CAST({whole} AS {SQL_FLOAT}) END"
        )


@dataclass(frozen=True)
class Threshold:
    """True when the figures `part` make `percent`% or more of `whole` (> 0)."""

    part: tuple[str, ...]
    percent: int
    whole: str = "possible"

    def value(self, figures: Mapping[str, int]) -> bool:
        whole = figures[self.whole]
        return whole > 0 and sum(figures[n] for n in self.part) * 100 >= self.percent * whole

    def orm(self, prefix: str = "") -> Case:
        part: Any = F(prefix + self.part[0])
        for name in self.part[1:]:
            part = part + F(prefix + name)
        whole = F(prefix + self.whole)
        return Case(
            When(
                GreaterThan(whole, Value(0))
                & GreaterThanOrEqual(part * Value(100), whole * Value(self.percent)),
                then=Value(True),
            ),
            default=Value(False),
        )

    def condition_sql(self, column: Column = _column) -> str:
        part = " + ".join(column(n) for n in self.part)
        whole = column(self.whole)
        return f"{whole} > 0 AND ({part}) * 100 >= {whole} * {int(self.percent)}"

    def sql(self, column: Column = _column) -> str:
        """1 or 0 (a flag the statement can SUM)."""
        return f"CASE WHEN {self.condition_sql(column)} THEN 1 ELSE 0 END"


ATTENDANCE = Share(("attending",))
PERCENTS: dict[str, Share] = {
    "attendance_pct": ATTENDANCE,
    "absence_pct": Share(ABSENT),
    "authorised_pct": Share(("authorised",)),
    "unauthorised_pct": Share(("unauthorised",)),
}
PERSISTENT = Threshold(ABSENT, codes.PERSISTENT_ABSENCE_PERCENT)
SEVERE = Threshold(ABSENT, codes.SEVERE_ABSENCE_PERCENT)
FLAGS: dict[str, Threshold] = {"is_pa": PERSISTENT, "is_sa": SEVERE}

# A learner's row of figures when they have no marks in the range.
EMPTY: dict[str, Any] = {
    **dict.fromkeys(NAMES, 0),
    **dict.fromkeys(PERCENTS),
    **dict.fromkeys(FLAGS, False),
}


# ---------------------------------------------------------------------------
# ORM


def counts(
    path: str = "",
    *,
    names: tuple[str, ...] = NAMES,
    where: Q | None = None,
    prefix: str = "",
) -> dict[str, Count]:
    """Conditional counts of marks, keyed `prefix` + figure.

    `path` leads from the queried model to the mark ("" on Mark itself,
    "range_marks__" through a relation); `where` narrows the marks counted.
    """
    base = where if where is not None else Q()
    return {
        prefix + name: Count(f"{path}pk", filter=base & Q(**{f"{path}code__in": FIGURES[name]}))
        for name in names
    }


def percentages_and_flags(prefix: str = "") -> dict[str, Case]:
    """Every percentage and flag over counts annotated as `prefix` + figure."""
    return {
        **{name: share.orm(prefix) for name, share in PERCENTS.items()},
        **{name: flag.orm(prefix) for name, flag in FLAGS.items()},
    }


# ---------------------------------------------------------------------------
# SQL


def code_table_sql() -> tuple[str, list[str]]:
    """The code table as `VALUES (code, 1, 0, ...), ...`: one row per code, one
    0/1 column per figure in NAMES order; the codes are parameters."""
    rows = [
        "(%s, " + ", ".join("1" if code in FIGURES[name] else "0" for name in NAMES) + ")"
        for code in codes.CODES
    ]
    return "VALUES " + ", ".join(rows), list(codes.CODES)
