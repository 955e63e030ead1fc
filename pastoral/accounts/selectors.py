"""Reads for the school administrator's users-and-roles screens."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from pastoral.access import Cap, Scope, require
from pastoral.models import Membership, User


def _with_school_roles(qs: QuerySet[User], scope: Scope) -> QuerySet[User]:
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(school=scope.school)
            .prefetch_related("year_groups")
            .order_by("role"),
            to_attr="school_memberships",
        )
    )


def staff_for(
    scope: Scope | None,
    query: str = "",
    *,
    cap: Cap = Cap.MANAGE_USERS,
    active_only: bool = False,
    with_roles: bool = True,
) -> QuerySet[User]:
    """Everyone who works at the scope's school, by name. Refuses (404) without
    `cap`: the users screens ask for Cap.MANAGE_USERS; an app that lets people
    name a colleague (to alert, to share with) asks for its own capability.
    `active_only` leaves out deactivated accounts; `with_roles` prefetches each
    person's roles in this school (the users screens show them)."""
    scope = require(scope, cap)
    qs = User.objects.filter(
        pk__in=Membership.objects.filter(school=scope.school).values("user_id")
    ).order_by("full_name", "email")
    if active_only:
        qs = qs.filter(is_active=True)
    for term in query.split()[:4]:
        from django.db.models import Q

        qs = qs.filter(Q(full_name__icontains=term) | Q(email__icontains=term))
    return _with_school_roles(qs, scope) if with_roles else qs


def staff_member_or_404(scope: Scope | None, pk: int) -> User:
    user = staff_for(scope).filter(pk=pk).first()
    if user is None:
        raise Http404("Not found")
    return user


def membership_or_404(scope: Scope | None, user: User, membership_pk: int) -> Membership:
    scope = require(scope, Cap.MANAGE_USERS)
    membership = (
        Membership.objects.select_related("school", "user")
        .filter(pk=membership_pk, user=user, school=scope.school)
        .first()
    )
    if membership is None:
        raise Http404("Not found")
    return membership


def is_locked_out(user: User) -> bool:
    """Whether django-axes currently refuses this person's sign-ins."""
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.filter(
        username=user.email, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
