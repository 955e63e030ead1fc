"""Reads for rewards: a learner's summary, houses, the leaderboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, Sum
from django.http import Http404

from behaviour.access import learner_reach, require_log
from behaviour.models import House, HouseMember, Incident, Kind, MilestoneAward
from behaviour.selectors.detentions import learner_detentions
from behaviour.selectors.incidents import totals_of
from behaviour.services.policy import settings_of
from pastoral.access import Scope
from pastoral.models import Learner


@dataclass
class LearnerSummary:
    positive: int = 0
    negative: int = 0
    net: int = 0
    milestones: list[MilestoneAward] = field(default_factory=list)
    next_milestone: int | None = None
    house: str = ""
    detentions: list[Any] = field(default_factory=list)


def learner_summary_for(scope: Scope, learner: Learner) -> LearnerSummary:
    """Totals, milestones, house and recent detentions of a learner in reach (a
    fixed handful of queries). The caseload profile shows this too."""
    require_log(scope)
    totals = totals_of([learner.pk]).get(learner.pk, {"positive": 0, "negative": 0, "net": 0})
    milestones = list(MilestoneAward.objects.filter(learner=learner).order_by("points"))
    policy = settings_of(learner.school_id)
    ahead = [m for m in policy.milestones if m > totals["positive"]]
    member = HouseMember.objects.filter(learner=learner).select_related("house").first()
    return LearnerSummary(
        positive=totals["positive"],
        negative=totals["negative"],
        net=totals["net"],
        milestones=milestones,
        next_milestone=ahead[0] if ahead else None,
        house=member.house.name if member and policy.houses_enabled else "",
        detentions=learner_detentions(scope, learner, limit=5),
    )


def award_for(scope: Scope, pk: int) -> MilestoneAward:
    require_log(scope)
    found = (
        MilestoneAward.objects.filter(learner_reach(scope, prefix="learner__"), pk=pk)
        .select_related("learner__reg_group", "learner__year_group", "school")
        .first()
    )
    if found is None:
        raise Http404("Not found")
    return found


def house_totals(scope: Scope) -> list[dict[str, Any]]:
    """Each house's net points (one query): no learner details."""
    require_log(scope)
    return list(
        House.objects.filter(school=scope.school)
        .annotate(
            points=Sum(
                "members__learner__behaviour_incidents__points",
                filter=Q(members__learner__behaviour_incidents__kind=Kind.POSITIVE),
                default=0,
            )
        )
        .order_by("-points", "name")
        .values("name", "points")
    )


def leaderboard_for(scope: Scope, *, limit: int = 20) -> list[dict[str, Any]]:
    """The learners in the person's reach with most positive points (one query)."""
    require_log(scope)
    reach = learner_reach(scope, prefix="learner__")
    rows = (
        Incident.objects.filter(reach, kind=Kind.POSITIVE)
        .values(
            "learner_id",
            "learner__legal_first_name",
            "learner__preferred_first_name",
            "learner__legal_last_name",
            "learner__preferred_last_name",
            "learner__reg_group__name",
        )
        .annotate(points=Sum("points"))
        .order_by("-points", "learner__legal_last_name")[:limit]
    )
    return [
        {
            "pk": r["learner_id"],
            "name": f"{r['learner__preferred_first_name'] or r['learner__legal_first_name']} "
            f"{r['learner__preferred_last_name'] or r['learner__legal_last_name']}",
            "group": r["learner__reg_group__name"] or "",
            "points": r["points"],
        }
        for r in rows
    ]


@dataclass
class ProfileSection:
    summary: LearnerSummary
    recent: list[Any]


def profile_section_for(scope: Scope, learner: Learner) -> ProfileSection | None:
    """The behaviour section of the caseload profile: None (and no query) when
    the person may not see the learner's behaviour record."""
    from behaviour.access import sees_learner
    from behaviour.selectors.incidents import incidents_for

    if not sees_learner(scope, learner):
        return None
    return ProfileSection(
        summary=learner_summary_for(scope, learner),
        recent=list(incidents_for(scope, learner=learner)[:5]),
    )
