"""Every read of retention: the review queue, one learner's record of a type,
legal holds and tombstones, each scoped to the person asking.

Who sees what (docs/retention.md): safeguarding record types are the DSL
team's alone (Cap.VIEW_ALL_RESTRICTED); the other types are reviewed by the
school administrator and the DSL team (Cap.REVIEW_RETENTION), who see the
learner's name, the record type, the count, the due date and the rule, never
the records' content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from pastoral.access import Cap, Scope
from pastoral.models import DisposalTombstone, Learner, LegalHold
from pastoral.retention import registry
from pastoral.retention.registry import Basis, Holding, RecordType
from pastoral.retention.rules import Rule, add_years, due_on, rules_for

SAFEGUARDING = "safeguarding"
RECORDS = "records"
KINDS = (SAFEGUARDING, RECORDS)


def can_review(scope: Scope | None, kind: str) -> bool:
    if scope is None:
        return False
    return scope.can(Cap.VIEW_ALL_RESTRICTED if kind == SAFEGUARDING else Cap.REVIEW_RETENTION)


def require_kind(scope: Scope | None, kind: str) -> Scope:
    if kind not in KINDS or scope is None or not can_review(scope, kind):
        raise Http404("Not found")
    return scope


def kind_of(record_type: RecordType) -> str:
    return SAFEGUARDING if record_type.safeguarding else RECORDS


def types_for(scope: Scope | None, kind: str) -> list[RecordType]:
    if not can_review(scope, kind):
        return []
    return registry.record_types(safeguarding=kind == SAFEGUARDING)


def type_for(scope: Scope | None, key: str) -> RecordType:
    """A record type the person may review, or 404."""
    record_type = registry.record_type(key)
    if record_type is None or not can_review(scope, kind_of(record_type)):
        raise Http404("Not found")
    return record_type


@dataclass
class DueItem:
    """One learner's records of one type, and why they are (or are not yet) due."""

    record_type: RecordType
    learner: Learner
    count: int
    rule: Rule
    basis_date: dt.date | None
    due_on: dt.date | None
    holds: list[LegalHold] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    @property
    def is_due(self) -> bool:
        return self.due_on is not None and self.due_on <= timezone.localdate()

    @property
    def on_hold(self) -> bool:
        return bool(self.holds)

    @property
    def can_dispose(self) -> bool:
        return self.is_due and not self.holds and not self.blockers and self.count > 0

    @property
    def why(self) -> str:
        """'Date of birth + 25 years: born 3 Mar 2000, due 3 Mar 2025'."""
        if self.basis_date is None or self.due_on is None:
            return f"{self.rule.text}: not started (the learner has not left)"
        return f"{self.rule.text}: from {self.basis_date:%-d %b %Y}, due {self.due_on:%-d %b %Y}"

    @property
    def status(self) -> str:
        if self.holds:
            return "On legal hold"
        if self.blockers:
            return "Blocked: " + "; ".join(self.blockers)
        return "Due for review" if self.is_due else "Not yet due"


def _covers(kind: str) -> str:
    return LegalHold.Covers.SAFEGUARDING if kind == SAFEGUARDING else LegalHold.Covers.RECORDS


def _holds_of(scope: Scope, kind: str, learner_ids: list[int]) -> dict[int, list[LegalHold]]:
    out: dict[int, list[LegalHold]] = {}
    if not learner_ids:
        return out
    holds = LegalHold.objects.filter(
        school=scope.school,
        covers=_covers(kind),
        lifted_at__isnull=True,
        learner_id__in=learner_ids,
    )
    for hold in holds:
        out.setdefault(hold.learner_id, []).append(hold)
    return out


def _blockers_of(scope: Scope, kind: str, learner_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not learner_ids:
        return out
    for blocker in registry.blockers(safeguarding=kind == SAFEGUARDING):
        for learner_id, why in blocker.fn(scope.school.pk, learner_ids).items():
            out.setdefault(learner_id, []).append(why)
    return out


def _due_learners(scope: Scope, rule: Rule, by: dt.date) -> Any:
    """A subquery of the learners whose rule has run its course by `by`, when the
    rule runs from a learner's own date (birth, leaving); None otherwise."""
    field = {Basis.BIRTH: "date_of_birth", Basis.LEFT: "on_roll_until"}.get(rule.basis)
    if field is None:
        return None
    return Learner.objects.filter(
        school=scope.school, **{f"{field}__lte": add_years(by, -rule.years)}
    ).values("pk")


def _items(
    scope: Scope,
    kind: str,
    types: list[RecordType],
    learner_pk: int | None = None,
    due_by: dt.date | None = None,
) -> list[DueItem]:
    """Each learner's holding of each type; with `due_by`, only the learners whose
    records are due by then (narrowed in SQL where the rule allows)."""
    rules = rules_for(scope.school, types)
    held: dict[str, dict[int, Holding]] = {}
    for t in types:
        learners: Any = None if learner_pk is None else [learner_pk]
        if learners is None and due_by is not None:
            learners = _due_learners(scope, rules[t.key], due_by)
        held[t.key] = t.holdings(scope.school.pk, learners)
    ids = sorted({pk for holdings in held.values() for pk in holdings})
    learners = {
        learner.pk: learner
        for learner in Learner.objects.filter(school=scope.school, pk__in=ids).only(
            "pk",
            "school_id",
            "legal_first_name",
            "legal_last_name",
            "preferred_first_name",
            "preferred_last_name",
            "date_of_birth",
            "on_roll_until",
            "upn",
        )
    }
    items = []
    for t in types:
        rule = rules[t.key]
        for learner_id, holding in held[t.key].items():
            learner = learners.get(learner_id)
            if learner is None or holding.count == 0:
                continue
            dates = due_on(rule, learner, holding)
            start, due = dates if dates else (None, None)
            items.append(DueItem(t, learner, holding.count, rule, start, due))
    return items


def _decorate(scope: Scope, kind: str, items: list[DueItem]) -> list[DueItem]:
    ids = sorted({item.learner.pk for item in items})
    holds = _holds_of(scope, kind, ids)
    blocked = _blockers_of(scope, kind, ids)
    for item in items:
        item.holds = holds.get(item.learner.pk, [])
        item.blockers = blocked.get(item.learner.pk, [])
    return items


def due_for(scope: Scope | None, kind: str, *, record_type: str = "") -> list[DueItem]:
    """The review queue: each learner's records of each type the person reviews
    whose retention date has passed, earliest first, with holds and blockers.

    A fixed number of queries: the rule overrides, one per record type, the
    learners, the holds and one per blocker, whatever the number of rows.
    """
    scope = require_kind(scope, kind)
    types = [t for t in types_for(scope, kind) if not record_type or t.key == record_type]
    today = timezone.localdate()
    items = [
        i
        for i in _items(scope, kind, types, due_by=today)
        if i.due_on is not None and i.due_on <= today
    ]
    items.sort(key=lambda i: (i.due_on, i.learner.last_name, i.learner.first_name, i.learner.pk))
    return _decorate(scope, kind, items)


def item_for(scope: Scope | None, key: str, learner_pk: int) -> DueItem:
    """One learner's records of one type (due or not), or 404 when the person
    may not review the type, the learner is not in their school, or there is
    nothing of that type to review."""
    record_type = type_for(scope, key)
    assert scope is not None
    kind = kind_of(record_type)
    items = _items(scope, kind, [record_type], learner_pk=learner_pk)
    if not items:
        raise Http404("Not found")
    return _decorate(scope, kind, items)[0]


def learner_in_school(scope: Scope, learner_pk: int) -> Learner:
    learner = Learner.objects.filter(school=scope.school, pk=learner_pk).first()
    if learner is None:
        raise Http404("Not found")
    return learner


def holds_for(scope: Scope | None, *, in_force: bool | None = None) -> QuerySet[LegalHold]:
    """The holds the person may see: safeguarding holds the DSL team's only."""
    if scope is None:
        return LegalHold.objects.none()
    covers = [_covers(kind) for kind in KINDS if can_review(scope, kind)]
    qs = LegalHold.objects.filter(school=scope.school, covers__in=covers).select_related(
        "learner", "placed_by", "lifted_by"
    )
    if in_force is not None:
        qs = qs.filter(lifted_at__isnull=in_force)
    return qs.order_by("lifted_at", "-placed_at", "-id")


def hold_for(scope: Scope | None, pk: int) -> LegalHold:
    hold = holds_for(scope).filter(pk=pk).first()
    if hold is None:
        raise Http404("Not found")
    return hold


def tombstones_for(scope: Scope | None, *, school_year: str = "") -> QuerySet[DisposalTombstone]:
    """Tombstones the person may see (safeguarding ones: DSL team only), newest first."""
    if scope is None:
        return DisposalTombstone.objects.none()
    kinds = [kind == SAFEGUARDING for kind in KINDS if can_review(scope, kind)]
    qs = DisposalTombstone.objects.filter(school=scope.school, safeguarding__in=kinds)
    if school_year:
        start, end = year_bounds(school_year)
        qs = qs.filter(disposed_at__date__gte=start, disposed_at__date__lte=end)
    return qs.select_related("disposed_by").order_by("-disposed_at", "-id")


def school_year_of(day: dt.date) -> str:
    """'2026/27' for a date from 1 Sep 2026 to 31 Aug 2027."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def year_bounds(school_year: str) -> tuple[dt.date, dt.date]:
    """1 Sep .. 31 Aug of '2026/27'; ValueError for anything else."""
    head, _, tail = school_year.partition("/")
    first = int(head)
    if len(head) != 4 or f"{first}/{(first + 1) % 100:02d}" != school_year:
        raise ValueError(school_year)
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)
