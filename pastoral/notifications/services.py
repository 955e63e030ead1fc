"""Writes for notifications and reminders.

Exactly once, and why it holds:

* materialising (`reminders_materialise`) inserts with ignore_conflicts
  against the Reminder unique key (kind, recipient, object, due date): two
  beats, a retry or yesterday's run can only ever produce one row;
* delivering (`reminders_deliver_batch`) claims pending rows with
  SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite has no row locks,
  but Pastoral opens SQLite transactions IMMEDIATE, so writers queue), creates
  their notifications and marks them sent in ONE transaction. A worker killed
  mid-batch rolls the whole batch back: nothing half-sent, the rows are
  pending again for the next run. Notification.reminder is one-to-one, so the
  database itself refuses a second notification for a reminder.

E-mail leaves the database, so it cannot be part of a transaction: urgent
e-mails (and digests) are claimed, sent and marked in one transaction, which
makes them at-least-once: a process killed after the mail server accepted a
message but before the commit sends that batch again. For safeguarding that
is the right side to err on (a duplicate escalation, never a lost one).

Notifications and reminders hold no case content (titles name the kind of
event and a reference), so they are not audited; following a link is, by the
page it leads to.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from pastoral.access import Scope
from pastoral.models import School, User
from pastoral.notifications import registry
from pastoral.notifications.models import Notification, NotificationPreference, Reminder

log = logging.getLogger(__name__)

DELIVERY_BATCH = 500
EMAIL_BATCH = 200


def notifications_create(
    *,
    recipients: Iterable[User],
    school: School,
    kind: str,
    title: str,
    url: str = "",
    obj: models.Model | None = None,
    urgent: bool = False,
) -> list[Notification]:
    """Notify each recipient once (duplicates in `recipients` are dropped).

    `title` must not contain learner details (e.g. "New concern C-123 logged").
    Urgent notifications are e-mailed straight away, after the caller's
    transaction commits (never for a change that rolled back).
    """
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                school=school,
                kind=kind,
                title=title,
                url=url,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                urgent=urgent,
            )
        )
    created = Notification.objects.bulk_create(rows)
    if urgent and created:
        _enqueue_urgent_emails()
    return created


def _enqueue_urgent_emails() -> None:
    """After commit, ask a worker to send the urgent e-mails now.

    With the broker down this must not fail the request that just saved a
    concern: the e-mails stay pending and the next reminder run sends them.
    """
    from kombu.exceptions import OperationalError

    from pastoral.notifications.tasks import send_urgent_emails

    def enqueue() -> None:
        try:
            send_urgent_emails.apply_async(retry=False)
        except (OperationalError, OSError):
            log.warning("Broker unreachable: urgent e-mails stay pending for the next reminder run")

    transaction.on_commit(enqueue)


def _claim(queryset: models.QuerySet) -> models.QuerySet:
    """Lock the rows for this transaction, skipping rows another worker holds."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


# --- Reminders ---------------------------------------------------------------


def reminders_materialise(*, today: dt.date, schools: Iterable[School] | None = None) -> int:
    """Record every reminder due today, for every school and registered kind.

    Idempotent: rows that exist already (pending or sent) are left alone.
    Returns how many due reminders the kinds reported (inserted or not).
    """
    reported = 0
    for school in schools if schools is not None else School.objects.order_by("pk"):
        rows = [
            Reminder(
                school=school,
                kind=kind.code,
                recipient_id=due.recipient_id,
                object_type=due.object_type,
                object_id=str(due.object_id),
                due_date=due.due_date,
                title=due.title[:200],
                url=due.url[:300],
                urgent=kind.urgent,
            )
            for kind in registry.kinds()
            for due in kind.find_due(school, today)
        ]
        reported += len(rows)
        with transaction.atomic():
            Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return reported


def reminders_deliver_batch(*, batch_size: int = DELIVERY_BATCH) -> int:
    """Deliver up to `batch_size` pending reminders; returns how many.

    Claim, notify and mark sent commit together, in a constant number of
    queries whatever the batch holds.
    """
    with transaction.atomic():
        claimed = list(
            _claim(Reminder.objects.filter(state=Reminder.State.PENDING).order_by("id"))[
                :batch_size
            ]
        )
        if not claimed:
            return 0
        now = timezone.now()
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=reminder.recipient_id,
                    school_id=reminder.school_id,
                    kind=reminder.kind,
                    title=reminder.title,
                    url=reminder.url,
                    object_type=reminder.object_type,
                    object_id=reminder.object_id,
                    urgent=reminder.urgent,
                    created_at=now,
                    reminder_id=reminder.pk,
                )
                for reminder in claimed
            ]
        )
        Reminder.objects.filter(pk__in=[reminder.pk for reminder in claimed]).update(
            state=Reminder.State.SENT, sent_at=now
        )
        if any(reminder.urgent for reminder in claimed):
            _enqueue_urgent_emails()
    return len(claimed)


def reminders_deliver(*, batch_size: int = DELIVERY_BATCH, max_batches: int | None = None) -> int:
    """Deliver pending reminders batch by batch until none is left."""
    delivered = batches = 0
    while max_batches is None or batches < max_batches:
        count = reminders_deliver_batch(batch_size=batch_size)
        if not count:
            break
        delivered += count
        batches += 1
    return delivered


def reminders_run(
    *, today: dt.date | None = None, batch_size: int = DELIVERY_BATCH
) -> dict[str, int]:
    """The periodic job: record what is due, then deliver it. Safe to run twice at once."""
    today = today or timezone.localdate()
    reported = reminders_materialise(today=today)
    delivered = reminders_deliver(batch_size=batch_size)
    return {"reported": reported, "delivered": delivered}


# --- Reading and preferences -------------------------------------------------


def notification_mark_read(*, scope: Scope, notification: Notification) -> Notification:
    """Mark one of the person's notifications read (404 if it is not theirs here)."""
    if notification.recipient_id != scope.user.pk or notification.school_id != scope.school.pk:
        raise Http404("Not found")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, scope: Scope, kind: str = "") -> int:
    """Mark every unread notification of the person in this school read (of one kind, if given)."""
    unread = Notification.objects.filter(
        recipient=scope.user, school=scope.school, read_at__isnull=True
    )
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


def preference_update(
    *, scope: Scope, urgent_email: bool, digest_email: bool
) -> NotificationPreference:
    """Save the person's e-mail preferences (in-app notifications are always on)."""
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
            user=scope.user
        )
        preference.urgent_email = urgent_email
        preference.digest_email = digest_email
        preference.full_clean()
        preference.save()
    return preference


# --- E-mail --------------------------------------------------------------------


def _open_link(notification_id: int) -> str:
    return settings.SITE_URL + reverse("notifications:open", kwargs={"pk": notification_id})


def reference(notification: Notification) -> str:
    return f"N-{notification.pk}"


def _wants(user: User, field: str) -> bool:
    try:
        preference = user.notification_preference
    except NotificationPreference.DoesNotExist:
        return True
    return bool(getattr(preference, field))


def _urgent_message(notification: Notification) -> EmailMessage:
    # School e-mail is not a safe channel for case content: the title (which
    # by contract names no learner), a reference and a link, nothing more.
    body = (
        f"Hello {notification.recipient.get_short_name()},\n\n"
        f"Something urgent needs you in Pastoral ({notification.school.name}):\n\n"
        f"  {notification.title}\n  Reference: {reference(notification)}\n\n"
        f"Open it (you will be asked to sign in): {_open_link(notification.pk)}\n\n"
        "This e-mail deliberately contains no details about any learner.\n"
        "Change which e-mails you get: "
        f"{settings.SITE_URL}{reverse('notifications:preferences')}\n"
    )
    return EmailMessage(
        subject=f"[Pastoral] Urgent: {notification.title}",
        body=body,
        to=[notification.recipient.email],
    )


def emails_send_urgent(*, batch_size: int = EMAIL_BATCH) -> int:
    """E-mail urgent notifications not e-mailed yet; returns how many were sent."""
    sent = 0
    while True:
        with transaction.atomic():
            claimed = list(
                _claim(
                    Notification.objects.filter(
                        urgent=True, email_state=Notification.Email.PENDING
                    ).order_by("id")
                ).select_related("recipient__notification_preference", "school")[:batch_size]
            )
            if not claimed:
                return sent
            wanted = [
                n for n in claimed if n.recipient.is_active and _wants(n.recipient, "urgent_email")
            ]
            if wanted:
                with get_connection() as mail:
                    mail.send_messages([_urgent_message(n) for n in wanted])
            now = timezone.now()
            wanted_ids = [n.pk for n in wanted]
            Notification.objects.filter(pk__in=wanted_ids).update(
                email_state=Notification.Email.SENT, emailed_at=now
            )
            Notification.objects.filter(pk__in=[n.pk for n in claimed]).exclude(
                pk__in=wanted_ids
            ).update(email_state=Notification.Email.NONE)
            sent += len(wanted)


def _digest_message(user: User, notifications: list[Notification], today: dt.date) -> EmailMessage:
    lines = [
        f"Hello {user.get_short_name()},",
        "",
        f"Your Pastoral digest for {today:%A %-d %B %Y}: {len(notifications)} "
        f"notification{'s' if len(notifications) != 1 else ''}.",
        "",
    ]
    by_school: dict[str, list[Notification]] = defaultdict(list)
    for notification in notifications:
        by_school[notification.school.name].append(notification)
    for school_name, items in sorted(by_school.items()):
        lines.append(school_name)
        for notification in items:
            lines.append(
                f"  - {notification.title} ({reference(notification)}): "
                f"{_open_link(notification.pk)}"
            )
        lines.append("")
    lines += [
        "This e-mail deliberately contains no details about any learner.",
        f"Change which e-mails you get: {settings.SITE_URL}{reverse('notifications:preferences')}",
    ]
    return EmailMessage(
        subject=f"[Pastoral] Your daily digest: {len(notifications)} notification"
        f"{'s' if len(notifications) != 1 else ''}",
        body="\n".join(lines) + "\n",
        to=[user.email],
    )


def digests_send(*, today: dt.date | None = None, people_per_batch: int = 100) -> int:
    """One e-mail per person listing their notifications not e-mailed yet.

    Urgent ones were e-mailed on their own already. People who turned the
    digest off get nothing (their rows are marked so, not left pending).
    Returns how many digests were sent.
    """
    today = today or timezone.localdate()
    sent = 0
    while True:
        with transaction.atomic():
            pending = Notification.objects.filter(
                urgent=False, email_state=Notification.Email.PENDING
            )
            recipient_ids = list(
                pending.order_by("recipient_id")
                .values_list("recipient_id", flat=True)
                .distinct()[:people_per_batch]
            )
            if not recipient_ids:
                return sent
            claimed = list(
                _claim(
                    pending.filter(recipient_id__in=recipient_ids).order_by(
                        "recipient_id", "created_at", "id"
                    )
                ).select_related("recipient__notification_preference", "school")
            )
            if not claimed:
                return sent  # another run holds them all
            per_person: dict[int, list[Notification]] = defaultdict(list)
            for notification in claimed:
                per_person[notification.recipient_id].append(notification)
            messages, mailed_ids, skipped_ids = [], [], []
            for items in per_person.values():
                user = items[0].recipient
                ids = [n.pk for n in items]
                if user.is_active and _wants(user, "digest_email"):
                    messages.append(_digest_message(user, items, today))
                    mailed_ids += ids
                else:
                    skipped_ids += ids
            if messages:
                with get_connection() as mail:
                    mail.send_messages(messages)
            now = timezone.now()
            Notification.objects.filter(pk__in=mailed_ids).update(
                email_state=Notification.Email.SENT, emailed_at=now
            )
            Notification.objects.filter(pk__in=skipped_ids).update(
                email_state=Notification.Email.NONE
            )
            sent += len(messages)
