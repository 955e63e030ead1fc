"""The audit trail: append-only, chained per school with a keyed MAC.

Rows are written only by pastoral.audit. Each sealed event carries its
position in its school's chain (`seq`), the MAC of the event before it
(`prev_hash`) and its own MAC (`hash`): HMAC-SHA-256 under the key named by
`key_id`, which lives in the environment (AUDIT_KEY), never in the database.
Read events (views, searches, lists) are inserted unsealed (`seq` is null) and
sealed into the chain shortly after by pastoral.audit.chain.seal(); sealing is
the only change a row ever takes. The model refuses updates and deletes; on
PostgreSQL triggers refuse them too, and TRUNCATE (migration 0005), and
`manage.py verify_audit` re-computes every chain to prove nothing was altered,
removed, inserted or re-signed without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.db import models


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")

    # bulk_update goes through update(); bulk_create is allowed only via record().


class AuditEvent(models.Model):
    school = models.ForeignKey(
        "pastoral.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Position in the school's chain, from 1; null until sealed"
    )
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        "pastoral.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(
        max_length=254, blank=True, help_text="e-mail at the time, or 'system'"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    learner = models.ForeignKey(
        "pastoral.Learner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, help_text="MAC of the event before")
    hash = models.CharField(max_length=64, blank=True, help_text="this event's MAC")
    key_id = models.CharField(max_length=16, blank=True, help_text="which AUDIT_KEY signed it")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "seq"], name="auditevent_unique_seq")
        ]
        indexes = [
            models.Index(fields=["school", "learner", "-created_at"]),
            models.Index(fields=["school", "object_type", "object_id"]),
            models.Index(fields=["school", "actor", "-created_at"]),
            # The sealer's work list: unsealed events of one school, oldest first.
            models.Index(
                fields=["school", "id"],
                condition=models.Q(seq__isnull=True),
                name="auditevent_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")

    @property
    def sealed(self) -> bool:
        return self.seq is not None

    def payload(self) -> str:
        """The canonical text that the MAC covers."""
        return json.dumps(
            {
                "school": self.school_id,
                "seq": self.seq,
                "created_at": self.created_at.isoformat(),
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "learner": self.learner_id,
                "changes": self.changes,
                "ip": self.ip,
                "user_agent": self.user_agent,
                "prev_hash": self.prev_hash,
                "key_id": self.key_id,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_mac(self, key: bytes) -> str:
        return hmac.new(key, self.payload().encode(), hashlib.sha256).hexdigest()


class AuditChainHead(models.Model):
    """The last link of one school's chain; locked while events are chained.

    On PostgreSQL a trigger lets it move forward only (migration 0005)."""

    school_key = models.PositiveBigIntegerField(
        unique=True, help_text="school id, or 0 for events with no school"
    )
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True, help_text="key of the last event")

    def __str__(self) -> str:
        return f"chain {self.school_key} at {self.seq}"
