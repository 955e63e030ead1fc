"""Reading a marks file: every row checked, then planned as the file's marks.

Reading is by whole columns (CsvImporter.plan_columns): each distinct value
of a column (a few thousand UPNs, a few hundred dates) is checked once, with
the same checks as parse_row. Any problem anywhere sends the file to the
row-by-row path, which reports every problem by line and column.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from attendance import codes
from attendance.imports.writing import MarksWriter
from attendance.models import ImportJob
from pastoral import audit
from pastoral.imports.base import Change, CsvImporter, ImportOutcome, Report
from pastoral.imports.csvfile import CsvColumns, CsvRow, formula_error
from pastoral.imports.parse import CellError, parse_date, parse_int
from pastoral.models import AcademicYear, Closure, Learner, School, Term, User

REQUIRED = ("upn", "date", "session", "code")
OPTIONAL = ("minutes_late",)
SESSIONS = {"am": "AM", "pm": "PM"}
SESSION_EXACT = {"AM": "AM", "PM": "PM", "am": "AM", "pm": "PM"}
CODES_UPPER = {code.upper(): code for code in codes.CODES}
PROGRESS_EVERY = 5000
# Where a school administrator enters terms and closures.
TERM_DATES_HINT = "School settings > Term dates"


@dataclass(frozen=True, slots=True)
class MarkRow:
    line: int
    upn: str
    learner_id: int
    date: dt.date
    session: str
    code: str
    minutes_late: int | None


@dataclass
class MarksPlan:
    """The file's marks, column by column (one entry per row, in file order)."""

    learner_ids: list[int]
    dates: list[dt.date]
    sessions: list[str]
    codes: list[str]
    minutes: list[int | None]
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, items: list[MarkRow]) -> MarksPlan:
        return cls(
            learner_ids=[i.learner_id for i in items],
            dates=[i.date for i in items],
            sessions=[i.session for i in items],
            codes=[i.code for i in items],
            minutes=[i.minutes_late for i in items],
        )

    def __len__(self) -> int:
        return len(self.learner_ids)

    def rows(self) -> Iterator[tuple[int, dt.date, str, str, int | None]]:
        return zip(
            self.learner_ids, self.dates, self.sessions, self.codes, self.minutes, strict=True
        )

    @property
    def first_date(self) -> dt.date | None:
        return min(self.dates, default=None)

    @property
    def last_date(self) -> dt.date | None:
        return max(self.dates, default=None)


def parse_session(value: str) -> str:
    try:
        return SESSIONS[value.strip().lower()]
    except KeyError:
        raise CellError(f"{value!r} is not a session; use AM or PM") from None


def parse_code(value: str) -> str:
    code = CODES_UPPER.get(value.strip().upper())
    if code is None:
        raise CellError(
            f"{value!r} is not a DfE attendance code (2024 code set); "
            "see the code table on the import page"
        )
    return code


class MarksImporter(CsvImporter[MarkRow, MarksPlan]):
    required_columns = REQUIRED
    optional_columns = OPTIONAL
    plans_columns = True

    def __init__(
        self,
        *,
        school: School,
        actor: User | None,
        filename: str = "",
        job: ImportJob | None = None,
        progress: Callable[[int], None] | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.school = school
        self.actor = actor
        self.filename = filename
        self.job = job
        self.progress = progress
        self.today = today or timezone.localdate()
        self._seen = 0
        self._good_dates: dict[str, dt.date] = {}

    # -- reading ---------------------------------------------------------

    def prepare(self) -> None:
        self.learners: dict[str, int] = {
            upn.upper(): pk
            for upn, pk in Learner.objects.filter(school=self.school).values_list("upn", "pk")
        }
        self.years = list(
            AcademicYear.objects.filter(school=self.school)
            .order_by("start")
            .values_list("start", "end")
        )
        terms = list(
            Term.objects.filter(academic_year__school=self.school)
            .order_by("start")
            .values_list("start", "end")
        )
        self.term_starts = [t[0] for t in terms]
        self.terms = terms
        self.closures: dict[dt.date, str] = {
            d: (name or dict(Closure.Kind.choices)[kind])
            for d, kind, name in Closure.objects.filter(school=self.school).values_list(
                "date", "kind", "name"
            )
        }

    def _in_term(self, day: dt.date) -> bool:
        i = bisect.bisect_right(self.term_starts, day) - 1
        return i >= 0 and self.terms[i][0] <= day <= self.terms[i][1]

    def _date_problem(self, day: dt.date) -> str | None:
        if not any(start <= day <= end for start, end in self.years):
            return (
                f"{day:%d/%m/%Y} is outside the school's academic years: add that year and "
                f"its term dates ({TERM_DATES_HINT}), then upload the file again"
            )
        if day.weekday() >= 5:
            return f"{day:%d/%m/%Y} is a {day:%A}: there are no sessions at weekends"
        if day in self.closures:
            return (
                f"{day:%d/%m/%Y} is a school closure ({self.closures[day]}): remove this row, "
                f"or remove the closure ({TERM_DATES_HINT}) if the school was open"
            )
        if not self._in_term(day):
            return (
                f"{day:%d/%m/%Y} is outside the school's terms: if it was a school day, add or "
                f"correct the term dates ({TERM_DATES_HINT}), then upload the file again"
            )
        if day > self.today:
            return f"{day:%d/%m/%Y} is in the future"
        return None

    def parse_row(self, row: CsvRow, report: Report) -> MarkRow | None:
        self._seen += 1
        if self.progress and self._seen % PROGRESS_EVERY == 0:
            self.progress(self._seen)
        values = row.values
        upn = values.get("upn", "").upper()
        learner_id = self.learners.get(upn)
        if not upn:
            report.add(row.line, "upn", "is required and is blank")
        elif learner_id is None:
            report.add(row.line, "upn", f"no learner with UPN {upn} in this school")
        # A file repeats the same few hundred dates, codes and sessions: values
        # already found good are looked up; anything else takes the checked path,
        # so every bad cell is still reported on its own line.
        raw_date = values.get("date", "")
        day = self._good_dates.get(raw_date)
        if day is None:
            day = report.field(row, "date", parse_date, required=True)
            if day is not None:
                problem = self._date_problem(day)
                if problem:
                    report.add(row.line, "date", problem)
                    day = None
                else:
                    self._good_dates[raw_date] = day
        session = SESSION_EXACT.get(values.get("session", ""))
        if session is None:
            session = report.field(row, "session", parse_session, required=True)
        known = codes.CODES.get(values.get("code", ""))
        code: str | None = (
            known.code
            if known is not None
            else report.field(row, "code", parse_code, required=True)
        )
        minutes = None
        if values.get("minutes_late"):
            minutes = report.field(
                row, "minutes_late", lambda v: parse_int(v, minimum=0, maximum=300)
            )
            if minutes is not None and code is not None and not codes.CODES[code].late:
                report.add(
                    row.line,
                    "minutes_late",
                    f"minutes late given for code {code}, which is not a late code (L or U)",
                )
        if (
            learner_id is None
            or day is None
            or session is None
            or code is None
            or report.has_errors_on(row.line)
        ):
            return None
        return MarkRow(row.line, upn, learner_id, day, session, code, minutes)

    def check_items(self, items: list[MarkRow], report: Report) -> None:
        # Like report.duplicates(), but keyed by a tuple: formatting a text key for
        # each of half a million rows cost more than the rest of the check.
        first_line: dict[tuple[int, dt.date, str], int] = {}
        for i in items:
            first = first_line.setdefault((i.learner_id, i.date, i.session), i.line)
            if first != i.line:
                report.add(
                    i.line,
                    "session",
                    f"the mark for {i.upn} {i.date:%d/%m/%Y} {i.session} appears more than "
                    f"once in the file (first on line {first})",
                )
        self._checked(ok=not report.errors)

    def _checked(self, *, ok: bool) -> None:
        if self.progress:
            self.progress(self._seen)
        if self.job is not None and ok:
            ImportJob.objects.filter(pk=self.job.pk).update(status=ImportJob.Status.WRITING)

    def _good_date(self, value: str) -> dt.date | None:
        """The date in a (stripped) cell when parse_row would accept it, else None."""
        day = self._good_dates.get(value)
        if day is None and value:
            try:
                day = parse_date(value)
            except CellError:
                return None
            if self._date_problem(day):
                return None
            self._good_dates[value] = day
        return day

    def plan_columns(self, columns: CsvColumns) -> MarksPlan | None:
        """The whole file at once: each distinct cell value is checked once.

        Accepts exactly the files parse_row and check_items accept (and plans
        the same marks); anything else returns None, and the row-by-row path
        reports every problem by line and column.
        """
        cols = columns.columns
        if cols is None:
            return None
        distinct = {key: set(column) for key, column in cols.items()}
        # read_csv() checks every named column for formula cells, so this does too.
        if any(formula_error(raw) for values in distinct.values() for raw in values):
            return None
        learner_of: dict[str, int] = {}
        for raw in distinct["upn"]:
            learner_id = self.learners.get(raw.strip().upper())
            if learner_id is None:  # blank or unknown
                return None
            learner_of[raw] = learner_id
        day_of: dict[str, dt.date] = {}
        for raw in distinct["date"]:
            day = self._good_date(raw.strip())
            if day is None:
                return None
            day_of[raw] = day
        session_of: dict[str, str] = {}
        for raw in distinct["session"]:
            session = SESSIONS.get(raw.strip().lower())
            if session is None:
                return None
            session_of[raw] = session
        code_of: dict[str, str] = {}
        for raw in distinct["code"]:
            code = CODES_UPPER.get(raw.strip().upper())
            if code is None:
                return None
            code_of[raw] = code
        count = columns.count
        minutes: list[int | None] = [None] * count
        if "minutes_late" in cols:
            minutes_of: dict[str, int | None] = {}
            for raw in distinct["minutes_late"]:
                value = raw.strip()
                try:
                    minutes_of[raw] = parse_int(value, minimum=0, maximum=300) if value else None
                except CellError:
                    return None
            for code_raw, minutes_raw in set(zip(cols["code"], cols["minutes_late"], strict=True)):
                if minutes_of[minutes_raw] is not None and not codes.CODES[code_of[code_raw]].late:
                    return None
            minutes = list(map(minutes_of.__getitem__, cols["minutes_late"]))
        plan = MarksPlan(
            learner_ids=list(map(learner_of.__getitem__, cols["upn"])),
            dates=list(map(day_of.__getitem__, cols["date"])),
            sessions=list(map(session_of.__getitem__, cols["session"])),
            codes=list(map(code_of.__getitem__, cols["code"])),
            minutes=minutes,
        )
        # A repeated mark (the row-by-row path names both lines): each row's
        # (learner, date, session) as one int, learner << 22 | day << 1 | PM,
        # made by whole-column additions (a set of 500,000 ints, not of tuples).
        base = min(day_of.values(), default=dt.date.min).toordinal()
        learner_key = {raw: pk << 22 for raw, pk in learner_of.items()}
        day_key = {raw: (day.toordinal() - base) << 1 for raw, day in day_of.items()}
        session_key = {raw: int(session == "PM") for raw, session in session_of.items()}
        keys = map(
            operator.add,
            map(
                operator.add,
                map(learner_key.__getitem__, cols["upn"]),
                map(day_key.__getitem__, cols["date"]),
            ),
            map(session_key.__getitem__, cols["session"]),
        )
        if len(set(keys)) != count:
            return None
        self._seen = count
        self._checked(ok=True)
        return plan

    # -- planning and writing ----------------------------------------------

    def plan(self, items: list[MarkRow], report: Report) -> MarksPlan:
        return MarksPlan.from_rows(items)

    def changes(self, plan: MarksPlan) -> list[Change]:
        # The comparison happens in the database while writing (apply); the
        # counts are in plan.counts. A per-row preview of 500,000 marks would
        # help nobody.
        return []

    def apply(self, plan: MarksPlan, outcome: ImportOutcome[MarksPlan]) -> None:
        plan.counts = MarksWriter(school=self.school, actor=self.actor, job=self.job).write(plan)
        audit.record(
            "attendance.import.completed",
            actor=self.actor,
            school=self.school,
            obj=self.job,
            object_type="attendance.importjob" if self.job is None else "",
            changes={
                "file": self.filename,
                "rows": len(plan),
                "from": plan.first_date,
                "to": plan.last_date,
                **plan.counts,
            },
        )
