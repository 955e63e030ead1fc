"""Reads for sign-in and for the school administrator's users-and-roles screens,
and the one list of a school's staff every app uses."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from pastoral.access import Cap, Scope, require
from pastoral.models import Membership, RoleRequest, User


def staff_for(scope: Scope, query: str = "", *, include_inactive: bool = False) -> QuerySet[User]:
    """The people who work at the scope's school, by name: for choosing whom to
    alert, own, share with or allocate, and for the administrator's staff list.

    `query` keeps those whose name or e-mail contains every word (at most four);
    deactivated accounts are left out unless `include_inactive`. Names only:
    no capability is needed to see one's colleagues.
    """
    qs = User.objects.filter(
        pk__in=Membership.objects.filter(school=scope.school).values("user_id")
    ).order_by("full_name", "email")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    for term in query.split()[:4]:
        qs = qs.filter(Q(full_name__icontains=term) | Q(email__icontains=term))
    return qs


def staff_with_roles_for(scope: Scope | None, query: str = "") -> QuerySet[User]:
    """Everyone who works at the school, active or not, each with their roles
    here (`school_memberships`). Refuses (404) without Cap.MANAGE_USERS."""
    scope = require(scope, Cap.MANAGE_USERS)
    return staff_for(scope, query, include_inactive=True).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(school=scope.school)
            .prefetch_related("year_groups")
            .order_by("role"),
            to_attr="school_memberships",
        )
    )


def staff_member_or_404(scope: Scope | None, pk: int) -> User:
    user = staff_with_roles_for(scope).filter(pk=pk).first()
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


def _role_requests(scope: Scope) -> QuerySet[RoleRequest]:
    return (
        RoleRequest.objects.filter(school=scope.school)
        .select_related("user", "requested_by", "decided_by")
        .prefetch_related("year_groups")
    )


def pending_role_requests_for_user(scope: Scope | None, user: User) -> list[RoleRequest]:
    """The administrator's view of one person: their roles awaiting DSL approval."""
    scope = require(scope, Cap.MANAGE_USERS)
    return list(
        _role_requests(scope).filter(user=user, status=RoleRequest.Status.PENDING).order_by("pk")
    )


def _dsl(scope: Scope | None) -> Scope:
    """DSLs and deputy DSLs only: they approve role grants (ACCESS.md)."""
    if scope is None or not scope.is_dsl:
        raise Http404("Not found")
    return scope


# How many decided requests the DSL's list shows under the pending ones.
RECENT_DECIDED = 20


def role_requests_for(scope: Scope | None) -> tuple[list[RoleRequest], list[RoleRequest]]:
    """A DSL's role requests: every pending one (oldest first) and the latest
    decided ones. Refuses (404) anyone who is not a DSL or deputy DSL."""
    scope = _dsl(scope)
    pending = list(
        _role_requests(scope)
        .filter(status=RoleRequest.Status.PENDING)
        .order_by("requested_at", "pk")
    )
    decided = list(
        _role_requests(scope)
        .exclude(status=RoleRequest.Status.PENDING)
        .order_by("-decided_at", "-pk")[:RECENT_DECIDED]
    )
    return pending, decided


def role_request_for(scope: Scope | None, pk: int) -> RoleRequest:
    """One role request of the DSL's school, or 404."""
    scope = _dsl(scope)
    role_request = _role_requests(scope).filter(pk=pk).first()
    if role_request is None:
        raise Http404("Not found")
    return role_request


def is_member(scope: Scope, user: User) -> bool:
    """Whether the person holds any role at the scope's school."""
    return Membership.objects.filter(user=user, school=scope.school).exists()


def account_for_email(email: str) -> User | None:
    """The account with this e-mail (any case), if there is one."""
    return User.objects.filter(email__iexact=email).first() if email else None


def recovery_codes_left(device: StaticDevice) -> int:
    """How many unused recovery codes the person's recovery device still holds."""
    return StaticToken.objects.filter(device=device).count()


def is_locked_out(user: User) -> bool:
    """Whether django-axes currently refuses this person's sign-ins."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(
        username=user.email, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
