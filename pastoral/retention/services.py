"""Every write of retention: legal holds, the school's own rules, disposal.

Disposal deletes a learner's records of one type in one transaction (the
app that holds them does the deleting, through its registered disposer),
leaves a tombstone and writes one audit event; the attached files are
removed from storage once that transaction has committed, so a failed
disposal leaves every file in place. Audit events are never deleted: they
name the records, they are not the records.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.access import Scope
from pastoral.models import DisposalTombstone, Learner, LegalHold, RetentionRule
from pastoral.retention import selectors
from pastoral.retention.registry import Disposed, RecordType
from pastoral.retention.selectors import DueItem, kind_of, require_kind

log = logging.getLogger(__name__)


def _kind_of_covers(covers: str) -> str:
    return selectors.SAFEGUARDING if covers == LegalHold.Covers.SAFEGUARDING else selectors.RECORDS


@transaction.atomic
def hold_place(
    *, scope: Scope, learner: Learner, covers: str, reason: str, details: str
) -> LegalHold:
    """Stop the disposal of a learner's records (safeguarding ones: DSL team only)."""
    scope = require_kind(scope, _kind_of_covers(covers))
    hold = LegalHold(
        school=scope.school,
        learner=learner,
        covers=covers,
        reason=reason,
        details=details.strip(),
        placed_by=scope.user,
    )
    hold.full_clean()
    hold.save()
    audit.record(
        "retention.hold.placed",
        actor=scope.user,
        school=scope.school,
        obj=hold,
        learner=learner,
        changes={"covers": covers, "reason": reason, "details": hold.details},
    )
    return hold


@transaction.atomic
def hold_lift(*, scope: Scope, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a hold (who, when, why); it stays on record."""
    scope = require_kind(scope, _kind_of_covers(hold.covers))
    if not hold.in_force:
        raise ValidationError({"reason": "This hold has already been lifted."})
    hold.lifted_by = scope.user
    hold.lifted_at = timezone.now()
    hold.lift_reason = reason.strip()
    hold.full_clean()
    hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    audit.record(
        "retention.hold.lifted",
        actor=scope.user,
        school=scope.school,
        obj=hold,
        learner=hold.learner,
        changes={"reason": hold.lift_reason},
    )
    return hold


@transaction.atomic
def rule_set(
    *, scope: Scope, record_type: RecordType, years: int | None, reason: str = ""
) -> RetentionRule | None:
    """The school's own period for a type; `years=None` returns it to the default."""
    scope = require_kind(scope, kind_of(record_type))
    current = RetentionRule.objects.filter(school=scope.school, record_type=record_type.key).first()
    before = {"years": current.years if current else None}
    if years is None:
        if current is not None:
            current.delete()
        rule = None
    else:
        if not reason.strip():
            raise ValidationError({"reason": "Say why the school keeps these records this long."})
        rule = current or RetentionRule(school=scope.school, record_type=record_type.key)
        rule.years = years
        rule.reason = reason.strip()
        rule.updated_by = scope.user
        rule.updated_at = timezone.now()
        rule.full_clean()
        rule.save()
    changes = audit.diff(before, {"years": years})
    if changes:
        audit.record(
            "retention.rule.updated",
            actor=scope.user,
            school=scope.school,
            object_type="retention.rule",
            object_id=record_type.key,
            changes={**changes, "reason": reason.strip()},
        )
    return rule


def _same_name(typed: str, learner: Learner) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    return bool(typed.strip()) and norm(typed) in {
        norm(learner.display_name),
        norm(f"{learner.legal_first_name} {learner.legal_last_name}"),
    }


def _refusal(item: DueItem) -> str | None:
    if item.holds:
        hold = item.holds[0]
        return (
            f"Not disposed of: {item.learner.display_name}'s records are on legal hold "
            f"({hold.get_reason_display().lower()}, placed by {hold.placed_by} on "
            f"{hold.placed_at:%-d %b %Y}). Lift the hold first if it no longer applies."
        )
    if item.blockers:
        return "Not disposed of: " + "; ".join(item.blockers) + "."
    if not item.is_due:
        return f"Not disposed of: these records are not due until {item.due_on:%-d %b %Y}."
    return None


@transaction.atomic
def records_dispose(*, scope: Scope, item: DueItem, confirm_name: str) -> DisposalTombstone:
    """Delete a learner's records of one type and leave a tombstone.

    Refused (ValidationError, nothing deleted) under a legal hold, while a
    blocker answers (a pending CP transfer, an open subject access request),
    before the due date, or when the typed name is not the learner's.
    """
    kind = kind_of(item.record_type)
    scope = require_kind(scope, kind)
    learner = item.learner
    # One disposal of a learner at a time, and no hold placed half-way through.
    Learner.objects.select_for_update().filter(pk=learner.pk).first()
    fresh = selectors.item_for(scope, item.record_type.key, learner.pk)
    refusal = _refusal(fresh)
    if refusal:
        raise ValidationError({"__all__": refusal})
    if not _same_name(confirm_name, learner):
        raise ValidationError(
            {"confirm_name": "Type the learner's name exactly as shown to confirm."}
        )
    disposed: Disposed = fresh.record_type.dispose(scope, learner)
    assert fresh.basis_date is not None and fresh.due_on is not None
    tombstone = DisposalTombstone(
        school=scope.school,
        record_type=fresh.record_type.key,
        record_label=fresh.record_type.label,
        safeguarding=fresh.record_type.safeguarding,
        learner=learner,
        learner_name=f"{learner.legal_first_name} {learner.legal_last_name}",
        learner_dob=learner.date_of_birth,
        count=disposed.count,
        files=len(disposed.files),
        rule=f"{fresh.rule.text} ({fresh.rule.source})"[:200],
        basis_date=fresh.basis_date,
        due_on=fresh.due_on,
        disposed_by=scope.user,
    )
    tombstone.full_clean()
    tombstone.save()
    audit.record(
        "retention.records.disposed",
        actor=scope.user,
        school=scope.school,
        obj=tombstone,
        learner=learner,
        changes={
            "record_type": fresh.record_type.key,
            "count": disposed.count,
            "files": len(disposed.files),
            "rule": fresh.rule.text,
            "basis_date": fresh.basis_date.isoformat(),
            "due_on": fresh.due_on.isoformat(),
        },
    )
    files = list(disposed.files)
    transaction.on_commit(lambda: _delete_files(files))
    return tombstone


def _delete_files(files: list) -> None:  # type: ignore[type-arg]
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - a file already gone is not an error
            log.warning("retention: could not delete %s", name)
