"""Run the reminder job once: what beat runs every few minutes, for cron or by hand.

Without a broker (no REDIS_URL) this is how reminders fire: `make run` calls it
after seeding the demo, and a one-school install can call it from cron.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from pastoral.notifications import services
from pastoral.notifications.models import Notification


class Command(BaseCommand):
    help = "Record the reminders due today, deliver them once each, and send urgent e-mails."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="pretend today is YYYY-MM-DD (default: today)")
        parser.add_argument("--batch-size", type=int, default=services.DELIVERY_BATCH)
        parser.add_argument(
            "--digest", action="store_true", help="also send the daily digest e-mails now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        started = timezone.now()
        result = services.reminders_run(today=today, batch_size=options["batch_size"])
        services.emails_send_urgent()
        # Without a broker the delivery above already e-mailed the urgent ones
        # (tasks run in-process): count every urgent e-mail this run sent.
        urgent = Notification.objects.filter(
            email_state=Notification.Email.SENT, emailed_at__gte=started
        ).count()
        self.stdout.write(
            f"Reminders: {result['reported']} due, {result['delivered']} delivered now; "
            f"{urgent} urgent e-mail{'' if urgent == 1 else 's'} sent."
        )
        if options["digest"]:
            digests = services.digests_send(today=today)
            self.stdout.write(f"Digests: {digests} e-mail(s) sent.")
