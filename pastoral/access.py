"""The access policy: who may see which learners and do what, per school.

ACCESS.md is the specification. Every selector narrows its queryset through
this module; views never decide access on their own. Anything outside the
scope is simply not in the queryset, so a view answers 404, not 403, and the
existence of a record does not leak.

A person's roles are per school. Every member of a school is also "staff".
Learner scope per role: support officers see their own caseload (supplied by
the caseload app through register_caseload_provider, since the core may not
import it), heads of year their year groups, SENCO and DSLs the whole school,
administrators no case content at all.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from pastoral.models import Learner, Membership, Role, School, User


class Cap(enum.StrEnum):
    SEARCH_LEARNERS = "search_learners"
    VIEW_PROFILE = "view_profile"
    LOG_CONCERN = "log_concern"
    VIEW_PASTORAL_CONCERNS = "view_pastoral_concerns"
    VIEW_ALL_RESTRICTED = "view_all_restricted"
    TRIAGE_CONCERNS = "triage_concerns"
    ALLOCATE_CASELOADS = "allocate_caseloads"
    MANAGE_PLANS = "manage_plans"
    RECORD_CONTACTS = "record_contacts"
    SET_ATTENDANCE_TARGETS = "set_attendance_targets"
    IMPORT_MIS = "import_mis"
    EXPORT_TRANSFER = "export_transfer"
    EXPORT_CP_FILE = "export_cp_file"
    EXPORT_AGENCY_PASTORAL = "export_agency_pastoral"
    EXPORT_SUBJECT_ACCESS = "export_subject_access"
    RECORD_SUBJECT_ACCESS = "record_subject_access"
    ASSEMBLE_SUBJECT_ACCESS = "assemble_subject_access"
    READ_AUDIT = "read_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_CASELOAD_BOARD = "view_caseload_board"
    REVIEW_RETENTION = "review_retention"


DSL_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})
_ALL = frozenset(Role)
_CASE = frozenset({Role.SUPPORT, Role.HEAD_OF_YEAR, Role.SENCO, Role.DSL, Role.DEPUTY_DSL})

# The capability table of ACCESS.md: which roles hold each capability.
CAPABILITY_ROLES: dict[Cap, frozenset[str]] = {
    Cap.SEARCH_LEARNERS: _ALL,
    Cap.LOG_CONCERN: _ALL,
    Cap.VIEW_PROFILE: _CASE,
    Cap.VIEW_PASTORAL_CONCERNS: _CASE,
    Cap.VIEW_ALL_RESTRICTED: DSL_ROLES,
    Cap.TRIAGE_CONCERNS: DSL_ROLES,
    Cap.ALLOCATE_CASELOADS: frozenset({Role.HEAD_OF_YEAR, Role.SENCO}),
    Cap.VIEW_CASELOAD_BOARD: frozenset({Role.HEAD_OF_YEAR, Role.SENCO}),
    Cap.MANAGE_PLANS: _CASE,
    Cap.RECORD_CONTACTS: _CASE,
    Cap.SET_ATTENDANCE_TARGETS: frozenset({Role.SUPPORT, Role.HEAD_OF_YEAR, Role.SENCO}),
    Cap.IMPORT_MIS: frozenset({Role.ADMIN}),
    Cap.EXPORT_TRANSFER: frozenset({Role.HEAD_OF_YEAR, Role.SENCO, Role.DSL, Role.DEPUTY_DSL}),
    Cap.EXPORT_CP_FILE: DSL_ROLES,
    Cap.EXPORT_AGENCY_PASTORAL: frozenset({Role.SENCO, Role.DSL, Role.DEPUTY_DSL}),
    # Subject access: the safeguarding section, its approval and the release are
    # the DSL team's; the admin may record a request and follow its dates (the
    # admin's learner scope is NOTHING: no case content by any route); the SENCO
    # and the learner's head of year assemble the non-safeguarding sections.
    Cap.EXPORT_SUBJECT_ACCESS: DSL_ROLES,
    Cap.RECORD_SUBJECT_ACCESS: frozenset({Role.DSL, Role.DEPUTY_DSL, Role.ADMIN}),
    Cap.ASSEMBLE_SUBJECT_ACCESS: frozenset(
        {Role.HEAD_OF_YEAR, Role.SENCO, Role.DSL, Role.DEPUTY_DSL}
    ),
    Cap.READ_AUDIT: DSL_ROLES,
    Cap.MANAGE_USERS: frozenset({Role.ADMIN}),
    # ACCESS.md: the school administrator keeps "users, roles, imports, settings"
    # (school details, calendar, letter templates, thresholds); no case content.
    Cap.MANAGE_SETTINGS: frozenset({Role.ADMIN}),
    # Retention of the records that are not safeguarding records (SEN, attendance,
    # behaviour, general pastoral): the administrator reviews and disposes of them
    # (learner name, type, count, due date, rule: no content) and the DSL team,
    # who see every learner's records, may too. Safeguarding records' retention is
    # Cap.VIEW_ALL_RESTRICTED's (DSL team only). docs/retention.md.
    Cap.REVIEW_RETENTION: frozenset({Role.ADMIN, Role.DSL, Role.DEPUTY_DSL}),
}

# Which learners a role's case capabilities reach.
WHOLE_SCHOOL = "school"
OWN_YEARS = "years"
OWN_CASELOAD = "caseload"
NOTHING = "none"
ROLE_LEARNER_SCOPE: dict[str, str] = {
    Role.STAFF: NOTHING,
    Role.ADMIN: NOTHING,
    Role.SUPPORT: OWN_CASELOAD,
    Role.HEAD_OF_YEAR: OWN_YEARS,
    Role.SENCO: WHOLE_SCHOOL,
    Role.DSL: WHOLE_SCHOOL,
    Role.DEPUTY_DSL: WHOLE_SCHOOL,
}

CaseloadProvider = Callable[[User, School], QuerySet]
_caseload_provider: CaseloadProvider | None = None


def register_caseload_provider(provider: CaseloadProvider) -> None:
    """The caseload app supplies "learner ids on this user's caseload today"."""
    global _caseload_provider
    _caseload_provider = provider


@dataclass(frozen=True)
class Scope:
    """A person's standing in one school."""

    user: User
    school: School
    roles: frozenset[str]
    year_group_ids: frozenset[int] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def can(self, cap: Cap) -> bool:
        return bool(self.roles & CAPABILITY_ROLES[cap])

    @property
    def is_dsl(self) -> bool:
        return bool(self.roles & DSL_ROLES)

    @property
    def is_member(self) -> bool:
        return bool(self.roles)


def scope_for(user: User, school: School | None) -> Scope | None:
    """The person's roles in the school, or None if they have none there."""
    if school is None or not user.is_authenticated or not user.is_active:
        return None
    return scope_from(user, school, list(Membership.objects.filter(user=user, school=school)))


def scope_from(user: User, school: School, memberships: list[Membership]) -> Scope | None:
    """A Scope from the person's memberships of one school (year groups fetched
    only when one of them is a head-of-year membership)."""
    if not memberships:
        return None
    roles = {m.role for m in memberships} | {Role.STAFF}
    hoy = [m.pk for m in memberships if m.role == Role.HEAD_OF_YEAR]
    years = (
        set(
            Membership.year_groups.through.objects.filter(membership_id__in=hoy).values_list(
                "yeargroup_id", flat=True
            )
        )
        if hoy
        else set()
    )
    return Scope(user=user, school=school, roles=frozenset(roles), year_group_ids=frozenset(years))


def require(scope: Scope | None, cap: Cap) -> Scope:
    """The scope, if it holds the capability; otherwise 404 (existence never leaks)."""
    if scope is None or not scope.can(cap):
        raise Http404("Not found")
    return scope


def learner_filter(scope: Scope, cap: Cap, *, prefix: str = "") -> Q:
    """A Q object limiting a queryset to learners the scope may reach with `cap`.

    `prefix` is the path from the queried model to the learner ("learner__" for
    a model with a learner foreign key, "" for Learner itself).
    """
    if not scope.can(cap):
        return Q(pk__in=[])
    school_q = Q(**{f"{prefix}school": scope.school}) if prefix else Q(school=scope.school)
    if cap in (Cap.SEARCH_LEARNERS, Cap.LOG_CONCERN):
        return school_q
    reach = {ROLE_LEARNER_SCOPE[role] for role in scope.roles & CAPABILITY_ROLES[cap]}
    if WHOLE_SCHOOL in reach:
        return school_q
    parts = Q(pk__in=[])
    if OWN_YEARS in reach and scope.year_group_ids:
        parts |= Q(**{f"{prefix}year_group_id__in": sorted(scope.year_group_ids)})
    if OWN_CASELOAD in reach and _caseload_provider is not None:
        ids = _caseload_provider(scope.user, scope.school)
        parts |= Q(**{f"{prefix}pk__in" if not prefix else f"{prefix.rstrip('_')}_id__in": ids})
    return school_q & parts


def learners_for(scope: Scope | None, cap: Cap = Cap.VIEW_PROFILE) -> QuerySet[Learner]:
    """Learners the person may reach with the capability (directory or case)."""
    if scope is None:
        return Learner.objects.none()
    return Learner.objects.filter(learner_filter(scope, cap))


def learner_or_404(scope: Scope | None, pk: int, cap: Cap = Cap.VIEW_PROFILE) -> Learner:
    learner = (
        learners_for(scope, cap)
        .select_related("year_group", "reg_group", "school")
        .filter(pk=pk)
        .first()
    )
    if learner is None:
        raise Http404("Not found")
    return learner


def roles_label(roles: Iterable[str]) -> str:
    labels = dict(Role.choices)
    return (
        ", ".join(labels[r] for r in Role if r in roles and r != Role.STAFF) or labels[Role.STAFF]
    )
