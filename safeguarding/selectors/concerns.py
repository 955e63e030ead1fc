"""Reads of the safeguarding log, already scoped to the person asking.

Visibility (ACCESS.md, "Safeguarding visibility"):

* DSLs and deputies see every concern of the school, and every entry.
* A pastoral concern is also fully visible to whoever may view pastoral
  concerns about one of its learners: the SENCO (whole school), the head of
  year (their years) and the key worker (their caseload) -- the reach that
  pastoral.access.learner_filter gives for Cap.VIEW_PASTORAL_CONCERNS.
* A restricted concern is fully visible to DSLs and to staff a DSL shared it
  with (share not withdrawn, not expired).
* The author always sees what they wrote -- the concern as submitted, their
  own follow-ups and corrections, their own attachments -- and nothing the
  DSL team added (triage, level, owner, actions, notes, links, shares). We
  apply that to pastoral concerns as well as restricted ones: ACCESS.md says
  staff see "the concerns they logged, not what the DSL did with them", and
  showing the level alone would tell the author a child-protection decision.

Querysets carry an annotation `full_access` (True: the whole record; False:
the author's view). Anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from pastoral.access import Cap, Scope, learner_filter, learners_for, require
from pastoral.accounts.selectors import staff_for
from pastoral.models import Learner, Role, User
from safeguarding.models import (
    AlertGroup,
    Attachment,
    Concern,
    ConcernAction,
    ConcernDecision,
    ConcernDraft,
    ConcernEntry,
    ConcernLearner,
    ConcernLink,
    ConcernShare,
    Investigation,
    Participant,
)


def active_share_q(user: User, *, prefix: str = "") -> Q:
    """Shares of `user` that are in force now (not withdrawn, not expired)."""
    now = timezone.now()
    return Q(**{f"{prefix}user": user, f"{prefix}withdrawn_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


def _full_access_q(scope: Scope) -> Q:
    if scope.can(Cap.VIEW_ALL_RESTRICTED):
        return Q(school=scope.school)
    pastoral_reach = Exists(
        ConcernLearner.objects.filter(concern=OuterRef("pk")).filter(
            learner_filter(scope, Cap.VIEW_PASTORAL_CONCERNS, prefix="learner__")
        )
    )
    shared = Exists(
        ConcernShare.objects.filter(concern=OuterRef("pk")).filter(active_share_q(scope.user))
    )
    return Q(level=Concern.Level.PASTORAL) & Q(pastoral_reach) | Q(
        level=Concern.Level.RESTRICTED
    ) & Q(shared)


def concerns_for(scope: Scope | None) -> QuerySet[Concern]:
    """Every concern the person may open, annotated with `full_access`."""
    if scope is None:
        return Concern.objects.none()
    full = _full_access_q(scope)
    return (
        Concern.objects.filter(school=scope.school)
        .filter(full | Q(author=scope.user))
        .annotate(
            full_access=Case(
                When(full, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    )


# What a row of the inbox or the search shows (templates/safeguarding/_concern_rows.html):
# those lists load only these columns, not every concern's full text.
_ROW_FIELDS = (
    "school_id",
    "level",
    "status",
    "due_date",
    "submitted_at",
    "occurred_at",
    "author__full_name",
    "author__email",
    "owner__full_name",
    "owner__email",
)
_ROW_LEARNER_FIELDS = (
    "concern_id",
    "learner__legal_first_name",
    "learner__legal_last_name",
    "learner__preferred_first_name",
    "learner__preferred_last_name",
    "learner__year_group__name",
)


def _with_listing(qs: QuerySet[Concern], *, rows_only: bool = False) -> QuerySet[Concern]:
    """What a list row shows: learners, categories, author, owner (constant queries).
    `rows_only`: just the columns a list row shows."""
    links = ConcernLearner.objects.select_related("learner", "learner__year_group").order_by(
        "learner__legal_last_name", "learner__legal_first_name"
    )
    qs = qs.select_related("author", "owner")
    if rows_only:
        qs = qs.only(*_ROW_FIELDS)
        links = links.only(*_ROW_LEARNER_FIELDS)
    return qs.prefetch_related(Prefetch("learner_links", queryset=links), "categories")


def concern_for(scope: Scope | None, pk: int) -> Concern:
    """One concern the person may open, or 404."""
    concern = _with_listing(concerns_for(scope)).filter(pk=pk).first()
    if concern is None:
        raise Http404("Not found")
    return concern


def with_numbers(qs: QuerySet[ConcernEntry]) -> QuerySet[ConcernEntry]:
    """Entries annotated with `number`: their place in the concern's whole record
    (1, 2, ...), the same for every viewer, so "see entry N" always means one entry."""
    ordinal = (
        ConcernEntry.objects.filter(concern_id=OuterRef("concern_id"), id__lte=OuterRef("id"))
        .order_by()
        .values("concern_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.annotate(number=Subquery(ordinal))


def correction_notes(entries: Iterable[Any]) -> list[str]:
    """Give each corrected entry `.corrected_by` and return the notes on the
    concern's original account: "Corrected on 12 Jan 2027, see entry 3".
    `entries` are one concern's entries with `number` (with_numbers)."""
    entries = list(entries)
    by_pk = {e.pk: e for e in entries}
    original: list[str] = []
    for entry in entries:
        entry.corrected_by = []
    for entry in entries:
        if entry.kind != ConcernEntry.Kind.CORRECTION:
            continue
        note = correction_note(entry)
        if entry.corrects_original:
            original.append(note)
        elif entry.corrects_id in by_pk:
            by_pk[entry.corrects_id].corrected_by.append(note)
    return original


def correction_note(entry: Any) -> str:
    when = timezone.localtime(entry.created_at).strftime("%d %b %Y").lstrip("0")
    what = " (body map)" if entry.body_map else ""
    return f"Corrected{what} on {when}, see entry {entry.number}"


@dataclass
class ConcernRecord:
    """Everything the detail page shows, already cut to the viewer's rights."""

    concern: Concern
    full_access: bool
    entries: list[ConcernEntry]
    actions: list[ConcernAction]
    attachments: list[Attachment]
    linked: list[Concern]
    shares: list[ConcernShare]
    investigations: list[Investigation]
    decisions: list[ConcernDecision] = field(default_factory=list)
    original_corrections: list[str] = field(default_factory=list)

    @property
    def timeline(self) -> list[tuple[dt.datetime, str, object]]:
        items: list[tuple[dt.datetime, str, object]] = [
            (e.created_at, "entry", e) for e in self.entries
        ]
        items += [(a.created_at, "action", a) for a in self.actions]
        items += [(d.made_at, "decision", d) for d in self.decisions]
        return sorted(items, key=lambda item: item[0])


def concern_record_for(scope: Scope, pk: int, *, concern: Concern | None = None) -> ConcernRecord:
    """A concern with the entries, actions, attachments and links the viewer may see.
    `concern`: the one concern_for(scope, pk) already returned, not read again."""
    if concern is None or concern.pk != pk:
        concern = concern_for(scope, pk)
    full = bool(concern.full_access)
    entries_qs = with_numbers(
        ConcernEntry.objects.filter(concern=concern).select_related("author", "corrects")
    )
    attachments_qs = Attachment.objects.filter(concern=concern).select_related("uploaded_by")
    if not full:
        entries_qs = entries_qs.filter(author=scope.user, kind__in=ConcernEntry.AUTHOR_KINDS)
        attachments_qs = attachments_qs.filter(uploaded_by=scope.user)
    actions: list[ConcernAction] = []
    linked: list[Concern] = []
    shares: list[ConcernShare] = []
    investigations: list[Investigation] = []
    decisions: list[ConcernDecision] = []
    if full:
        actions = list(ConcernAction.objects.filter(concern=concern).select_related("recorded_by"))
        decisions = list(ConcernDecision.objects.filter(concern=concern).select_related("made_by"))
        link_ids = ConcernLink.objects.filter(Q(a=concern) | Q(b=concern)).values_list("a", "b")
        other_ids = {x for pair in link_ids for x in pair} - {concern.pk}
        if other_ids:
            linked = list(
                concerns_for(scope)
                .filter(pk__in=other_ids, full_access=True)
                .order_by("submitted_at")
            )
        investigations = list(
            Investigation.objects.filter(concern=concern).prefetch_related(
                Prefetch("participants", queryset=Participant.objects.select_related("learner"))
            )
        )
    if scope.can(Cap.TRIAGE_CONCERNS):
        shares = list(
            ConcernShare.objects.filter(concern=concern).select_related(
                "user", "created_by", "withdrawn_by"
            )
        )
    entries = list(entries_qs)
    original_corrections = correction_notes(entries)
    return ConcernRecord(
        concern=concern,
        full_access=full,
        entries=entries,
        decisions=decisions,
        original_corrections=original_corrections,
        actions=actions,
        attachments=list(attachments_qs),
        linked=linked,
        shares=shares,
        investigations=investigations,
    )


def attachment_for(scope: Scope | None, pk: int) -> Attachment:
    """An attachment of a concern the person may see; the author's view reaches only
    the files they uploaded. Otherwise 404. Its `concern` comes with its learners
    and `full_access`."""
    attachment = (
        Attachment.objects.select_related("concern")
        .prefetch_related("concern__learner_links__learner")
        .filter(pk=pk)
        .first()
    )
    if attachment is None or scope is None:
        raise Http404("Not found")
    concern = concerns_for(scope).filter(pk=attachment.concern_id).values("full_access").first()
    if concern is None or (
        not concern["full_access"] and attachment.uploaded_by_id != scope.user.pk
    ):
        raise Http404("Not found")
    attachment.concern.full_access = concern["full_access"]  # type: ignore[attr-defined]
    return attachment


def my_concerns_for(scope: Scope) -> QuerySet[Concern]:
    """Concerns the person logged (the author's view of each)."""
    return _with_listing(Concern.objects.filter(school=scope.school, author=scope.user)).order_by(
        "-submitted_at", "-id"
    )


def shares_active_for(concern: Concern) -> QuerySet[ConcernShare]:
    return ConcernShare.objects.filter(concern=concern, withdrawn_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def dsl_concern_for(scope: Scope | None, pk: int) -> Concern:
    """A concern of the school for a DSL's action on it (with its learners), or 404."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    return concern_for(scope, pk)


def concern_by_reference(scope: Scope, reference: str) -> Concern | None:
    """The school's concern with that reference ("C-000123", "123"), if any (DSL only)."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    ref = reference.strip().upper().removeprefix("C-").lstrip("0")
    if not ref.isdigit():
        return None
    return Concern.objects.filter(school=scope.school, pk=int(ref)).first()


def concern_learner_for(scope: Scope, concern: Concern, pk: int) -> ConcernLearner:
    """One learner's link to a concern a DSL fetched (dsl_concern_for), or 404."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    link = (
        ConcernLearner.objects.select_related("learner")
        .prefetch_related("categories")
        .filter(pk=pk, concern=concern)
        .first()
    )
    if link is None:
        raise Http404("Not found")
    link.concern = concern
    return link


def correctable_entry_for(scope: Scope, concern: Concern, pk: int) -> ConcernEntry | None:
    """One of the person's own follow-ups (or corrections) on the concern, if it is one."""
    return ConcernEntry.objects.filter(
        pk=pk, concern=concern, author=scope.user, kind__in=ConcernEntry.AUTHOR_KINDS
    ).first()


def action_for(scope: Scope | None, pk: int) -> ConcernAction:
    """An action of the school's concerns, with its concern and learners (DSL only), or 404."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    action = (
        ConcernAction.objects.select_related("concern")
        .prefetch_related("concern__learner_links__learner")
        .filter(pk=pk, concern__school=scope.school)
        .first()
    )
    if action is None:
        raise Http404("Not found")
    return action


def share_for(scope: Scope | None, pk: int) -> ConcernShare:
    """A share in force of one of the school's concerns (DSL only), or 404."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    share = (
        ConcernShare.objects.select_related("concern", "user")
        .prefetch_related("concern__learner_links__learner")
        .filter(pk=pk, concern__school=scope.school, withdrawn_at__isnull=True)
        .first()
    )
    if share is None:
        raise Http404("Not found")
    return share


def draft_for(scope: Scope) -> ConcernDraft | None:
    """The person's unsent concern in this school, if they left one."""
    return ConcernDraft.objects.filter(user=scope.user, school=scope.school).first()


def learners_by_ids(scope: Scope, ids: Iterable[int]) -> list[Learner]:
    """Learners of the school among `ids` (for redisplaying a form)."""
    return list(
        learners_for(scope, Cap.LOG_CONCERN).select_related("year_group").filter(pk__in=list(ids))
    )


def colleagues_for(scope: Scope) -> QuerySet[User]:
    """Active staff of the school someone logging a concern may name (to alert,
    to share with): the core's staff list, without their roles."""
    return staff_for(require(scope, Cap.LOG_CONCERN))


def alert_group_members(
    scope: Scope, learners: Iterable[Learner], groups: Iterable[str]
) -> list[User]:
    """Active staff of the school in the chosen alert groups for these learners:
    the DSL team, the heads of the learners' years, the SENCO(s), the attendance
    team (SENCO and head of year: the school has no attendance role) and the
    learners' key workers. A few queries, one per support officer for key workers
    (the caseload app owns caseloads and answers through the core's provider)."""
    groups = set(groups)
    learners = list(learners)
    members = User.objects.filter(is_active=True, memberships__school=scope.school)
    wanted = Q(pk__in=[])
    if AlertGroup.DSL in groups:
        wanted |= Q(memberships__role__in=[Role.DSL, Role.DEPUTY_DSL])
    if groups & {AlertGroup.SEN, AlertGroup.ATTENDANCE}:
        wanted |= Q(memberships__role=Role.SENCO)
    if groups & {AlertGroup.HEAD_OF_YEAR, AlertGroup.ATTENDANCE}:
        wanted |= Q(
            memberships__role=Role.HEAD_OF_YEAR,
            memberships__year_groups__in={lr.year_group_id for lr in learners},
        )
    found = {u.pk: u for u in members.filter(wanted).distinct()}
    if AlertGroup.KEY_WORKER in groups and learners:
        ids = [lr.pk for lr in learners]
        for worker in members.filter(memberships__role=Role.SUPPORT).distinct():
            # Their reach as a key worker only, not through any other role they hold.
            as_key_worker = Scope(user=worker, school=scope.school, roles=frozenset({Role.SUPPORT}))
            if learners_for(as_key_worker, Cap.VIEW_PASTORAL_CONCERNS).filter(pk__in=ids).exists():
                found[worker.pk] = worker
    return list(found.values())
