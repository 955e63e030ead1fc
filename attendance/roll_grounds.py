"""The grounds for changes to the admission register, as data.

Source: The School Attendance (Pupil Registration) (England) Regulations 2024
(SI 2024/208, in force 19 August 2024), which replaced the Education (Pupil
Registration) (England) Regulations 2006 and its amendments. Regulation 9 lists
the grounds on which a pupil's name is deleted from the admission register; the
regulations and *Working together to improve school attendance* (August 2024)
ask schools to tell the local authority of every deletion under those grounds
and of every pupil added outside the normal points of transition, within five
school days. The labels below paraphrase the grounds; the legislation's own
words are at https://www.legislation.gov.uk/uksi/2024/208/regulation/9.

The codes are this app's own short keys (stored in RollChange.ground); change
a label freely, never a code.
"""

from __future__ import annotations

# Regulation 9: grounds for deleting a pupil of compulsory school age.
DELETION_GROUNDS: list[tuple[str, str]] = [
    ("ehe", "Parent has told the school in writing the child is educated otherwise than at school"),
    ("moved_away", "Ceased to attend and now lives too far from the school to attend it"),
    ("other_school", "Registered at another school (not dual registration)"),
    ("dual_ended", "Dual registration: ceased to attend this school, registered at the other"),
    ("medical", "Certified medically unlikely to be fit to attend before leaving compulsory age"),
    (
        "cme_20_days",
        "Absent 20 consecutive school days without authorisation; whereabouts "
        "unknown after the school's and the LA's reasonable enquiries",
    ),
    (
        "leave_not_returned",
        "Did not return within 10 school days of the end of leave of absence; "
        "whereabouts unknown after reasonable enquiries",
    ),
    ("custody", "Detained in custody for four months or more, not expected to return"),
    ("died", "Has died"),
    ("permanent_exclusion", "Permanently excluded (after any review)"),
    ("sao", "School attendance order revoked or amended to name another school"),
    ("leaving_age", "Ceases to be of compulsory school age and will not continue here"),
    ("nursery_sixth", "Not of compulsory school age and ceased to attend (nursery, sixth form)"),
]

# Additions outside the normal transition points: why the pupil joined mid-year.
ADDITION_GROUNDS: list[tuple[str, str]] = [
    ("in_year", "In-year admission (new to the school)"),
    ("moved_in", "Moved into the area"),
    ("from_ehe", "Returning from elective home education"),
    ("fair_access", "Placed under the in-year fair access protocol"),
    ("la_direction", "Direction by the local authority or a school attendance order"),
    ("dual", "Dual registration (another school is the main one)"),
    ("from_ap", "Returning from alternative provision or a hospital school"),
]

GROUNDS = {"addition": ADDITION_GROUNDS, "deletion": DELETION_GROUNDS}

# Days the school has to tell the LA (school days after the change).
NOTICE_SCHOOL_DAYS = 5


def ground_choices(kind: str) -> list[tuple[str, str]]:
    return list(GROUNDS.get(kind, []))


def ground_label(kind: str, code: str) -> str:
    return dict(GROUNDS.get(kind, [])).get(code, code)


def all_ground_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for one select: additions, then deletions."""
    return [("Additions", ADDITION_GROUNDS), ("Deletions (regulation 9)", DELETION_GROUNDS)]
