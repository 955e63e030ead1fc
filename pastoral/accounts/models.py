"""Bookkeeping for sign-in: which sessions belong to which person.

Django's database sessions do not index the user, so ending every session of a
deactivated person would mean decoding the whole session table. A row per
signed-in session lets `user_deactivate` delete exactly theirs, at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class UserSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"session of {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """A one-time link by which a member of staff sets their password and enrols
    their authenticator (an invitation), or enrols a new authenticator after the
    administrator reset a lost one (a re-enrolment). Only a SHA-256 hash of the
    link's token is stored: the token itself is in the e-mail and nowhere else.
    """

    class Purpose(models.TextChoices):
        INVITE = "invite", "Invitation"
        REENROL = "reenrol", "Second factor re-enrolment"

    class State(models.TextChoices):
        PENDING = "pending", "Sent, not yet used"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    school = models.ForeignKey("pastoral.School", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.INVITE)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    times_sent = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Wrong passwords typed on a re-enrolment link; the link dies at the limit.
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.email}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state_label(self) -> str:
        return self.State(self.state).label

    @property
    def usable(self) -> bool:
        return self.state == self.State.PENDING
