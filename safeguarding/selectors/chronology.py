"""The learner's safeguarding record: their concerns, their chronology
(timeline entries) and their child-protection file."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, Subquery, Value
from django.http import Http404
from django.urls import reverse

from pastoral.access import Cap, Scope
from pastoral.models import Learner
from pastoral.timeline import TimelineEntry
from safeguarding.models import (
    Concern,
    ConcernAction,
    ConcernDecision,
    ConcernEntry,
    ConcernLearner,
    Participant,
)
from safeguarding.selectors.concerns import (
    _full_access_q,
    _with_listing,
    concerns_for,
    correction_note,
    correction_notes,
    with_numbers,
)


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
        # By this learner's own categories where a DSL set them, else the concern's.
        own = ConcernLearner.categories.through.objects.filter(concernlearner__learner=learner)
        concern_qs = concern_qs.filter(
            Q(pk__in=own.filter(category_id=category_id).values("concernlearner__concern_id"))
            | (
                Q(
                    pk__in=Concern.categories.through.objects.filter(
                        category_id=category_id
                    ).values("concern_id")
                )
                & ~Q(pk__in=own.values("concernlearner__concern_id"))
            )
        )
    if level:
        concern_qs = concern_qs.filter(level=level, full_access=True)
    # Value rows, not model instances: a learner with years of history has
    # hundreds of concerns, entries and actions, and the chronology shows them all.
    # This learner's role comes with each concern (their own link, never another's).
    own_role = ConcernLearner.objects.filter(concern_id=OuterRef("pk"), learner=learner).values(
        "role"
    )[:1]
    concerns = {
        pk: (occurred_at, level, full, description, role)
        for pk, occurred_at, level, full, description, role in concern_qs.order_by()
        .annotate(learner_role=Subquery(own_role))
        .values_list("pk", "occurred_at", "level", "full_access", "description", "learner_role")
    }
    # The concern's categories and this learner's own (where a DSL set them), in
    # one query: the learner's own replace the concern's for this learner only.
    categories: dict[int, list[str]] = {}
    own_categories: dict[int, list[str]] = {}
    if concerns:
        concern_cats = (
            Concern.categories.through.objects.filter(concern_id__in=list(concerns))
            .annotate(mine=Value(False))
            .order_by()
            .values_list("concern_id", "category__order", "category__name", "mine")
        )
        link_cats = (
            ConcernLearner.categories.through.objects.filter(
                concernlearner__learner=learner, concernlearner__concern_id__in=list(concerns)
            )
            .annotate(mine=Value(True))
            .order_by()
            .values_list("concernlearner__concern_id", "category__order", "category__name", "mine")
        )
        for concern_id, _order, name, mine in sorted(
            concern_cats.union(link_cats, all=True), key=lambda row: (row[1], row[2])
        ):
            (own_categories if mine else categories).setdefault(concern_id, []).append(name)
    categories.update(own_categories)
    roles = dict(ConcernLearner.Role.choices)
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
        _when, level, full, _text, _role = concerns[pk]
        return "restricted" if full and level == restricted else ""

    entries = with_numbers(ConcernEntry.objects.filter(concern_id__in=full_ids))
    actions = ConcernAction.objects.filter(concern_id__in=full_ids)
    decisions = ConcernDecision.objects.filter(concern_id__in=full_ids)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
        actions = actions.filter(created_at__gte=since)
        decisions = decisions.filter(made_at__gte=since)
    entry_columns = (
        "concern_id",
        "created_at",
        "kind",
        "text",
        "reason",
        "author__full_name",
        "author__email",
        "number",
        "id",
        "corrects_id",
        "corrects_original",
        "body_map",
    )
    # No concern about the learner: no entries or actions to look for.
    entry_rows: Any = entries.order_by().values_list(*entry_columns) if concerns else []
    if any(not c[2] for c in concerns.values()):
        # Concerns the viewer only wrote: their own follow-ups and corrections.
        # A UNION (one query, each side on its index), not an OR across both.
        own = with_numbers(
            ConcernEntry.objects.filter(
                concern_id__in=own_ids, author=scope.user, kind__in=ConcernEntry.AUTHOR_KINDS
            )
        )
        if since is not None:
            own = own.filter(created_at__gte=since)
        entry_rows = entry_rows.union(own.order_by().values_list(*entry_columns), all=True)
    entry_rows = list(entry_rows)
    # "Corrected on <date>, see entry N" on the corrected original or entry.
    corrected: dict[tuple[str, int], list[str]] = {}
    for row in entry_rows:
        concern_id, created_at, kind, _t, _r, _n, _e, number, _id, corrects_id, original, marks = (
            row
        )
        if kind != ConcernEntry.Kind.CORRECTION:
            continue
        note = correction_note(
            SimpleNamespace(created_at=created_at, number=number, body_map=marks)
        )
        key = ("concern", concern_id) if original else ("entry", corrects_id)
        corrected.setdefault(key, []).append(note)

    def with_notes(text: str, key: tuple[str, int]) -> str:
        notes = corrected.get(key)
        return f"{text}\n[{'; '.join(notes)}]" if notes else text

    for pk, (occurred_at, _level, _full, description, role) in concerns.items():
        names = tuple(categories.get(pk, ()))
        part = f" ({roles[role].lower()})" if role and role != ConcernLearner.Role.SUBJECT else ""
        out.append(
            TimelineEntry(
                when=occurred_at,
                kind="concern",
                title=f"{reference(pk)}{part}: {', '.join(names) or 'Concern'}",
                url=url_shape.format(pk),
                detail=with_notes(description[:300], ("concern", pk)),
                level=level_of(pk),
                tags=names,
            )
        )
    entry_kinds = dict(ConcernEntry.Kind.choices)
    for (
        concern_id,
        created_at,
        kind,
        text,
        reason,
        author_name,
        author_email,
        number,
        entry_id,
        _corrects,
        _original,
        _marks,
    ) in entry_rows:
        if concern_id not in concerns:  # only what the viewer may see, as listed above
            continue
        out.append(
            TimelineEntry(
                when=created_at,
                kind="concern-entry",
                title=(
                    f"{reference(concern_id)}: entry {number}, {entry_kinds.get(kind, kind)} by "
                    f"{author_name or author_email}"
                ),
                url=url_shape.format(concern_id),
                detail=with_notes((text or reason)[:300], ("entry", entry_id)),
                level=level_of(concern_id),
            )
        )
    action_kinds = dict(ConcernAction.Kind.choices)
    decision_kinds = dict(ConcernDecision.Kind.choices)
    # Actions and decisions in one query: the same five columns, marked by source.
    action_rows: Any = (
        actions.order_by()
        .annotate(source=Value("action"))
        .values_list("concern_id", "created_at", "kind", "outcome", "details", "source")
        .union(
            decisions.order_by()
            .annotate(source=Value("decision"))
            .values_list("concern_id", "made_at", "kind", "rationale", "decision", "source"),
            all=True,
        )
        if concerns
        else []
    )
    for concern_id, created_at, kind, outcome, details, source in action_rows:
        if concern_id not in concerns:
            continue
        if source == "decision":
            title = f"{reference(concern_id)}: Decision: {decision_kinds.get(kind, kind)}"
            detail = f"{details}\nRationale: {outcome}"
            kind_label = "concern-decision"
        else:
            title = f"{reference(concern_id)}: {action_kinds.get(kind, kind)}"
            detail = outcome or details
            kind_label = "concern-action"
        out.append(
            TimelineEntry(
                when=created_at,
                kind=kind_label,
                title=title,
                url=url_shape.format(concern_id),
                detail=detail[:300],
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
    """The learner's child-protection file (DSLs only, else 404): every
    safeguarding record of the learner, all levels, oldest first. Each concern has
    `.timeline` (entries, numbered, with their corrections; actions; decisions in
    time order), `.own_link` (this learner's role), `.own_categories` (theirs where
    a DSL set them, else the concern's: never another learner's) and
    `.original_corrections` ("Corrected on ..., see entry N")."""
    if scope is None or not scope.can(Cap.VIEW_ALL_RESTRICTED):
        raise Http404("Not found")
    concerns = list(
        _with_listing(Concern.objects.filter(school=scope.school, learner_links__learner=learner))
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=with_numbers(ConcernEntry.objects.select_related("author", "corrects")),
            ),
            Prefetch("actions", queryset=ConcernAction.objects.select_related("recorded_by")),
            Prefetch("decisions", queryset=ConcernDecision.objects.select_related("made_by")),
            "attachments",
        )
        .order_by("occurred_at", "id")
    )
    links = {
        link.concern_id: link
        for link in ConcernLearner.objects.filter(
            learner=learner, concern_id__in=[c.pk for c in concerns]
        ).prefetch_related("categories")
    }
    for concern in concerns:
        link = links[concern.pk]
        own = [c.name for c in link.categories.all()]
        concern.own_link = link  # type: ignore[attr-defined]
        concern.own_categories = own or [c.name for c in concern.categories.all()]  # type: ignore[attr-defined]
        entries = list(concern.entries.all())
        concern.original_corrections = correction_notes(entries)  # type: ignore[attr-defined]
        items = [(e.created_at, "entry", e) for e in entries]
        items += [(a.created_at, "action", a) for a in concern.actions.all()]
        items += [(d.made_at, "decision", d) for d in concern.decisions.all()]
        concern.timeline = sorted(items, key=lambda item: item[0])  # type: ignore[attr-defined]
    return concerns
