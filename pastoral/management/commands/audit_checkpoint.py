"""Write a signed checkpoint of every audit chain now (beat does it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pastoral.audit import checkpoints


class Command(BaseCommand):
    help = (
        "Seal pending read events and write a signed checkpoint of every school's audit chain "
        "to AUDIT_CHECKPOINT_DIR (or --dir) and, when AUDIT_CHECKPOINT_EMAIL_DSLS is on (or "
        "--email), e-mail each school's DSLs their own."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dir", help="write the checkpoint file here instead")
        parser.add_argument("--email", action="store_true", help="also e-mail the DSLs")

    def handle(self, *args: Any, **options: Any) -> None:
        written = checkpoints.checkpoint_write(
            options["dir"], email=True if options["email"] else None
        )
        if written.path is None and not written.emails:
            raise CommandError(
                "No checkpoint written: set AUDIT_CHECKPOINT_DIR or AUDIT_CHECKPOINT_EMAIL_DSLS "
                "(or pass --dir / --email)."
            )
        where = [str(written.path)] if written.path else []
        if written.emails:
            where.append(f"{written.emails} school(s)' DSLs by e-mail")
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint of {written.chains} chain(s) written: {', '.join(where)}"
            )
        )
