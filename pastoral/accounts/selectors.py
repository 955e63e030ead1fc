"""Reads for sign-in and for the school administrator's users-and-roles screens,
and the one list of a school's staff every app uses."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from pastoral.access import Cap, Scope, require
from pastoral.accounts.models import Invitation
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


def other_sessions_count(user: User, current_key: str | None) -> int:
    """How many live sessions the person has besides the one in use."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from pastoral.accounts.models import UserSession

    keys = UserSession.objects.filter(user=user).exclude(session_key=current_key or "")
    return Session.objects.filter(
        session_key__in=keys.values("session_key"), expire_date__gt=timezone.now()
    ).count()


def closed_account_for(email: str, password: str) -> User | None:
    """The deactivated account with this e-mail, if the password is its own.

    Only then may the sign-in page say that the account is closed: a wrong
    password gets the same answer as an unknown e-mail, so the page never
    tells a stranger which addresses have (or had) accounts. The hash is
    computed whether or not such an account exists, so the answer takes the
    same time either way."""
    account = User.objects.filter(email__iexact=email, is_active=False).first() if email else None
    if account is None:
        User().set_password(password)  # the same work as a real check
        return None
    return account if account.check_password(password) else None


def administrators_of(user: User) -> list[User]:
    """The active school administrators of the schools the person worked in
    (whom a closed account is told to ask)."""
    from pastoral.models import Membership, Role

    schools = Membership.objects.filter(user=user).values("school_id")
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.ADMIN, memberships__school_id__in=schools
        )
        .distinct()
        .order_by("full_name")
    )


def recovery_codes_left(device: StaticDevice) -> int:
    """How many unused recovery codes the person's recovery device still holds."""
    return StaticToken.objects.filter(device=device).count()


def is_locked_out(user: User) -> bool:
    """Whether django-axes currently refuses this person's sign-ins."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(
        username=user.email, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


# --- invitations -------------------------------------------------------------


def invitations_for(scope: Scope | None, state: str = "") -> QuerySet[Invitation]:
    """The school's invitations and re-enrolment links, newest first, for the
    administrator (404 otherwise). `state` keeps pending, accepted, revoked or
    expired ones."""
    from django.utils import timezone

    scope = require(scope, Cap.MANAGE_USERS)
    qs = Invitation.objects.filter(school=scope.school).select_related("user", "created_by")
    now = timezone.now()
    if state == Invitation.State.ACCEPTED:
        qs = qs.filter(accepted_at__isnull=False)
    elif state == Invitation.State.REVOKED:
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=False)
    elif state == Invitation.State.EXPIRED:
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now)
    elif state == Invitation.State.PENDING:
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
    return qs.order_by("-sent_at", "-pk")


def invitation_or_404(scope: Scope | None, pk: int) -> Invitation:
    invitation = invitations_for(scope).filter(pk=pk).first()
    if invitation is None:
        raise Http404("Not found")
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to (any state), or None. Only the
    token's hash is stored, so this is the one way to find it."""
    from pastoral.accounts.services.invitations import token_hash

    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("user", "school")
        .filter(token_hash=token_hash(token))
        .first()
    )


def has_second_factor(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
