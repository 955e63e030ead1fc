"""`manage.py import_attendance FILE.csv --school URN [--actor EMAIL]`: import session marks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attendance.imports import marks_import
from pastoral.imports.command import add_import_arguments, import_arguments


class Command(BaseCommand):
    help = (
        "Import attendance marks (CSV: UPN, date, session, code, minutes late) for one school. "
        "All or nothing; re-importing a date range replaces it for the learners in the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path, school, actor = import_arguments(options)
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
