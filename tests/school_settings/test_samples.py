"""The samples in docs/ import as documented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pastoral.models import Closure, Term
from pastoral.school_settings.termdates import TermDateImporter

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_csv_sample_imports(world) -> None:
    outcome = TermDateImporter(school=world.school, actor=None).run(
        (DOCS / "term-dates-sample.csv").read_bytes()
    )
    assert outcome.applied, outcome.errors
    assert Term.objects.filter(academic_year__school=world.school).count() == 3
    assert Closure.objects.filter(school=world.school, kind="other").count() == 1


def test_the_icalendar_sample_imports_the_same_terms(world) -> None:
    outcome = TermDateImporter(school=world.school, actor=None).run(
        (DOCS / "term-dates-sample.ics").read_bytes()
    )
    assert outcome.applied, outcome.errors
    assert list(
        Term.objects.filter(academic_year__school=world.school).values_list("name", "end")
    ) == [
        ("Autumn term", dt.date(2026, 12, 18)),
        ("Spring term", dt.date(2027, 3, 26)),
        ("Summer term", dt.date(2027, 7, 21)),
    ]
