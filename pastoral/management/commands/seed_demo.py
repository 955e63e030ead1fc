"""Load the demo school (or a trust of 20 schools) for development and benchmarks."""

from __future__ import annotations

import datetime as dt
import importlib
import time
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from pastoral.demo import DEMO_PASSWORD, DEMO_SIGN_INS, seed_core
from pastoral.models import School


class Command(BaseCommand):
    help = "Create a deterministic demo school (or --scale trust: 20 schools, ~25,000 learners)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=["school", "trust"], default="school")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", help="pretend today is YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if a school exists already"
        )
        parser.add_argument(
            "--quiet-sign-ins", action="store_true", help="do not print the demo sign-ins"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if School.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded; nothing to do.")
                self.print_sign_ins(options)
                return
            raise CommandError(
                "The database already has schools. Use a fresh database (or --if-empty)."
            )
        today = (
            dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        )
        started = time.monotonic()
        with transaction.atomic():
            ctx = seed_core(seed=options["seed"], scale=options["scale"], today=today)
            self.stdout.write(
                f"core: {len(ctx.schools)} school(s) in {time.monotonic() - started:.1f}s"
            )
            for config in apps.get_app_configs():
                if config.name == "pastoral" or not (
                    config.name.startswith("pastoral.")
                    or config.name
                    in {"attendance", "behaviour", "safeguarding", "caseload", "provision"}
                ):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                step = time.monotonic()
                module.seed(ctx)
                self.stdout.write(f"{config.label}: done in {time.monotonic() - step:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f}s.")
        )
        self.print_sign_ins(options)

    def print_sign_ins(self, options: dict[str, Any]) -> None:
        if options["quiet_sign_ins"]:
            return
        self.stdout.write("\nDemo sign-ins (development only), password: " + DEMO_PASSWORD)
        for role, local, name, title in DEMO_SIGN_INS:
            self.stdout.write(f"  {role.label:<24} {local}@demo.pastoral.test  ({name}, {title})")
        from pastoral.trust.demo import TRUST_SIGN_INS

        for trust_role, local, name, title in TRUST_SIGN_INS:
            self.stdout.write(
                f"  {trust_role.label:<24} {local}@demo.pastoral.test  ({name}, {title})"
            )
        from pastoral.accounts.demo import demo_totp_code, demo_totp_secret

        self.stdout.write(
            "Two-factor (every demo sign-in): add this TOTP secret to an authenticator app: "
            f"{demo_totp_secret()}\n  code right now: {demo_totp_code()} (changes every 30 s; "
            "`python manage.py demo_totp_code` prints the current one)"
        )
