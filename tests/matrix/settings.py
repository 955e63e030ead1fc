"""School settings (/school/settings/): the administrator's (Cap.MANAGE_SETTINGS); the
hub also lists the DSL's categories, so it answers the DSL too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from pastoral.models import AcademicYear, Closure, Term
from tests.matrix import Case, only
from tests.school_settings.data import GOOD_CSV

ADMIN_ONLY = only(admin=True)
ADMIN_REDIRECT = only(302, admin=True)
NOBODY = only(admin=False)


def _calendar(world: Any) -> None:
    """A term and a closure in the world's school, and the same in another school."""
    for school, attr in ((world.school, ""), (world.other_school, "other_")):
        year = AcademicYear.objects.create(
            school=school, name="2026/27", start=dt.date(2026, 9, 1), end=dt.date(2027, 8, 31)
        )
        term = Term.objects.create(
            academic_year=year, name="Autumn", start=dt.date(2026, 9, 3), end=dt.date(2026, 12, 18)
        )
        closure = Closure.objects.create(
            school=school, date=dt.date(2026, 10, 26), kind=Closure.Kind.HOLIDAY, name="Half term"
        )
        setattr(world, f"{attr}term", term)
        setattr(world, f"{attr}closure", closure)


def _section(name: str, data: dict[str, Any]) -> list[Case]:
    return [
        Case(f"school_settings:{name}", "page", ADMIN_ONLY),
        Case(f"school_settings:{name}", "save", ADMIN_REDIRECT, method="post", data=lambda w: data),
    ]


CASES = [
    Case("school_settings:hub", "hub", only(admin=True, dsl=True)),
    *_section("details", {"name": "Oakfield Academy", "la_code": "330", "phase": "secondary"}),
    *_section(
        "sessions",
        {
            "am_session_start": "08:40",
            "am_register_closes": "09:10",
            "pm_session_start": "13:15",
            "pm_register_closes": "13:45",
        },
    ),
    *_section(
        "reminders",
        {"triage_limit_hours": 24, "rising_concern_count": 3, "rising_concern_days": 14},
    ),
    *_section("retention", {"pastoral_retention_years": 7}),
    Case("school_settings:terms", "page", ADMIN_ONLY, setup=_calendar),
    Case(
        "school_settings:term-add",
        "add",
        ADMIN_REDIRECT,
        method="post",
        data=lambda w: {"name": "Autumn", "start": "2026-09-03", "end": "2026-12-18"},
    ),
    Case("school_settings:term-import", "form", ADMIN_ONLY),
    Case(
        "school_settings:term-import",
        "upload",
        ADMIN_REDIRECT,
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("terms.csv", GOOD_CSV, "text/csv")},
    ),
    Case(
        "school_settings:term-edit",
        "own",
        ADMIN_ONLY,
        setup=_calendar,
        kwargs=lambda w: {"pk": w.term.pk},
    ),
    Case(
        "school_settings:term-edit",
        "other school",
        NOBODY,
        setup=_calendar,
        kwargs=lambda w: {"pk": w.other_term.pk},
    ),
    Case(
        "school_settings:term-delete",
        "own",
        ADMIN_REDIRECT,
        method="post",
        setup=_calendar,
        kwargs=lambda w: {"pk": w.term.pk},
    ),
    Case(
        "school_settings:term-delete",
        "other school",
        NOBODY,
        method="post",
        setup=_calendar,
        kwargs=lambda w: {"pk": w.other_term.pk},
    ),
    Case(
        "school_settings:closure-add",
        "add",
        ADMIN_REDIRECT,
        method="post",
        data=lambda w: {"kind": "inset", "name": "INSET", "start": "2026-09-03"},
    ),
    Case(
        "school_settings:closure-delete",
        "own",
        ADMIN_REDIRECT,
        method="post",
        setup=_calendar,
        kwargs=lambda w: {"pk": w.closure.pk},
    ),
    Case(
        "school_settings:closure-delete",
        "other school",
        NOBODY,
        method="post",
        setup=_calendar,
        kwargs=lambda w: {"pk": w.other_closure.pk},
    ),
    Case(
        "school_settings:bank-holiday",
        "open",
        ADMIN_REDIRECT,
        method="post",
        data=lambda w: {"date": "2027-05-03", "open": "on", "reason": "Exam day"},
    ),
    Case("school_settings:checklist", "page", ADMIN_ONLY),
]


def _letter(world: Any) -> None:
    from attendance.models import LetterTemplate

    world.letter = LetterTemplate.objects.create(
        school=world.school, name="First letter", body="Dear parent of {learner}"
    )
    world.other_letter = LetterTemplate.objects.create(
        school=world.other_school, name="Theirs", body="Dear parent"
    )


LETTER = {"name": "Second letter", "body": "Dear parent of {learner}, attendance {attendance}."}

CASES += [
    Case("attendance:letter-list", "list", ADMIN_ONLY, setup=_letter),
    Case("attendance:letter-create", "form", ADMIN_ONLY),
    Case("attendance:letter-create", "save", ADMIN_REDIRECT, method="post", data=lambda w: LETTER),
    Case(
        "attendance:letter-preview",
        "preview",
        ADMIN_ONLY,
        method="post",
        data=lambda w: {"body": "Dear parent of {learner}"},
    ),
    Case(
        "attendance:letter-edit",
        "own",
        ADMIN_ONLY,
        setup=_letter,
        kwargs=lambda w: {"pk": w.letter.pk},
    ),
    Case(
        "attendance:letter-edit",
        "other school",
        NOBODY,
        setup=_letter,
        kwargs=lambda w: {"pk": w.other_letter.pk},
    ),
]
