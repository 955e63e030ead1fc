"""In-app notifications, due reminders and each person's e-mail preferences.

Notifications carry no case content: a title naming the kind of event and a
reference, and a link that is access-checked again when followed.

A Reminder row is "this person should hear about this object for this due
date". Its unique constraint is the idempotency key: however many times the
periodic job runs, a (kind, recipient, object, due date) exists once, and the
Notification it produces is tied to it one-to-one, so it is delivered once.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Reminder(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    recipient = models.ForeignKey("pastoral.User", on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    due_date = models.DateField()
    title = models.CharField(max_length=200, help_text="No learner details.")
    url = models.CharField(max_length=300, blank=True)
    urgent = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "object_type", "object_id", "due_date"],
                name="reminder_once_per_object_and_due_date",
            ),
        ]
        indexes = [
            # The delivery job only ever scans pending rows, oldest first.
            models.Index(
                fields=["id"],
                condition=models.Q(state="pending"),
                name="reminder_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} due {self.due_date}"


class Notification(models.Model):
    class Email(models.TextChoices):
        PENDING = "pending", "Not e-mailed yet"
        SENT = "sent", "E-mailed"
        NONE = "none", "No e-mail (preference)"

    recipient = models.ForeignKey(
        "pastoral.User", on_delete=models.CASCADE, related_name="notifications"
    )
    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    title = models.CharField(
        max_length=200, help_text="No learner details: kind of event and a reference."
    )
    url = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The reminder this notification delivers: unique, so a reminder can never
    # produce two notifications even if two deliveries raced past every lock.
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    email_state = models.CharField(max_length=8, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "school", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["recipient", "school", "-created_at"], name="notification_list_idx"
            ),
            models.Index(
                fields=["urgent", "id"],
                condition=models.Q(email_state="pending"),
                name="notification_email_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How a person wants to hear about things by e-mail (in-app is always on)."""

    user = models.OneToOneField(
        "pastoral.User", on_delete=models.CASCADE, related_name="notification_preference"
    )
    urgent_email = models.BooleanField(
        "E-mail me straight away about urgent notifications",
        default=True,
        help_text="New concerns for the safeguarding team and escalations.",
    )
    digest_email = models.BooleanField(
        "Send me a daily digest e-mail of everything else",
        default=True,
        help_text="One e-mail a day listing the other notifications of the day.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"
