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
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Learner, Membership, Role, User
from pastoral.timeline import TimelineEntry
from safeguarding.models import (
    Attachment,
    Category,
    Concern,
    ConcernAction,
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

    @property
    def timeline(self) -> list[tuple[dt.datetime, str, object]]:
        items: list[tuple[dt.datetime, str, object]] = [
            (e.created_at, "entry", e) for e in self.entries
        ]
        items += [(a.created_at, "action", a) for a in self.actions]
        return sorted(items, key=lambda item: item[0])


def concern_record_for(scope: Scope, pk: int) -> ConcernRecord:
    """A concern with the entries, actions, attachments and links the viewer may see."""
    concern = concern_for(scope, pk)
    full = bool(concern.full_access)
    entries_qs = ConcernEntry.objects.filter(concern=concern).select_related("author", "corrects")
    attachments_qs = Attachment.objects.filter(concern=concern).select_related("uploaded_by")
    if not full:
        entries_qs = entries_qs.filter(author=scope.user, kind__in=ConcernEntry.AUTHOR_KINDS)
        attachments_qs = attachments_qs.filter(uploaded_by=scope.user)
    actions: list[ConcernAction] = []
    linked: list[Concern] = []
    shares: list[ConcernShare] = []
    investigations: list[Investigation] = []
    if full:
        actions = list(ConcernAction.objects.filter(concern=concern).select_related("recorded_by"))
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
    return ConcernRecord(
        concern=concern,
        full_access=full,
        entries=list(entries_qs),
        actions=actions,
        attachments=list(attachments_qs),
        linked=linked,
        shares=shares,
        investigations=investigations,
    )


def attachment_for(scope: Scope | None, pk: int) -> Attachment:
    """An attachment of a concern the person may see; the author's view reaches only
    the files they uploaded. Otherwise 404."""
    attachment = Attachment.objects.select_related("concern").filter(pk=pk).first()
    if attachment is None or scope is None:
        raise Http404("Not found")
    concern = concerns_for(scope).filter(pk=attachment.concern_id).values("full_access").first()
    if concern is None or (
        not concern["full_access"] and attachment.uploaded_by_id != scope.user.pk
    ):
        raise Http404("Not found")
    return attachment


# --- The learner's record -------------------------------------------------


def concerns_for_learner(
    scope: Scope | None, learner: Learner, *, limit: int | None = None
) -> list[Concern]:
    """Concerns about the learner that the person may open, newest first.

    Each has `full_access` (False: the person only authored it) and prefetched
    categories and learners.
    """
    qs = _with_listing(concerns_for(scope).filter(learner_links__learner=learner)).order_by(
        "-occurred_at", "-id"
    )
    return list(qs[:limit] if limit else qs)


def timeline_entries_for(
    scope: Scope | None,
    learner: Learner,
    *,
    since: dt.datetime | None = None,
    limit: int | None = None,
    category_id: int | None = None,
    level: str = "",
) -> list[TimelineEntry]:
    """The learner's safeguarding chronology as TimelineEntry objects, newest first.

    Concerns, follow-ups, corrections, DSL entries and actions the viewer may
    see; for investigations, only this learner's own part (their statements
    and outcome). A constant number of queries.
    """
    if scope is None:
        return []
    # The learner's concerns as a subquery (no join to multiply rows, no DISTINCT).
    about = ConcernLearner.objects.filter(learner=learner).values("concern_id")
    concern_qs = concerns_for(scope).filter(pk__in=about)
    if category_id:
        concern_qs = concern_qs.filter(
            pk__in=Concern.categories.through.objects.filter(category_id=category_id).values(
                "concern_id"
            )
        )
    if level:
        concern_qs = concern_qs.filter(level=level, full_access=True)
    # Value rows, not model instances: a learner with years of history has
    # hundreds of concerns, entries and actions, and the chronology shows them all.
    concerns = {
        pk: (occurred_at, level, full, description)
        for pk, occurred_at, level, full, description in concern_qs.order_by().values_list(
            "pk", "occurred_at", "level", "full_access", "description"
        )
    }
    categories: dict[int, list[str]] = {}
    for concern_id, name in (
        Concern.categories.through.objects.filter(concern_id__in=list(concerns))
        .order_by("category__order", "category__name")
        .values_list("concern_id", "category__name")
        if concerns
        else ()
    ):
        categories.setdefault(concern_id, []).append(name)
    # Subqueries rather than lists of ids: hundreds of ids as parameters cost
    # more to send than the database takes to find them again.
    # Written with the access rule itself rather than the full_access annotation,
    # which the database cannot match against an index.
    full_q = _full_access_q(scope)
    narrowed = concern_qs.order_by()
    if scope.can(Cap.VIEW_ALL_RESTRICTED) and not category_id and not level:
        # A DSL sees every concern about the learner in full: found through the
        # learner's links alone, without visiting the concerns table again.
        full_ids: Any = about
    else:
        full_ids = narrowed.filter(full_q).values("pk")
    own_ids = narrowed.filter(author=scope.user).exclude(full_q).values("pk")
    out: list[TimelineEntry] = []
    # The detail URL of every concern has the same shape: reverse it once.
    url_shape = reverse("safeguarding:concern-detail", kwargs={"pk": 0}).replace("/0/", "/{}/")
    restricted = Concern.Level.RESTRICTED

    def reference(pk: int) -> str:
        return f"C-{pk:06d}"

    def level_of(pk: int) -> str:
        _when, level, full, _text = concerns[pk]
        return "restricted" if full and level == restricted else ""

    for pk, (occurred_at, _level, _full, description) in concerns.items():
        names = tuple(categories.get(pk, ()))
        out.append(
            TimelineEntry(
                when=occurred_at,
                kind="concern",
                title=f"{reference(pk)}: {', '.join(names) or 'Concern'}",
                url=url_shape.format(pk),
                detail=description[:300],
                level=level_of(pk),
                tags=names,
            )
        )
    entries = ConcernEntry.objects.filter(concern_id__in=full_ids)
    actions = ConcernAction.objects.filter(concern_id__in=full_ids)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
        actions = actions.filter(created_at__gte=since)
    entry_columns = (
        "concern_id",
        "created_at",
        "kind",
        "text",
        "reason",
        "author__full_name",
        "author__email",
    )
    # No concern about the learner: no entries or actions to look for.
    entry_rows: Any = entries.order_by().values_list(*entry_columns) if concerns else []
    if any(not c[2] for c in concerns.values()):
        # Concerns the viewer only wrote: their own follow-ups and corrections.
        # A UNION (one query, each side on its index), not an OR across both.
        own = ConcernEntry.objects.filter(
            concern_id__in=own_ids, author=scope.user, kind__in=ConcernEntry.AUTHOR_KINDS
        )
        if since is not None:
            own = own.filter(created_at__gte=since)
        entry_rows = entry_rows.union(own.order_by().values_list(*entry_columns), all=True)
    entry_kinds = dict(ConcernEntry.Kind.choices)
    for (
        concern_id,
        created_at,
        kind,
        text,
        reason,
        author_name,
        author_email,
    ) in entry_rows:
        if concern_id not in concerns:  # only what the viewer may see, as listed above
            continue
        out.append(
            TimelineEntry(
                when=created_at,
                kind="concern-entry",
                title=(
                    f"{reference(concern_id)}: {entry_kinds.get(kind, kind)} by "
                    f"{author_name or author_email}"
                ),
                url=url_shape.format(concern_id),
                detail=(text or reason)[:300],
                level=level_of(concern_id),
            )
        )
    action_kinds = dict(ConcernAction.Kind.choices)
    action_rows: Any = (
        actions.order_by().values_list("concern_id", "created_at", "kind", "outcome", "details")
        if concerns
        else []
    )
    for concern_id, created_at, kind, outcome, details in action_rows:
        if concern_id not in concerns:
            continue
        out.append(
            TimelineEntry(
                when=created_at,
                kind="concern-action",
                title=f"{reference(concern_id)}: {action_kinds.get(kind, kind)}",
                url=url_shape.format(concern_id),
                detail=(outcome or details)[:300],
                level=level_of(concern_id),
            )
        )
    # A witness need not be one of the concern's learners: their part is found
    # through the participant row, within concerns the viewer fully sees.
    parts = (
        Participant.objects.filter(
            learner=learner,
            investigation__concern__in=concerns_for(scope).filter(full_access=True).values("pk"),
        )
        .select_related("investigation", "investigation__concern")
        .prefetch_related("statements")
    )
    for part in parts:
        concern = part.investigation.concern  # fully visible: filtered above
        for statement in part.statements.all():
            out.append(
                TimelineEntry(
                    when=statement.taken_at,
                    kind="investigation-statement",
                    title=f"{concern.reference}: statement ({part.get_part_display()})",
                    url=reverse(
                        "safeguarding:investigation-detail", kwargs={"pk": part.investigation_id}
                    ),
                    detail=statement.text[:300],
                    level="restricted" if concern.is_restricted else "",
                )
            )
        if part.outcome:
            out.append(
                TimelineEntry(
                    when=part.outcome_at or part.investigation.opened_at,
                    kind="investigation-outcome",
                    title=f"{concern.reference}: investigation outcome",
                    url=reverse(
                        "safeguarding:investigation-detail", kwargs={"pk": part.investigation_id}
                    ),
                    detail=part.outcome[:300],
                    level="restricted" if concern.is_restricted else "",
                )
            )
    if since is not None:
        out = [e for e in out if e.when >= since]
    out.sort(key=lambda e: e.when, reverse=True)
    return out[:limit] if limit else out


def cp_chronology_for(scope: Scope | None, learner: Learner) -> list[Concern]:
    """The learner's child-protection file (DSLs only, else 404): restricted
    concerns oldest first, each with `.timeline` -- its entries and actions
    in time order -- and prefetched categories, learners and attachments."""
    if scope is None or not scope.can(Cap.VIEW_ALL_RESTRICTED):
        raise Http404("Not found")
    concerns = list(
        _with_listing(
            Concern.objects.filter(
                school=scope.school,
                level=Concern.Level.RESTRICTED,
                learner_links__learner=learner,
            )
        )
        .prefetch_related(
            Prefetch("entries", queryset=ConcernEntry.objects.select_related("author")),
            Prefetch("actions", queryset=ConcernAction.objects.select_related("recorded_by")),
            "attachments",
        )
        .order_by("occurred_at", "id")
    )
    for concern in concerns:
        items = [(e.created_at, "entry", e) for e in concern.entries.all()]
        items += [(a.created_at, "action", a) for a in concern.actions.all()]
        concern.timeline = sorted(items, key=lambda item: item[0])  # type: ignore[attr-defined]
    return concerns


# --- DSL lists ------------------------------------------------------------


def inbox_for(scope: Scope) -> QuerySet[Concern]:
    """Concerns not closed: untriaged first, then oldest first (DSL only)."""
    if not scope.can(Cap.TRIAGE_CONCERNS):
        raise Http404("Not found")
    return (
        _with_listing(
            Concern.objects.filter(school=scope.school).exclude(status=Concern.Status.CLOSED),
            rows_only=True,
        )
        .annotate(
            untriaged=Case(
                When(status=Concern.Status.NEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("untriaged", "submitted_at", "id")
    )


def inbox_counts_for(scope: Scope) -> dict[str, int]:
    """Counts for the inbox header, in one query."""
    today = timezone.localdate()
    return Concern.objects.filter(school=scope.school).aggregate(
        untriaged=Count("pk", filter=Q(status=Concern.Status.NEW)),
        open=Count("pk", filter=Q(status=Concern.Status.OPEN)),
        overdue=Count("pk", filter=~Q(status=Concern.Status.CLOSED) & Q(due_date__lt=today)),
    )


def search_concerns(scope: Scope, params: dict[str, str]) -> QuerySet[Concern]:
    """The DSL's search: learner, category, level, status, owner, dates, free text.

    Free text uses PostgreSQL full-text search (websearch syntax, English
    stemming) on PostgreSQL and a case-insensitive substring match elsewhere.
    """
    if not scope.can(Cap.TRIAGE_CONCERNS):
        raise Http404("Not found")
    qs = Concern.objects.filter(school=scope.school)
    if params.get("learner"):
        terms = params["learner"].lower().split()[:4]
        learner_q = Q()
        for term in terms:
            learner_q &= Q(learner__search_text__contains=term)
        qs = qs.filter(
            Exists(ConcernLearner.objects.filter(concern=OuterRef("pk")).filter(learner_q))
        )
    if params.get("category"):
        qs = qs.filter(
            Exists(
                Concern.categories.through.objects.filter(
                    concern=OuterRef("pk"), category_id=params["category"]
                )
            )
        )
    if params.get("level"):
        qs = qs.filter(level=params["level"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("owner"):
        qs = qs.filter(owner_id=params["owner"])
    if params.get("date_from"):
        qs = qs.filter(occurred_at__date__gte=params["date_from"])
    if params.get("date_to"):
        qs = qs.filter(occurred_at__date__lte=params["date_to"])
    text = (params.get("q") or "").strip()[:200]
    if text:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector(
                "description", "action_taken", "location", "next_action", config="english"
            )
            # alias(), not annotate(): the vector is for the filter (and its index),
            # not worth computing again for every matching row in the SELECT list.
            qs = qs.alias(search=vector).filter(
                search=SearchQuery(text, config="english", search_type="websearch")
            )
        else:
            for word in text.split()[:6]:
                qs = qs.filter(
                    Q(description__icontains=word)
                    | Q(action_taken__icontains=word)
                    | Q(location__icontains=word)
                    | Q(next_action__icontains=word)
                )
    return _with_listing(qs, rows_only=True).order_by("-submitted_at", "-id")


def my_concerns_for(scope: Scope) -> QuerySet[Concern]:
    """Concerns the person logged (the author's view of each)."""
    return _with_listing(Concern.objects.filter(school=scope.school, author=scope.user)).order_by(
        "-submitted_at", "-id"
    )


def categories_for(scope: Scope, *, active_only: bool = True) -> QuerySet[Category]:
    qs = Category.objects.filter(school=scope.school)
    return qs.filter(active=True) if active_only else qs


def dsl_team_for(school_id: int) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__school_id=school_id,
        memberships__role__in=[Role.DSL, Role.DEPUTY_DSL],
    ).distinct()


def staff_for(scope: Scope) -> QuerySet[User]:
    """Members of the school (for 'staff to alert', owners, sharing)."""
    return User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(school=scope.school).values("user_id")
    ).order_by("full_name")


def shares_active_for(concern: Concern) -> QuerySet[ConcernShare]:
    return ConcernShare.objects.filter(concern=concern, withdrawn_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


# --- Dashboard ----------------------------------------------------------------

AGE_BANDS = (("under_7", "Under a week"), ("7_to_30", "1–4 weeks"), ("over_30", "Over 4 weeks"))


@dataclass
class WeekBar:
    start: dt.date
    count: int
    x: float
    y: float
    height: float


def dashboard_for(scope: Scope) -> dict[str, object]:
    """The DSL's overview, a fixed number of queries whatever the school's size."""
    from django.db.models.functions import TruncWeek

    if not scope.can(Cap.TRIAGE_CONCERNS):
        raise Http404("Not found")
    now = timezone.now()
    today = timezone.localdate()
    school_concerns = Concern.objects.filter(school=scope.school)
    through = Concern.categories.through
    by_category = list(
        through.objects.filter(concern__school=scope.school)
        .exclude(concern__status=Concern.Status.CLOSED)
        .values("category__name")
        .annotate(
            under_7=Count("pk", filter=Q(concern__submitted_at__gte=now - dt.timedelta(days=7))),
            **{
                "7_to_30": Count(
                    "pk",
                    filter=Q(concern__submitted_at__lt=now - dt.timedelta(days=7))
                    & Q(concern__submitted_at__gte=now - dt.timedelta(days=30)),
                )
            },
            over_30=Count("pk", filter=Q(concern__submitted_at__lt=now - dt.timedelta(days=30))),
            total=Count("pk"),
        )
        .order_by("-total", "category__name")
    )
    overdue_actions = list(
        ConcernAction.objects.filter(
            concern__school=scope.school, completed_at__isnull=True, follow_up_due__lt=today
        )
        .select_related("concern", "recorded_by")
        .order_by("follow_up_due", "id")[:25]
    )
    overdue_concerns = list(
        school_concerns.exclude(status=Concern.Status.CLOSED)
        .filter(due_date__lt=today)
        .select_related("owner")
        .order_by("due_date", "id")[:25]
    )
    days = scope.school.rising_concern_days
    threshold = scope.school.rising_concern_count
    rising = list(
        ConcernLearner.objects.filter(
            concern__school=scope.school, concern__occurred_at__gte=now - dt.timedelta(days=days)
        )
        .values(
            "learner_id",
            "learner__legal_first_name",
            "learner__legal_last_name",
            "learner__preferred_first_name",
        )
        .annotate(n=Count("concern_id", distinct=True))
        .filter(n__gte=threshold)
        .order_by("-n", "learner__legal_last_name")[:50]
    )
    start = today - dt.timedelta(weeks=52)
    start -= dt.timedelta(days=start.weekday())
    counts = {
        (row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]): row["n"]
        for row in school_concerns.filter(occurred_at__date__gte=start)
        .annotate(week=TruncWeek("occurred_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    }
    weeks = [start + dt.timedelta(weeks=i) for i in range(53)]
    peak = max([counts.get(w, 0) for w in weeks] + [1])
    chart_h, bar_w = 160.0, 12.0
    bars = [
        WeekBar(
            start=w,
            count=counts.get(w, 0),
            x=40 + i * bar_w,
            y=10 + chart_h - chart_h * counts.get(w, 0) / peak,
            height=chart_h * counts.get(w, 0) / peak,
        )
        for i, w in enumerate(weeks)
    ]
    return {
        "by_category": by_category,
        "age_bands": AGE_BANDS,
        "overdue_actions": overdue_actions,
        "overdue_concerns": overdue_concerns,
        "rising": rising,
        "rising_days": days,
        "rising_threshold": threshold,
        "weeks": bars,
        "peak": peak,
        "total_year": sum(b.count for b in bars),
    }
