"""Print the current two-factor code of the demo sign-ins (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the TOTP code the demo users' pre-enrolled authenticator shows now."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Development only: run with DEBUG=1.")
        from pastoral.accounts.demo import demo_totp_code, demo_totp_secret

        self.stdout.write(f"{demo_totp_code()}  (secret {demo_totp_secret()})")
