"""Staff invitations and second-factor resets: one-time links, all audited.

An invitation creates the person's account at once (no usable password, the
role "staff"); a role that reaches case data is only *requested*, exactly as
on the staff screen (ACCESS.md's two-person rule: it takes effect when a DSL
approves it). The link carries a random token; only its SHA-256 is stored.
The invitee's account changes only at the last step (`invitation_accept`), in
one transaction that first marks the invitation used, so a link used twice or
after it expired changes nothing.

A reset of a lost second factor (`two_factor_reset`) needs the
administrator's own fresh code, removes the person's authenticator and
recovery codes, ends their sessions, tells them and every DSL of the school,
and sends them a re-enrolment link (an Invitation with purpose "reenrol").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral import audit
from pastoral.access import Scope
from pastoral.accounts import selectors
from pastoral.accounts.models import Invitation
from pastoral.accounts.services._common import _admin, _end_sessions
from pastoral.accounts.services.roles import (
    _check_second_factor,
    _dsl_team,
    membership_grant,
    role_request_create,
    widens_case_access,
)
from pastoral.accounts.services.signin import two_factor_enrol
from pastoral.models import Membership, Role, School, User, YearGroup

# Wrong passwords on a re-enrolment link before the link stops working.
MAX_LINK_FAILURES = 5


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation-accept", kwargs={"token": token})


def _send(invitation: Invitation, token: str) -> None:
    """E-mail the link once the transaction has committed (never for a rollback)."""
    school = invitation.school.name
    link = invitation_link(token)
    days = settings.INVITATION_DAYS
    if invitation.purpose == Invitation.Purpose.INVITE:
        subject = f"Your Pastoral account at {school}"
        body = (
            f"Hello {invitation.user.full_name or invitation.email},\n\n"
            f"{school} has set up a Pastoral account for you. Open this link to choose "
            "your password and set up two-factor sign-in with an authenticator app "
            "(such as Microsoft Authenticator, Google Authenticator or FreeOTP):\n\n"
            f"{link}\n\n"
            f"The link works once, for {days} days. If it has expired, ask your school "
            "administrator to send a new one. If you were not expecting this e-mail, "
            "ignore it.\n"
        )
    else:
        subject = f"Set up two-factor sign-in again for Pastoral at {school}"
        body = (
            f"Hello {invitation.user.full_name or invitation.email},\n\n"
            f"Your school administrator at {school} reset your two-factor sign-in, so your "
            "old authenticator app and recovery codes no longer work. Open this link, enter "
            "your password and add Pastoral to your authenticator app again:\n\n"
            f"{link}\n\n"
            f"The link works once, for {days} days. If you did not ask for this, tell your "
            "school's designated safeguarding lead at once.\n"
        )

    def deliver() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])

    transaction.on_commit(deliver)


def _issue(
    *, school: School, user: User, purpose: str, created_by: User | None
) -> tuple[Invitation, str]:
    """A new link for the person; any earlier unused link of theirs at this
    school dies (only the newest works)."""
    now = timezone.now()
    Invitation.objects.filter(
        school=school, user=user, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_by=created_by)
    token, digest = _new_token()
    invitation = Invitation(
        school=school,
        user=user,
        email=user.email,
        purpose=purpose,
        token_hash=digest,
        created_by=created_by,
        created_at=now,
        sent_at=now,
        expires_at=_expiry(),
    )
    invitation.full_clean()
    invitation.save()
    # Not stored: only the e-mail carries it (and tests, which read it here).
    invitation.token = token  # type: ignore[attr-defined]
    return invitation, token


def _audit_invitation(action: str, scope: Scope, invitation: Invitation, **changes: object) -> None:
    audit.record(
        action,
        actor=scope.user,
        school=scope.school,
        obj=invitation,
        changes={"email": invitation.email, "purpose": invitation.purpose, **changes},
    )


@transaction.atomic
def invitation_create(
    *,
    scope: Scope,
    email: str,
    full_name: str,
    job_title: str = "",
    role: str = "",
    year_groups: Iterable[YearGroup] = (),
) -> Invitation:
    """Invite a person to the school by e-mail.

    A new person gets an account with no usable password and the role
    "staff"; `role` (optional) is given at once when it reaches no case data
    (administrator) and otherwise requested for a DSL's approval. Someone
    already at the school who has never set a password (the staff import
    added them) is sent a (new) link. Anyone who already signs in is refused:
    they need no invitation.
    """
    scope = _admin(scope)
    email = email.strip().lower()
    user = selectors.account_for_email(email)
    if user is not None and user.has_usable_password():
        if selectors.is_member(scope, user):
            raise ValidationError({"email": "This person already has an account at this school."})
        raise ValidationError(
            {
                "email": "This person already has a Pastoral account (another school of the "
                "trust): add them from Staff and roles > Add a person instead."
            }
        )
    if user is None:
        user = User(email=email, full_name=full_name.strip(), job_title=job_title.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit.record(
            "pastoral.user.created",
            actor=scope.user,
            school=scope.school,
            obj=user,
            changes={"email": email, "full_name": user.full_name, "source": "invitation"},
        )
    if not selectors.is_member(scope, user):
        membership = Membership(user=user, school=scope.school, role=Role.STAFF)
        membership.full_clean()
        membership.save()
        audit.record(
            "pastoral.membership.created",
            actor=scope.user,
            school=scope.school,
            obj=membership,
            changes={"user": email, "role": Role.STAFF.value, "source": "invitation"},
        )
    if role and role != Role.STAFF:
        if widens_case_access(role):
            # The two-person rule: a DSL approves, or the role never starts.
            role_request_create(scope=scope, user=user, role=role, year_groups=year_groups)
        else:
            membership_grant(scope=scope, user=user, role=role)
    invitation, token = _issue(
        school=scope.school, user=user, purpose=Invitation.Purpose.INVITE, created_by=scope.user
    )
    _audit_invitation(
        "accounts.invitation.created",
        scope,
        invitation,
        role=role or Role.STAFF.value,
        expires_at=invitation.expires_at.isoformat(),
    )
    _send(invitation, token)
    return invitation


def invitations_for_new_staff(*, scope: Scope, users: Iterable[User]) -> list[Invitation]:
    """Invite each of these members who has never set a password and has no
    link waiting (after a staff CSV was imported). Call inside the import's
    transaction."""
    scope = _admin(scope)
    waiting = set(
        Invitation.objects.filter(
            school=scope.school,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("user_id", flat=True)
    )
    created = []
    for user in users:
        if user.has_usable_password() or user.pk in waiting:
            continue
        invitation, token = _issue(
            school=scope.school,
            user=user,
            purpose=Invitation.Purpose.INVITE,
            created_by=scope.user,
        )
        _audit_invitation(
            "accounts.invitation.created",
            scope,
            invitation,
            source="staff CSV",
            expires_at=invitation.expires_at.isoformat(),
        )
        _send(invitation, token)
        created.append(invitation)
    return created


def _own(scope: Scope, invitation: Invitation) -> Scope:
    scope = _admin(scope)
    if invitation.school_id != scope.school.pk:
        raise Http404("Not found")
    return scope


@transaction.atomic
def invitation_resend(*, scope: Scope, invitation: Invitation) -> Invitation:
    """Send a new link (a new token and a new expiry) for an invitation not yet
    accepted. The old link stops working at once: it shows "a newer link was
    sent" rather than changing anything."""
    scope = _own(scope, invitation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was already accepted: there is nothing to resend.")
    fresh, token = _issue(
        school=invitation.school,
        user=invitation.user,
        purpose=invitation.purpose,
        created_by=scope.user,
    )
    fresh.times_sent = invitation.times_sent + 1
    fresh.save(update_fields=["times_sent"])
    _audit_invitation(
        "accounts.invitation.resent",
        scope,
        fresh,
        replaces=invitation.pk,
        times_sent=fresh.times_sent,
        expires_at=fresh.expires_at.isoformat(),
    )
    _send(fresh, token)
    return fresh


@transaction.atomic
def invitation_revoke(*, scope: Scope, invitation: Invitation) -> None:
    """Stop an unused link working."""
    scope = _own(scope, invitation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was already accepted: it cannot be revoked.")
    if invitation.revoked_at is not None:
        raise ValidationError("This invitation was already revoked.")
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = scope.user
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    _audit_invitation("accounts.invitation.revoked", scope, invitation)


# --- the invitee: no scope, no sign-in yet ----------------------------------


def invitation_refused(*, invitation: Invitation | None, reason: str) -> None:
    """Audit an attempt to use a dead link (used, expired, revoked, unknown)."""
    audit.record(
        "accounts.invitation.refused",
        actor=None,
        school=invitation.school if invitation else None,
        obj=invitation,
        object_type="" if invitation else "accounts.invitation",
        changes={"reason": reason},
    )


def reenrol_password_failed(*, invitation: Invitation) -> bool:
    """Count a wrong password typed on a re-enrolment link; returns True when
    the link has now died. Audited as a failed sign-in."""
    from pastoral.accounts.services.signin import signin_failed

    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation.failed_attempts += 1
        dead = invitation.failed_attempts >= MAX_LINK_FAILURES
        if dead and invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["failed_attempts", "revoked_at"])
    signin_failed(email=invitation.email, stage="re-enrolment link")
    return dead


class LinkUsed(Exception):
    """The link was used, revoked or expired between opening and finishing."""


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, device: TOTPDevice, password_hash: str | None
) -> list[str]:
    """The invitee's last step: they proved the new authenticator. Marks the
    link used first (a second use finds it used and changes nothing), sets the
    password chosen on the first step (an invitation) and confirms the
    authenticator with fresh recovery codes. Returns the codes, shown once."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.usable:
        raise LinkUsed(locked.state)
    if device.user_id != locked.user_id:
        raise LinkUsed("wrong device")
    now = timezone.now()
    locked.accepted_at = now
    locked.save(update_fields=["accepted_at"])
    user = locked.user
    if password_hash:
        user.password = password_hash
        user.save(update_fields=["password"])
    codes = two_factor_enrol(user=user, device=device)
    audit.record(
        "accounts.invitation.accepted",
        actor=user,
        school=locked.school,
        obj=locked,
        changes={
            "email": locked.email,
            "purpose": locked.purpose,
            "password_set": bool(password_hash),
        },
    )
    invitation.accepted_at = now
    return codes


# --- lost second factor ------------------------------------------------------


def two_factor_reset(
    *,
    scope: Scope,
    user: User,
    code: str,
    seconds_since_second_factor: float | None = None,
) -> Invitation:
    """Reset a member's lost second factor: the administrator proves their own
    fresh code; the person's authenticator and recovery codes are removed,
    their sessions ended, and they get a one-time re-enrolment link. The
    person and every DSL of the school are told. Audited."""
    scope = _admin(scope, user)
    if user.pk == scope.user.pk:
        raise ValidationError(
            "You cannot reset your own second factor: another administrator must."
        )
    if not user.has_usable_password():
        raise ValidationError(
            "This person has not set up their account yet: resend their invitation instead."
        )
    # A wrong code is audited outside the transaction, so the refusal keeps it.
    method = _check_second_factor(
        scope,
        code,
        seconds_since_second_factor,
        stage="second-factor reset",
        what="reset someone's two-factor sign-in",
    )
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        StaticDevice.objects.filter(user=user).delete()
        ended = _end_sessions(user)
        invitation, token = _issue(
            school=scope.school,
            user=user,
            purpose=Invitation.Purpose.REENROL,
            created_by=scope.user,
        )
        audit.record(
            "accounts.two_factor.reset",
            actor=scope.user,
            school=scope.school,
            obj=user,
            changes={
                "user": user.email,
                "confirmed_by": method,
                "devices_removed": removed,
                "sessions_ended": ended,
                "invitation": invitation.pk,
            },
        )
        _send(invitation, token)
        _tell(scope, user)
    return invitation


def _tell(scope: Scope, user: User) -> None:
    """The person (in the app too) and every DSL of the school are told."""
    from pastoral.notifications.services import notifications_create

    title = f"Two-factor sign-in of {user} was reset by {scope.user}"
    team = [u for u in _dsl_team(scope.school) if u.pk != user.pk]
    if team:
        notifications_create(
            recipients=team,
            school=scope.school,
            kind="account_security",
            title=title[:200],
            url="",
            urgent=True,
        )
    notifications_create(
        recipients=[user],
        school=scope.school,
        kind="account_security",
        title=f"Your two-factor sign-in was reset by {scope.user}"[:200],
        url="",
        urgent=False,
    )
