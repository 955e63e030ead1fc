"""Each school's chain of audit events: appending, sealing and verifying.

Writes that change case data are chained at once, inside the writer's own
transaction, under a lock on the school's chain head. Read events (page
views, searches, lists) are far more frequent and must not queue behind that
lock: they are inserted unsealed (a plain INSERT, no lock), and `seal()` later
gives them, in the order they were inserted, their place in the chain: seq,
the MAC of the event before, and their own MAC. Chained writes seal whatever
is pending first, so the chain stays in time order; a Celery beat job seals
every few seconds; verify_audit seals before it checks. An unsealed event is
already an immutable row (the database refuses every change but sealing) and
shows in the DSL's audit screens at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pastoral.audit import keys
from pastoral.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
READ_SUFFIXES = (".viewed", ".searched", ".listed")
ROTATED = "audit.key.rotated"
SEAL_BATCH = 5000


def is_read(action: str) -> bool:
    return action.endswith(READ_SUFFIXES)


def school_key_of(school_id: int | None) -> int:
    return school_id or 0


def events_of(school_key: int) -> Any:
    if school_key == 0:
        return AuditEvent.objects.filter(school__isnull=True)
    return AuditEvent.objects.filter(school_id=school_key)


class Chain:
    """One school's chain, its head locked for the enclosing transaction."""

    def __init__(self, school_key: int) -> None:
        self.school_key = school_key
        head = AuditChainHead.objects.select_for_update().filter(school_key=school_key).first()
        if head is None:
            AuditChainHead.objects.get_or_create(school_key=school_key)
            head = AuditChainHead.objects.select_for_update().get(school_key=school_key)
        self.head = head
        self.key_id, self.key = keys.current()
        self._moved = False

    def _link(self, event: AuditEvent) -> None:
        event.seq = self.head.seq + 1
        event.prev_hash = self.head.last_hash
        event.key_id = self.key_id
        event.hash = event.compute_mac(self.key)
        self.head.seq, self.head.last_hash, self.head.key_id = event.seq, event.hash, self.key_id
        self._moved = True

    def _rotate_if_needed(self) -> None:
        """A chain signed so far with another key records the change of key
        (naming both ids, never a key) before its first event under the new one."""
        if self.head.seq and self.head.key_id and self.head.key_id != self.key_id:
            rotation = AuditEvent(
                school_id=self.school_key or None,
                created_at=timezone.now(),
                actor_label="system",
                action=ROTATED,
                changes={"from_key": self.head.key_id, "to_key": self.key_id},
            )
            self._link(rotation)
            rotation.save()

    def append(self, event: AuditEvent) -> AuditEvent:
        """Chain and insert a new event."""
        self._rotate_if_needed()
        self._link(event)
        event.save()
        return event

    def seal_pending(self, limit: int = SEAL_BATCH) -> int:
        """Seal this school's unsealed events, oldest first. Returns how many."""
        pending = list(events_of(self.school_key).filter(seq__isnull=True).order_by("id")[:limit])
        if not pending:
            return 0
        self._rotate_if_needed()
        for event in pending:
            self._link(event)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {AuditEvent._meta.db_table} SET seq = %s, prev_hash = %s, hash = %s, "  # noqa: S608
                "key_id = %s WHERE id = %s AND seq IS NULL",
                [(e.seq, e.prev_hash, e.hash, e.key_id, e.pk) for e in pending],
            )
        return len(pending)

    def save(self) -> None:
        if self._moved:
            AuditChainHead.objects.filter(pk=self.head.pk).update(
                seq=self.head.seq, last_hash=self.head.last_hash, key_id=self.head.key_id
            )


def append_chained(event: AuditEvent) -> AuditEvent:
    """Chain a write's event in the caller's transaction, after sealing the
    reads that came before it."""
    with transaction.atomic():
        chain = Chain(school_key_of(event.school_id))
        chain.seal_pending()
        chain.append(event)
        chain.save()
    return event


def append_unsealed(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Insert read events without touching the chain (no lock, one INSERT). A
    single event (most pages) is a plain INSERT with no BEGIN/COMMIT around it."""
    rows = list(events)
    if len(rows) == 1:
        rows[0].save(force_insert=True)
        return rows
    return AuditEvent.objects.bulk_create(rows)


def seal(school_key: int | None = None) -> int:
    """Seal every unsealed event (of one chain, or all). Returns how many."""
    if school_key is None:
        school_ids = (
            AuditEvent.objects.filter(seq__isnull=True)
            .order_by()
            .values_list("school_id", flat=True)
            .distinct()
        )
        keys_ = sorted({school_key_of(s) for s in school_ids})
    else:
        keys_ = [school_key]
    total = 0
    for key in keys_:
        while True:
            with transaction.atomic():
                chain = Chain(key)
                done = chain.seal_pending()
                chain.save()
            total += done
            if done < SEAL_BATCH:
                break
    return total


def chain_keys() -> list[int]:
    """Every chain that has a head or any event: a row inserted for a school
    that never had a chain still has to be looked at."""
    heads = set(AuditChainHead.objects.values_list("school_key", flat=True))
    schools = set(AuditEvent.objects.order_by().values_list("school_id", flat=True).distinct())
    return sorted(heads | {school_key_of(key) for key in schools})


def verify_chain(school_key: int | None = None) -> tuple[int, str | None]:
    """Check every chain (or one). Returns (events checked, first problem or None).

    Each sealed event must carry the next sequence number of its school, link
    to the MAC of the event before it, be signed by a known key, and its MAC
    must match its contents under that key; a change of key must be recorded
    by a rotation event; the chain head must point at the last event. So an
    altered row, a removed row (anywhere, including the end), a row inserted or
    reordered behind the application's back, and a chain recomputed without
    the key each fail at a named event. Unsealed events are not yet in a chain.
    """
    known = keys.known()
    keys_ = chain_keys() if school_key is None else [school_key]
    heads = {h.school_key: h for h in AuditChainHead.objects.filter(school_key__in=keys_)}
    checked = 0
    for key in keys_:
        prev, prev_key_id, expected_seq = GENESIS, "", 1
        head = heads.get(key)
        events = events_of(key).filter(seq__isnull=False).order_by("seq", "id")
        for event in events.iterator(chunk_size=2000):
            checked += 1
            label = f"event id={event.pk} (school {key or '-'}, seq {event.seq}, {event.action})"
            problem = _check_event(event, expected_seq, prev, prev_key_id, known, head)
            if problem:
                return checked, f"{label}: {problem}"
            prev, prev_key_id = event.hash, event.key_id
            expected_seq += 1
        if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
            return (
                checked,
                f"chain of school {key or '-'}: ends at seq {expected_seq - 1} but its head "
                f"records seq {head.seq}; the last event(s) were removed",
            )
    return checked, None


def _check_event(
    event: AuditEvent,
    expected_seq: int,
    prev: str,
    prev_key_id: str,
    known: dict[str, bytes],
    head: AuditChainHead | None,
) -> str | None:
    if event.seq != expected_seq:
        what = "removed" if (event.seq or 0) > expected_seq else "inserted"
        return f"expected seq {expected_seq}; an event was {what} before it"
    if event.prev_hash != prev:
        return "does not link to the previous event (reordered or inserted)"
    key = known.get(event.key_id)
    if key is None:
        return (
            f"is signed with key id {event.key_id!r}, which is not configured "
            "(AUDIT_KEY / AUDIT_PREVIOUS_KEYS), so it cannot be trusted"
        )
    if event.compute_mac(key) != event.hash:
        return "contents do not match its MAC (altered, or recomputed without the audit key)"
    if prev_key_id and event.key_id != prev_key_id:
        changes = event.changes or {}
        if event.action != ROTATED or changes.get("to_key") != event.key_id:
            return f"changes key from {prev_key_id} to {event.key_id} without a rotation event"
    if head is None or (event.seq or 0) > head.seq:
        return "is beyond the end of its chain (inserted)"
    return None
