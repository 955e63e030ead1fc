"""Who may see and do what in the behaviour log (ACCESS.md, "Behaviour records").

"Staff see what they logged, form tutors and heads of year their learners,
SENCO and DSL all, admin none." Every member of a school is also staff, so an
administrator who holds no other role sees and logs nothing here. ACCESS.md
names no behaviour lead: the school's behaviour settings (types, detention
types and the escalation rule, rewards) are kept by the roles that see the
whole school's behaviour, the SENCO and the DSL team (LEAD_ROLES). Detention
sessions are also run by heads of year (SESSION_ROLES).

Behaviour records are not safeguarding records: nothing here grants or reads
a concern.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from pastoral.access import Scope
from pastoral.models import Learner, Role

WHOLE_SCHOOL_ROLES = frozenset({Role.SENCO, Role.DSL, Role.DEPUTY_DSL})
LEAD_ROLES = WHOLE_SCHOOL_ROLES
SESSION_ROLES = WHOLE_SCHOOL_ROLES | {Role.HEAD_OF_YEAR}
_ADMIN_ONLY = frozenset({Role.STAFF, Role.ADMIN})


def can_log(scope: Scope | None) -> bool:
    """Any member of the school, except an administrator with no other role."""
    if scope is None or not scope.is_member:
        return False
    return not (Role.ADMIN in scope.roles and scope.roles <= _ADMIN_ONLY)


def require_log(scope: Scope | None) -> Scope:
    if not can_log(scope):
        raise Http404("Not found")
    assert scope is not None
    return scope


def is_lead(scope: Scope | None) -> bool:
    return scope is not None and bool(scope.roles & LEAD_ROLES)


def require_lead(scope: Scope | None) -> Scope:
    if not is_lead(scope):
        raise Http404("Not found")
    assert scope is not None
    return scope


def runs_sessions(scope: Scope | None) -> bool:
    return scope is not None and bool(scope.roles & SESSION_ROLES)


def require_sessions(scope: Scope | None) -> Scope:
    if not runs_sessions(scope):
        raise Http404("Not found")
    assert scope is not None
    return scope


def learner_reach(scope: Scope, *, prefix: str = "") -> Q:
    """The learners whose whole behaviour record the person sees: everyone
    (SENCO, DSL), their years (head of year), their tutor groups (form tutor).
    `prefix` is the path to the learner ("learner__" from an incident)."""
    if not can_log(scope):
        return Q(pk__in=[])
    school = Q(**{f"{prefix}school": scope.school}) if prefix else Q(school=scope.school)
    if scope.roles & WHOLE_SCHOOL_ROLES:
        return school
    reach = Q(**{f"{prefix}reg_group__tutor": scope.user})
    if Role.HEAD_OF_YEAR in scope.roles and scope.year_group_ids:
        reach |= Q(**{f"{prefix}year_group_id__in": sorted(scope.year_group_ids)})
    return school & reach


def incident_filter(scope: Scope) -> Q:
    if not can_log(scope):
        return Q(pk__in=[])
    return Q(school=scope.school) & (
        learner_reach(scope, prefix="learner__") | Q(created_by=scope.user)
    )


def detention_filter(scope: Scope) -> Q:
    if not can_log(scope):
        return Q(pk__in=[])
    return Q(school=scope.school) & (
        learner_reach(scope, prefix="learner__")
        | Q(issued_by=scope.user)
        | Q(session__supervisor=scope.user)
    )


def sees_learner(scope: Scope | None, learner: Learner) -> bool:
    """learner_reach for one learner already loaded (with its reg group), without a query."""
    if scope is None or not can_log(scope) or learner.school_id != scope.school.pk:
        return False
    if scope.roles & WHOLE_SCHOOL_ROLES:
        return True
    if Role.HEAD_OF_YEAR in scope.roles and learner.year_group_id in scope.year_group_ids:
        return True
    return learner.reg_group_id is not None and learner.reg_group.tutor_id == scope.user.pk
