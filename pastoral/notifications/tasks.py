"""Celery tasks for reminders and e-mail. Small and idempotent: the state
lives in the database (Reminder and Notification rows), never in a message,
so a task that runs twice, is retried, or dies mid-way does no harm: the next
run picks up whatever is still pending."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from pastoral.notifications import services


@shared_task(name="notifications.run_reminders")
def run_reminders(today: str | None = None, batch_size: int = services.DELIVERY_BATCH) -> dict:
    """Beat's periodic job (and `manage.py run_reminders`): materialise, deliver."""
    day = dt.date.fromisoformat(today) if today else None
    return services.reminders_run(today=day, batch_size=batch_size)


@shared_task(name="notifications.deliver_reminders")
def deliver_reminders(batch_size: int = services.DELIVERY_BATCH) -> int:
    """Deliver whatever is pending (several workers may run this at once)."""
    return services.reminders_deliver(batch_size=batch_size)


@shared_task(name="notifications.send_urgent_emails")
def send_urgent_emails() -> int:
    return services.emails_send_urgent()


@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    return services.digests_send()
