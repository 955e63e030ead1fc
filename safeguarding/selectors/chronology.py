"""The learner's safeguarding record: their concerns, their chronology
(timeline entries) and their child-protection file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from pastoral.access import Cap, Scope
from pastoral.models import Learner
from pastoral.timeline import TimelineEntry
from safeguarding.models import Concern, ConcernAction, ConcernEntry, ConcernLearner, Participant
from safeguarding.selectors.concerns import _full_access_q, _with_listing, concerns_for


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
