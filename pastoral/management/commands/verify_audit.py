"""Prove the audit trail was not altered: seal pending reads, re-compute every
school's keyed chain, and (with --checkpoints) check it still extends every
signed checkpoint kept outside the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pastoral.audit import chain, checkpoints


class Command(BaseCommand):
    help = (
        "Verify the audit trail's keyed chains (and, with --checkpoints DIR, that they still "
        "extend every checkpoint there). Exits 0 with the number of events checked when "
        "intact; exits non-zero naming what failed otherwise."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--school", type=int, help="check only this school's chain (0: events with no school)"
        )
        parser.add_argument(
            "--checkpoints",
            metavar="DIR",
            help="a directory of checkpoint files (AUDIT_CHECKPOINT_DIR, or saved e-mail attachments)",
        )
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="do not seal pending read events first (a read-only check)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            sealed = chain.seal(options.get("school"))
            if sealed:
                self.stdout.write(f"Sealed {sealed} pending read event(s) into their chains.")
        checked, problem = chain.verify_chain(options.get("school"))
        problems = [f"after checking {checked} event(s): {problem}"] if problem else []
        if options["checkpoints"]:
            read, missed = checkpoints.verify_checkpoints(options["checkpoints"])
            if missed:
                problems.append(
                    f"it does not extend its checkpoints ({read} read): " + "; ".join(missed)
                )
            else:
                self.stdout.write(f"All {read} checkpoint(s) are extended by today's chains.")
        if problems:
            raise CommandError("Audit trail BROKEN " + " | ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} event(s) verified."))
