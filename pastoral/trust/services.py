"""Writes of the trust pages and of `manage.py grant_trust_role`: each atomic,
validated and audited in the same transaction.

Trust events are audited on the trust-wide trail (school None) unless they
concern one school (a school created, its administrator invited, its first
DSL set), which then go on that school's trail.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from pastoral import audit
from pastoral.access import Scope
from pastoral.accounts import selectors as account_selectors
from pastoral.accounts.models import Invitation
from pastoral.accounts.services import invitation_create
from pastoral.accounts.services.invitations import _issue, _send
from pastoral.accounts.services.roles import _dsl_team, first_dsl_grant
from pastoral.models import Membership, Role, School, Trust, User
from pastoral.trust.models import TrustMembership, TrustRole
from pastoral.trust.standing import TrustScope


def _require(scope: TrustScope, role: str) -> TrustScope:
    if role not in scope.roles:
        raise Http404("Not found")
    return scope


def _record_grant(membership: TrustMembership, actor: User | None, source: str) -> None:
    audit.record(
        "trust.role.granted",
        actor=actor,
        school=None,
        obj=membership,
        changes={
            "user": membership.user.email,
            "trust": membership.trust.name,
            "role": membership.role,
            "source": source,
        },
    )


@transaction.atomic
def trust_role_grant_on_server(*, trust: Trust, user: User, role: str) -> TrustMembership:
    """Give a trust role from the server (`manage.py grant_trust_role`): any
    trust role, audited as the system."""
    if role not in TrustRole.values:
        raise ValidationError({"role": "Choose a trust role."})
    if not user.is_active:
        raise ValidationError({"user": "This account is deactivated."})
    if TrustMembership.objects.filter(user=user, trust=trust, role=role).exists():
        raise ValidationError({"role": "This person already holds that trust role."})
    membership = TrustMembership(user=user, trust=trust, role=role)
    membership.full_clean()
    membership.save()
    _record_grant(membership, None, "manage.py grant_trust_role")
    return membership


@transaction.atomic
def trust_admin_grant(*, scope: TrustScope, email: str) -> TrustMembership:
    """A trust administrator makes another account a trust administrator
    (never a trust safeguarding lead: that is set on the server)."""
    scope = _require(scope, TrustRole.ADMIN)
    user = account_selectors.account_for_email(email.strip())
    if user is None or not user.is_active:
        raise ValidationError({"email": "No active account has this e-mail."})
    if TrustMembership.objects.filter(user=user, trust=scope.trust, role=TrustRole.ADMIN).exists():
        raise ValidationError({"email": "This person is already a trust administrator."})
    membership = TrustMembership(
        user=user, trust=scope.trust, role=TrustRole.ADMIN, created_by=scope.user
    )
    membership.full_clean()
    membership.save()
    _record_grant(membership, scope.user, "trust administrator")
    return membership


@transaction.atomic
def trust_admin_revoke(*, scope: TrustScope, membership: TrustMembership) -> None:
    """A trust administrator removes another trust administrator (not themself,
    not a safeguarding lead)."""
    scope = _require(scope, TrustRole.ADMIN)
    if membership.trust_id != scope.trust.pk or membership.role != TrustRole.ADMIN:
        raise Http404("Not found")
    if membership.user_id == scope.user.pk:
        raise ValidationError("You cannot remove your own trust role.")
    pk, email = membership.pk, membership.user.email
    membership.delete()
    audit.record(
        "trust.role.revoked",
        actor=scope.user,
        school=None,
        object_type="pastoral.trustmembership",
        object_id=pk,
        changes={"user": email, "trust": scope.trust.name, "role": TrustRole.ADMIN.value},
    )


@transaction.atomic
def school_create(*, scope: TrustScope, name: str, urn: str, la_code: str = "") -> School:
    """A trust administrator adds a school to the trust."""
    scope = _require(scope, TrustRole.ADMIN)
    school = School(trust=scope.trust, name=name.strip(), urn=urn.strip(), la_code=la_code.strip())
    school.full_clean()
    school.save()
    audit.record(
        "trust.school.created",
        actor=scope.user,
        school=school,
        obj=school,
        changes={
            "name": school.name,
            "urn": school.urn,
            "la_code": school.la_code,
            "trust": scope.trust.name,
        },
    )
    return school


def _as_school_admin(scope: TrustScope, school: School) -> Scope:
    """The standing under which the trust administrator uses the school's own
    invitation service: the administrator role of that one school, for that
    one call (no case content: the administrator role reaches none)."""
    if school.trust_id != scope.trust.pk:
        raise Http404("Not found")
    return Scope(user=scope.user, school=school, roles=frozenset({Role.STAFF, Role.ADMIN}))


@transaction.atomic
def school_admin_invite(
    *, scope: TrustScope, school: School, email: str, full_name: str
) -> Invitation:
    """A trust administrator invites a school's administrator by e-mail: the
    school's invitation (a one-time link to set a password and an
    authenticator) with the administrator role, audited on the school's trail."""
    scope = _require(scope, TrustRole.ADMIN)
    return invitation_create(
        scope=_as_school_admin(scope, school),
        email=email,
        full_name=full_name,
        role=Role.ADMIN,
    )


@transaction.atomic
def school_first_dsl_set(
    *, scope: TrustScope, school: School, email: str, full_name: str = ""
) -> Membership:
    """The trust safeguarding lead sets the first DSL of a school that has no
    DSL or deputy DSL yet (ACCESS.md). An e-mail with no account gets one and
    an invitation link; the DSL team (now the new DSL), the school's
    administrators and the trust's other safeguarding leads are told."""
    from pastoral.notifications.services import notifications_create

    scope = _require(scope, TrustRole.SAFEGUARDING_LEAD)
    if school.trust_id != scope.trust.pk:
        raise Http404("Not found")
    email = email.strip().lower()
    user = account_selectors.account_for_email(email)
    if user is None:
        if not full_name.strip():
            raise ValidationError({"full_name": "Give the new DSL's name."})
        user = User(email=email, full_name=full_name.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit.record(
            "pastoral.user.created",
            actor=scope.user,
            school=school,
            obj=user,
            changes={"email": email, "full_name": user.full_name, "source": "trust first DSL"},
        )
    try:
        membership = first_dsl_grant(
            school=school,
            user=user,
            actor=scope.user,
            by=f"trust safeguarding lead ({scope.user.email})",
        )
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from None
    if not user.has_usable_password():
        invitation, token = _issue(
            school=school, user=user, purpose=Invitation.Purpose.INVITE, created_by=scope.user
        )
        audit.record(
            "accounts.invitation.created",
            actor=scope.user,
            school=school,
            obj=invitation,
            changes={
                "email": user.email,
                "purpose": invitation.purpose,
                "role": Role.DSL.value,
                "expires_at": invitation.expires_at.isoformat(),
            },
        )
        _send(invitation, token)
    admins = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(school=school, role=Role.ADMIN).values("user_id"),
    )
    leads = User.objects.filter(
        is_active=True,
        pk__in=TrustMembership.objects.filter(trust=scope.trust, role=TrustRole.SAFEGUARDING_LEAD)
        .exclude(user=scope.user)
        .values("user_id"),
    )
    recipients = [*_dsl_team(school), *admins, *leads]
    notifications_create(
        recipients=recipients,
        school=school,
        kind="role_request",
        title=f"First DSL of {school.name}: {user} (set by {scope.user}, trust safeguarding lead)"[
            :200
        ],
        url=reverse("home"),
        urgent=True,
    )
    return membership
