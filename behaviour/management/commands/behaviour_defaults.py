"""Give every school that has none the default behaviour and detention types."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from behaviour.services import behaviour_defaults_ensure
from pastoral.models import School


class Command(BaseCommand):
    help = "Create the default behaviour types, detention types and settings for schools without."

    def handle(self, *args: Any, **options: Any) -> None:
        made = [
            s.name for s in School.objects.order_by("pk") if behaviour_defaults_ensure(school=s)
        ]
        self.stdout.write(
            f"Defaults given to {len(made)} school(s)." + (f" {', '.join(made)}" if made else "")
        )
