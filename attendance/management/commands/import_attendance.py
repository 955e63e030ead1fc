"""`manage.py import_attendance FILE.csv --school URN [--actor EMAIL]`: import session marks."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attendance.imports import marks_import
from pastoral.models import School, User


class Command(BaseCommand):
    help = (
        "Import attendance marks (CSV: UPN, date, session, code, minutes late) for one school. "
        "All or nothing; re-importing a date range replaces it for the learners in the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file (UTF-8)")
        parser.add_argument("--school", required=True, help="the school's URN")
        parser.add_argument(
            "--actor", default="", help="e-mail of the person running the import (for the audit)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with URN {options['school']!r}")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user with e-mail {options['actor']!r}")
        started = time.monotonic()
        outcome = marks_import(actor=actor, school=school, source=path, filename=path.name)
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(outcome.errors)} problem(s) found; nothing was imported.")
        counts = outcome.plan.counts if outcome.plan else {}
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {outcome.rows} marks in {time.monotonic() - started:.1f}s: "
                f"{counts.get('created', 0)} created, {counts.get('updated', 0)} updated, "
                f"{counts.get('removed', 0)} removed, {counts.get('unchanged', 0)} unchanged."
            )
        )
