"""The national attendance codes for schools in England, as data.

Source: The School Attendance (Pupil Registration) (England) Regulations 2024
(SI 2024/208), Schedule (the codes a school must use in its attendance
register from 19 August 2024), and the Department for Education's statutory
guidance "Working together to improve school attendance" (August 2024),
chapter 8 and its annex "Summary table of attendance codes", which gives each
code's statistical meaning:

- **present** (/, \\, L) and **approved educational activity** (K, V, P, W, B)
  count as attendance and as a possible session;
- **authorised absence** (leave of absence C, C1, C2, M, J1, S; and E, I, R, T)
  and **unauthorised absence** (G, N, O, U) count as absence and as a possible
  session;
- **not counted** in possible sessions: X (non-compulsory school age pupil not
  required to attend), Q (unable to attend because of a lack of access
  arrangements), Y1-Y7 (unable to attend because of an unavoidable cause), D
  (dual registered, attending the other school), Z (prospective pupil not on
  the admission register) and # (planned whole or partial school closure).

The old codes H, J and the single Y were withdrawn in August 2024 and are not
accepted. Persistent absence (missing 10% or more of possible sessions) and
severe absence (missing 50% or more) are defined in the same guidance.

Percentages are computed from these sets of codes by attendance.formula (the
one formula, rendered as ORM expressions and as SQL), so the table is the
single place that says what a code counts as.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Category(enum.StrEnum):
    PRESENT = "present"
    APPROVED_ACTIVITY = "approved"
    AUTHORISED = "authorised"
    UNAUTHORISED = "unauthorised"
    NOT_COUNTED = "not_counted"


CATEGORY_LABELS: dict[Category, str] = {
    Category.PRESENT: "Present",
    Category.APPROVED_ACTIVITY: "Attending approved educational activity",
    Category.AUTHORISED: "Authorised absence",
    Category.UNAUTHORISED: "Unauthorised absence",
    Category.NOT_COUNTED: "Not required / administrative (not a possible session)",
}


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str
    category: Category
    possible: bool  # counts as a possible session in DfE statistics
    late: bool = False

    @property
    def attending(self) -> bool:
        return self.category in (Category.PRESENT, Category.APPROVED_ACTIVITY)

    @property
    def absent(self) -> bool:
        return self.category in (Category.AUTHORISED, Category.UNAUTHORISED)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]

    @property
    def css(self) -> str:
        """The CSS modifier of the heat-map cell (colour is never the only cue)."""
        return self.category.value


_P, _A, _AU, _UN, _NC = (
    Category.PRESENT,
    Category.APPROVED_ACTIVITY,
    Category.AUTHORISED,
    Category.UNAUTHORISED,
    Category.NOT_COUNTED,
)

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # Present
        Code("/", "Present (morning registration)", _P, True),
        Code("\\", "Present (afternoon registration)", _P, True),
        Code("L", "Late arrival before the register closed", _P, True, late=True),
        # Attending a place other than the school (approved educational activity)
        Code("K", "Attending education provision arranged by the local authority", _A, True),
        Code("V", "Attending an educational visit or trip", _A, True),
        Code("P", "Participating in a supervised sporting activity", _A, True),
        Code("W", "Attending work experience", _A, True),
        Code("B", "Attending any other approved educational activity", _A, True),
        # Absent: leave of absence (authorised)
        Code("C1", "Leave of absence: regulated performance or employment abroad", _AU, True),
        Code("M", "Leave of absence: medical or dental appointment", _AU, True),
        Code("J1", "Leave of absence: interview for employment or admission", _AU, True),
        Code("S", "Leave of absence: study leave", _AU, True),
        Code("C2", "Leave of absence: part-time timetable (compulsory school age)", _AU, True),
        Code("C", "Leave of absence: exceptional circumstances", _AU, True),
        # Absent: other authorised reasons
        Code("T", "Parent travelling for occupational purposes", _AU, True),
        Code("R", "Religious observance", _AU, True),
        Code("I", "Illness (not a medical or dental appointment)", _AU, True),
        Code("E", "Suspended or excluded, no alternative provision made", _AU, True),
        # Absent: unauthorised
        Code("G", "Holiday not granted by the school", _UN, True),
        Code("N", "Reason for absence not yet established", _UN, True),
        Code("O", "Absent in other or unknown circumstances", _UN, True),
        Code("U", "Arrived in school after the register closed", _UN, True, late=True),
        # Not required to attend / unable to attend / administrative: not possible sessions
        Code("X", "Non-compulsory school age pupil not required to attend", _NC, False),
        Code("Q", "Unable to attend: lack of access arrangements", _NC, False),
        Code("Y1", "Unable to attend: transport normally provided not available", _NC, False),
        Code("Y2", "Unable to attend: widespread disruption to travel", _NC, False),
        Code("Y3", "Unable to attend: part of the school premises closed", _NC, False),
        Code("Y4", "Unable to attend: whole school site unexpectedly closed", _NC, False),
        Code("Y5", "Unable to attend: in criminal justice detention", _NC, False),
        Code("Y6", "Unable to attend: public health guidance or law", _NC, False),
        Code("Y7", "Unable to attend: any other unavoidable cause", _NC, False),
        Code("D", "Dual registered: attending the other school", _NC, False),
        Code("Z", "Prospective pupil not on the admission register", _NC, False),
        Code("#", "Planned whole or partial school closure", _NC, False),
    ]
}

MAX_CODE_LENGTH = max(len(c) for c in CODES)


def codes_in(*categories: Category) -> list[str]:
    return sorted(c.code for c in CODES.values() if c.category in categories)


POSSIBLE_CODES = sorted(c.code for c in CODES.values() if c.possible)
ATTENDING_CODES = codes_in(Category.PRESENT, Category.APPROVED_ACTIVITY)
APPROVED_CODES = codes_in(Category.APPROVED_ACTIVITY)
AUTHORISED_CODES = codes_in(Category.AUTHORISED)
UNAUTHORISED_CODES = codes_in(Category.UNAUTHORISED)
ABSENT_CODES = codes_in(Category.AUTHORISED, Category.UNAUTHORISED)
NOT_COUNTED_CODES = codes_in(Category.NOT_COUNTED)
LATE_CODES = sorted(c.code for c in CODES.values() if c.late)
# "Unexplained" on the attendance officer's list: no reason established yet.
UNEXPLAINED_CODES = ["N"]

CODE_CHOICES = [(c.code, f"{c.code}: {c.meaning}") for c in CODES.values()]

# The thresholds of the DfE's definitions, as fractions of possible sessions missed.
PERSISTENT_ABSENCE_PERCENT = 10
SEVERE_ABSENCE_PERCENT = 50
