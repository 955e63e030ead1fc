"""Writing to the audit trail.

Every service that creates, changes, views or exports case data calls
record() inside its own transaction, so the event and the change commit or
roll back together. Secrets are masked before they reach the row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone

from pastoral.access import Cap, Scope, require
from pastoral.audit import context
from pastoral.audit.context import client_ip as client_ip
from pastoral.models import AuditChainHead, AuditEvent, Learner, Membership, School, User

GENESIS = "0" * 64
# A changed field is masked when a word of its name is one of these (so
# "new_password" and "otp_secret" are, "key_worker" and "monkey" are not), or
# its name ends in "key" ("api_key", "secret_key").
SECRET_WORDS = frozenset(
    {"password", "passwd", "secret", "token", "tokens", "otp", "totp", "recovery", "pin"}
)
MASK = "••••••"


def _is_secret(name: str) -> bool:
    words = [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]
    return bool(words) and (
        any(w in SECRET_WORDS or w.startswith("password") for w in words) or words[-1] == "key"
    )


def _mask(changes: Mapping[str, Any]) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for key, value in changes.items():
        if _is_secret(str(key)):
            masked[key] = MASK
        elif isinstance(value, Mapping):
            masked[key] = _mask(value)
        else:
            masked[key] = value
    return masked


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
    request: HttpRequest | None = None,  # ignored: facts come from audit.context
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
    facts = context.current()
    with transaction.atomic():
        school_key = school.pk if school is not None else 0
        # One locking read in the steady state; the head row is made on first use.
        head = AuditChainHead.objects.select_for_update().filter(school_key=school_key).first()
        if head is None:
            AuditChainHead.objects.get_or_create(school_key=school_key)
            head = AuditChainHead.objects.select_for_update().get(school_key=school_key)
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
            ip=facts.ip,
            user_agent=facts.user_agent,
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(pk=head.pk).update(seq=event.seq, last_hash=event.hash)
    return event


READ_SUFFIXES = (".viewed", ".searched", ".listed")


def viewed(
    scope: Scope,
    obj: models.Model | None = None,
    *,
    action: str | None = None,
    learners: Iterable[Learner] = (),
    **details: Any,
) -> list[AuditEvent]:
    """Record that `scope.user` saw case data: the one call every page that
    shows case data makes, once, after it has what it shows (never for a
    refused or invalid request).

    `action` defaults to "<app>.<model>.viewed" of `obj`; lists and searches
    pass their own ("safeguarding.concerns.searched"). One event per learner
    in `learners` (or `obj` itself when it is a learner), so each child's
    "who has seen this" history is complete; `details` are stored as the
    event's changes (filters, page number).
    """
    if action is None:
        if obj is None:
            raise ValueError("audit.viewed needs an object or an action name")
        action = f"{obj._meta.app_label}.{obj._meta.model_name}.viewed"
    if not action.endswith(READ_SUFFIXES):
        raise ValueError(f"audit.viewed records reads only, not {action!r}")
    people = list(learners) or ([obj] if isinstance(obj, Learner) else [None])
    return [
        record(
            action,
            actor=scope.user,
            school=scope.school,
            obj=obj,
            learner=learner,
            changes=details,
        )
        for learner in people
    ]


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value changed, as {"field": {"from": old, "to": new}}."""
    return {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _chain_keys() -> list[int]:
    """Every chain that has a head or any event: a row inserted for a school
    that never had a chain still has to be looked at."""
    heads = set(AuditChainHead.objects.values_list("school_key", flat=True))
    schools = set(AuditEvent.objects.order_by().values_list("school_id", flat=True).distinct())
    return sorted(heads | {key or 0 for key in schools})


def verify_chain(school_key: int | None = None) -> tuple[int, str | None]:
    """Check every chain (or one). Returns (events checked, first problem or None).

    Each event must carry the next sequence number of its school, link to the
    hash of the event before it, and hash to its own stored hash; the chain head
    must point at the last event. So an altered row, a removed row (anywhere,
    including the end) and a row inserted or reordered behind the application's
    back each break the chain at a named event.
    """
    keys = _chain_keys() if school_key is None else [school_key]
    heads = {h.school_key: h for h in AuditChainHead.objects.filter(school_key__in=keys)}
    checked = 0
    for key in keys:
        qs = (
            AuditEvent.objects.filter(school__isnull=True)
            if key == 0
            else AuditEvent.objects.filter(school_id=key)
        )
        prev = GENESIS
        expected_seq = 1
        head = heads.get(key)
        for event in qs.order_by("seq", "id").iterator(chunk_size=2000):
            checked += 1
            label = f"event id={event.pk} (school {key or '-'}, seq {event.seq}, {event.action})"
            if event.seq != expected_seq:
                what = "removed" if event.seq > expected_seq else "inserted"
                return (
                    checked,
                    f"{label}: expected seq {expected_seq}; an event was {what} before it",
                )
            if event.prev_hash != prev:
                return (
                    checked,
                    f"{label}: does not link to the previous event (reordered or inserted)",
                )
            if event.compute_hash() != event.hash:
                return checked, f"{label}: contents do not match its hash (altered)"
            if head is None or event.seq > head.seq:
                return checked, f"{label}: is beyond the end of its chain (inserted)"
            prev = event.hash
            expected_seq += 1
        if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
            return (
                checked,
                f"chain of school {key or '-'}: ends at seq {expected_seq - 1} but its head "
                f"records seq {head.seq}; the last event(s) were removed",
            )
    return checked, None


# --- reading the trail (the DSL's audit screens) -----------------------------


def events_for(scope: Scope) -> models.QuerySet[AuditEvent]:
    """Events a DSL may read: everything recorded in their school, plus the
    school-less sign-in events of people who work there (not other schools'
    staff). Refuses (404) without Cap.READ_AUDIT."""
    require(scope, Cap.READ_AUDIT)
    members = Membership.objects.filter(school=scope.school).values("user_id")
    return (
        AuditEvent.objects.filter(
            models.Q(school=scope.school)
            | models.Q(school__isnull=True, actor_id__in=members)
            # Failed sign-ins have no actor: they name the account they tried.
            | models.Q(
                school__isnull=True,
                actor__isnull=True,
                object_type="pastoral.user",
                object_id__in=members.annotate(uid=Cast("user_id", models.CharField())).values(
                    "uid"
                ),
            )
        )
        .select_related("actor", "learner")
        .order_by("-created_at", "-id")
    )


def object_history_for(
    scope: Scope, object_type: str, object_id: str
) -> models.QuerySet[AuditEvent]:
    """Who has seen or changed one record: its events in the scope's school."""
    return events_for(scope).filter(
        school=scope.school, object_type=object_type, object_id=object_id
    )
