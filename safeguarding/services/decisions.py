"""Each learner's part in a concern, and the DSL's decisions with their rationale."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from pastoral import audit
from pastoral.access import Cap, Scope
from safeguarding import selectors
from safeguarding.models import Concern, ConcernAction, ConcernDecision, ConcernLearner
from safeguarding.services.common import check_concern, record_each

# Actions that are a referral to another agency: closing without one needs a decision.
REFERRAL_KINDS = (
    ConcernAction.Kind.SOCIAL_CARE,
    ConcernAction.Kind.EARLY_HELP,
    ConcernAction.Kind.POLICE,
    ConcernAction.Kind.CAMHS,
)


def has_referral(concern: Concern) -> bool:
    return concern.actions.filter(kind__in=REFERRAL_KINDS).exists()


@transaction.atomic
def link_update(
    *, scope: Scope, link: ConcernLearner, role: str, category_ids: Sequence[int]
) -> ConcernLearner:
    """A DSL sets one learner's role in a concern and, where they differ from the
    concern's, that learner's own categories (none: the concern's). Audited on that
    learner's history only, so another learner's record never carries them."""
    concern = link.concern
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    if role not in ConcernLearner.Role.values:
        raise ValidationError({"role": "Choose this learner's part in the concern."})
    categories = list(
        selectors.categories_for(scope, active_only=False).filter(pk__in=category_ids)
    )
    if len(categories) != len(set(category_ids)):
        raise ValidationError({"categories": "Choose categories of this school."})
    before = {"role": link.role, "categories": sorted(c.name for c in link.categories.all())}
    after = {"role": role, "categories": sorted(c.name for c in categories)}
    link.role = role
    link.full_clean()
    link.save(update_fields=["role"])
    link.categories.set(categories)
    audit.record(
        "safeguarding.concern_learner.changed",
        actor=scope.user,
        school=scope.school,
        obj=concern,
        learner=link.learner,
        changes={"concern": concern.reference, **audit.diff(before, after)},
    )
    return link


def _decision(
    *, scope: Scope, concern: Concern, kind: str, decision: str, rationale: str
) -> ConcernDecision:
    row = ConcernDecision(
        concern=concern,
        kind=kind,
        decision=decision.strip(),
        rationale=rationale.strip(),
        made_by=scope.user,
    )
    row.full_clean()
    row.save()
    record_each(
        "safeguarding.decision.recorded",
        scope=scope,
        concern=concern,
        obj=row,
        changes={"kind": kind, "decision": row.decision, "rationale": row.rationale},
    )
    return row


@transaction.atomic
def decision_record(
    *, scope: Scope, concern: Concern, kind: str, decision: str, rationale: str
) -> ConcernDecision:
    """A DSL records a decision not to refer, or not to share information (s16LA),
    with its rationale: both are required."""
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    if kind not in (ConcernDecision.Kind.NO_REFERRAL, ConcernDecision.Kind.NO_SHARE):
        raise ValidationError({"kind": "Choose the decision being recorded."})
    return _decision(
        scope=scope, concern=concern, kind=kind, decision=decision, rationale=rationale
    )
