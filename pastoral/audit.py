"""Writing to the audit trail.

Every service that creates, changes, views or exports case data calls
record() inside its own transaction, so the event and the change commit or
roll back together. Secrets are masked before they reach the row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from pastoral.models import AuditChainHead, AuditEvent, Learner, School, User

GENESIS = "0" * 64
SECRET_KEYS = ("password", "secret", "token", "otp", "key", "recovery")
MASK = "••••••"


def _mask(changes: Mapping[str, Any]) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for key, value in changes.items():
        if any(word in key.lower() for word in SECRET_KEYS):
            masked[key] = MASK
        elif isinstance(value, Mapping):
            masked[key] = _mask(value)
        else:
            masked[key] = value
    return masked


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor: User | None,
    school: School | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    learner: Learner | None = None,
    changes: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the school's chain and return it.

    `action` is a dotted name such as "safeguarding.concern.viewed".
    `changes` maps field names to values or to {"from": .., "to": ..}.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    if learner is None and isinstance(obj, Learner):
        learner = obj
    actor_label = "system"
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor.email
    elif actor is not None:
        actor = None
    with transaction.atomic():
        school_key = school.pk if school is not None else 0
        head, _ = AuditChainHead.objects.get_or_create(school_key=school_key)
        head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
        event = AuditEvent(
            school=school,
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            learner=learner,
            # Round-trip through JSON so the hash covers exactly what is stored.
            changes=json.loads(json.dumps(_mask(changes or {}), default=str)),
            ip=client_ip(request),
            user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(pk=head.pk).update(seq=event.seq, last_hash=event.hash)
    return event


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value changed, as {"field": {"from": old, "to": new}}."""
    return {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def verify_chain(school_key: int | None = None) -> tuple[int, str | None]:
    """Check every chain (or one). Returns (events checked, first problem or None)."""
    keys: list[int]
    if school_key is None:
        keys = list(
            AuditChainHead.objects.order_by("school_key").values_list("school_key", flat=True)
        )
    else:
        keys = [school_key]
    checked = 0
    for key in keys:
        qs = (
            AuditEvent.objects.filter(school__isnull=True)
            if key == 0
            else AuditEvent.objects.filter(school_id=key)
        )
        prev = GENESIS
        expected_seq = 1
        for event in qs.order_by("seq").iterator(chunk_size=2000):
            checked += 1
            label = f"event id={event.pk} (school {key or '-'}, seq {event.seq}, {event.action})"
            if event.seq != expected_seq:
                return (
                    checked,
                    f"{label}: expected seq {expected_seq}; an event was removed or inserted",
                )
            if event.prev_hash != prev:
                return checked, f"{label}: does not link to the previous event"
            if event.compute_hash() != event.hash:
                return checked, f"{label}: contents do not match its hash (altered)"
            prev = event.hash
            expected_seq += 1
        head = AuditChainHead.objects.filter(school_key=key).first()
        if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
            return (
                checked,
                f"chain of school {key or '-'}: the last event(s) were removed (head at seq {head.seq})",
            )
    return checked, None
