"""Writing to and reading the audit trail.

Every service that creates, changes or exports case data calls record()
inside its own transaction, so the event and the change commit or roll back
together; every page that shows case data calls viewed() once, on success.
Secrets are masked before they reach the row. How events are chained, sealed
and verified: pastoral/audit/chain.py; checkpoints kept outside the database:
pastoral/audit/checkpoints.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from pastoral.access import Cap, Scope, require
from pastoral.audit import chain, context
from pastoral.audit.chain import GENESIS as GENESIS
from pastoral.audit.chain import seal as seal
from pastoral.audit.chain import verify_chain as verify_chain
from pastoral.audit.context import client_ip as client_ip
from pastoral.models import AuditEvent, Learner, Membership, School, User

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


def _event(
    action: str,
    *,
    actor: User | None,
    school: School | None,
    obj: models.Model | None,
    object_type: str,
    object_id: str | int,
    learner: Learner | None,
    changes: Mapping[str, Any] | None,
) -> AuditEvent:
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
    return AuditEvent(
        school=school,
        created_at=timezone.now(),
        actor=actor,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id != "" else "",
        learner=learner,
        # Round-trip through JSON so the MAC covers exactly what is stored.
        changes=json.loads(json.dumps(_mask(changes or {}), default=str)),
        ip=facts.ip,
        user_agent=facts.user_agent,
    )


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
) -> AuditEvent:
    """Append one event to the school's trail and return it.

    `action` is a dotted name such as "safeguarding.concern.created".
    `changes` maps field names to values or to {"from": .., "to": ..}. The
    address and user agent come from the request being served
    (pastoral.audit.context). A write's event is chained at once, in the
    caller's transaction; a read's (.viewed/.searched/.listed) is inserted
    unsealed and sealed into the chain shortly after (pastoral.audit.chain).
    """
    event = _event(
        action,
        actor=actor,
        school=school,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        learner=learner,
        changes=changes,
    )
    if chain.is_read(action):
        return chain.append_unsealed([event])[0]
    return chain.append_chained(event)


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
    refused or invalid request). It takes no lock and writes one INSERT.

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
    if not chain.is_read(action):
        raise ValueError(f"audit.viewed records reads only, not {action!r}")
    people: list[Learner | None] = list(learners) or ([obj] if isinstance(obj, Learner) else [None])
    return chain.append_unsealed(
        _event(
            action,
            actor=scope.user,
            school=scope.school,
            obj=obj,
            object_type="",
            object_id="",
            learner=learner,
            changes=details,
        )
        for learner in people
    )


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value changed, as {"field": {"from": old, "to": new}}."""
    return {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


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
