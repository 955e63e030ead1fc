"""Shared body of the import_* management commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pastoral.imports.base import CsvImporter, ImportOutcome
from pastoral.models import School, User


def add_import_arguments(parser: CommandParser) -> None:
    """The file, the school and who runs it: what every import command takes."""
    parser.add_argument("file", type=Path, help="CSV file (UTF-8)")
    parser.add_argument("--school", required=True, help="the school's URN")
    parser.add_argument(
        "--actor", default="", help="e-mail of the person running the import (for the audit)"
    )


def import_arguments(options: dict[str, Any]) -> tuple[Path, School, User | None]:
    """The file, school and person named on the command line, or a clear error."""
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
    return path, school, actor


class ImportCommand(BaseCommand):
    """`manage.py import_<what> FILE.csv --school URN [--dry-run] [--actor EMAIL]`."""

    # Built with (school=, actor=, filename=).
    importer_class: Callable[..., CsvImporter[Any, Any]]
    what = "rows"

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="check and show the changes; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path, school, actor = import_arguments(options)
        importer = self.importer_class(school=school, actor=actor, filename=path.name)
        outcome = importer.run(path, dry_run=options["dry_run"])
        self.report(outcome, verbosity=options["verbosity"])

    def report(self, outcome: ImportOutcome[Any], *, verbosity: int) -> None:
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(outcome.errors)} problem(s) found; nothing was imported.")
        c = outcome.counts
        if outcome.dry_run:
            self.stdout.write(
                f"Dry run: {outcome.rows} {self.what} read; would create {c['create']}, "
                f"update {c['update']} and leave {c['unchanged']} unchanged. Nothing was written."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {outcome.rows} {self.what}: {c['create']} created, "
                    f"{c['update']} updated, {c['unchanged']} unchanged."
                )
            )
        if outcome.ignored_columns:
            self.stdout.write(f"Columns ignored: {', '.join(outcome.ignored_columns)}")
        if verbosity >= 2 or outcome.dry_run:
            for change in outcome.changes:
                if change.action == "unchanged" and verbosity < 2:
                    continue
                self.stdout.write(
                    f"line {change.line}: {change.action} {change.key} {change.label}"
                )
                for label, (before, after) in change.fields.items():
                    self.stdout.write(f"    {label}: {before or '—'} → {after}")
