"""A learner's recent history beside the DSL's triage form: their last
concerns, CP/CIN and other flags the core holds, and what apps above this one
know (the caseload app's key workers and open plans).

Safeguarding may not import the caseload app (imports run one way): the
caseload app registers a provider here in its ready(). Without one (an
install without caseload) the panel shows what the core and this app know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from pastoral.access import Cap, Scope, require
from pastoral.models import Learner
from safeguarding.models import Concern, ConcernLearner

RECENT_CONCERNS = 5


@dataclass(frozen=True)
class Fact:
    """One line another app adds to the panel ("Key worker", "Sam Support")."""

    label: str
    text: str
    url: str = ""


# provider(scope, learners) -> {learner_id: [Fact, ...]}; a fixed number of queries.
HistoryProvider = Callable[[Scope, list[Learner]], dict[int, list[Fact]]]
_providers: list[HistoryProvider] = []


def register_history_provider(provider: HistoryProvider) -> None:
    """Called by an app above safeguarding in its AppConfig.ready()."""
    if provider not in _providers:
        _providers.append(provider)


@dataclass
class LearnerHistory:
    learner: Learner
    recent: list[Concern] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        lr = self.learner
        out = []
        if lr.cp_status:
            out.append(lr.get_cp_status_display())
        if lr.looked_after:
            out.append("Looked after")
        if lr.sen_status != Learner.SEN.NONE:
            out.append(lr.get_sen_status_display())
        if lr.pupil_premium:
            out.append("Pupil premium")
        return out


def learner_history_for(scope: Scope, concern: Concern) -> list[LearnerHistory]:
    """For each learner of the concern (DSL only): their last few other
    concerns, their flags and the providers' facts. A fixed number of queries
    (one for the concerns, one for their categories, one per provider)."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    learners = [link.learner for link in concern.learner_links.all()]
    ids = [lr.pk for lr in learners]
    rows = list(
        ConcernLearner.objects.filter(learner_id__in=ids, concern__school=scope.school)
        .exclude(concern_id=concern.pk)
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("learner_id")],
                order_by=[F("concern__submitted_at").desc(), F("concern_id").desc()],
            )
        )
        .filter(n__lte=RECENT_CONCERNS)
        .select_related("concern")
        .order_by("learner_id", "n")
    )
    concerns = {row.concern_id: row.concern for row in rows}
    through = Concern.categories.through
    names: dict[int, list[str]] = {}
    for link in (
        through.objects.filter(concern_id__in=list(concerns))
        .select_related("category")
        .order_by("category__order", "category__name")
    ):
        names.setdefault(link.concern_id, []).append(link.category.name)
    for pk, item in concerns.items():
        item.category_names = names.get(pk, [])  # type: ignore[attr-defined]
    out = {lr.pk: LearnerHistory(learner=lr) for lr in learners}
    for row in rows:
        out[row.learner_id].recent.append(concerns[row.concern_id])
    for provider in _providers:
        for learner_id, facts in provider(scope, learners).items():
            if learner_id in out:
                out[learner_id].facts.extend(facts)
    return [out[pk] for pk in ids]
