"""Writes for sign-in and for the school's users and roles. Every one is audited."""

from __future__ import annotations

from collections.abc import Iterable

from axes.utils import reset as axes_reset
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.accounts import selectors
from pastoral.accounts.models import UserSession
from pastoral.accounts.otp import RECOVERY_CODE_COUNT, RECOVERY_DEVICE_NAME
from pastoral.models import Membership, Role, User, YearGroup

# --- sign-in ---------------------------------------------------------------
# Before a school is chosen there is no scope: these name the person instead.


def signin_succeeded(*, user: User, second_factor: str) -> None:
    """Audit a completed sign-in (password and, where enrolled, second factor)."""
    audit.record(
        "accounts.user.signed_in",
        actor=user,
        school=None,
        obj=user,
        changes={"second_factor": second_factor},
    )


def signin_failed(*, email: str, stage: str, locked: bool = False) -> None:
    """Audit a failed attempt: a wrong password (or locked account) or a wrong code.

    The account is linked when the e-mail belongs to someone, so the audit
    search by person shows attempts on their account.
    """
    user = selectors.account_for_email(email)
    audit.record(
        "accounts.user.sign_in_failed",
        actor=None,
        school=None,
        obj=user,
        object_type="" if user else "pastoral.user",
        changes={"email": email[:254], "stage": stage, "locked_out": locked},
    )


def signout(*, user: User) -> None:
    audit.record("accounts.user.signed_out", actor=user, school=None, obj=user)


def password_changed(*, user: User) -> None:
    """Audit a password change (never the password itself)."""
    audit.record("accounts.user.password_changed", actor=user, school=None, obj=user)


def second_factor_event(*, user: User, action: str, method: str) -> None:
    """Audit enrolment or a step-up confirmation."""
    audit.record(action, actor=user, school=None, obj=user, changes={"method": method})


def two_factor_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The authenticator-app device the person is enrolling: the latest
    unconfirmed one, or a new one (its key is what the QR code shows)."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return pending or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )


@transaction.atomic
def two_factor_enrol(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator app the person just proved, drop any other
    unconfirmed one, and issue a fresh set of recovery codes (replacing any
    earlier set). Returns the codes, to be shown once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    second_factor_event(user=user, action="accounts.two_factor.enrolled", method="totp")
    return codes


def _end_sessions(user: User) -> int:
    """Delete every session the person is signed in with. Returns how many."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return deleted


# --- users and roles (school administrator) --------------------------------


def _admin(scope: Scope, user: User | None = None) -> Scope:
    """The administrator's scope (404 without Cap.MANAGE_USERS); with `user`,
    also 404 unless that person works at the school."""
    scope = require(scope, Cap.MANAGE_USERS)
    if user is not None and not selectors.is_member(scope, user):
        raise Http404("Not found")
    return scope


@transaction.atomic
def user_create(
    *,
    scope: Scope,
    full_name: str,
    email: str,
    job_title: str = "",
    password: str,
) -> User:
    """Add a person to the school as staff, creating their account if it is new.

    Someone who already has an account (they work at another school of the
    trust) keeps their password; they are only added to this school.
    """
    scope = _admin(scope)
    email = email.strip().lower()
    user = selectors.account_for_email(email)
    if user is None:
        user = User(email=email, full_name=full_name, job_title=job_title)
        user.set_password(password)
        user.full_clean()
        user.save()
        audit.record(
            "pastoral.user.created",
            actor=scope.user,
            school=scope.school,
            obj=user,
            changes={"email": email, "full_name": full_name, "job_title": job_title},
        )
    elif selectors.is_member(scope, user):
        raise ValidationError({"email": "This person already works at this school."})
    membership = Membership(user=user, school=scope.school, role=Role.STAFF)
    membership.full_clean()
    membership.save()
    audit.record(
        "pastoral.membership.created",
        actor=scope.user,
        school=scope.school,
        obj=membership,
        changes={"user": email, "role": Role.STAFF.value},
    )
    return user


@transaction.atomic
def membership_grant(
    *,
    scope: Scope,
    user: User,
    role: str,
    year_groups: Iterable[YearGroup] = (),
) -> Membership:
    """Give a member of the school another role (heads of year: with their years)."""
    scope = _admin(scope, user)
    school = scope.school
    years = list(year_groups)
    if any(y.school_id != school.pk for y in years):
        raise Http404("Not found")
    if role == Role.HEAD_OF_YEAR and not years:
        raise ValidationError({"year_groups": "Choose the year groups this head of year leads."})
    if Membership.objects.filter(user=user, school=school, role=role).exists():
        raise ValidationError({"role": "This person already holds that role."})
    membership = Membership(user=user, school=school, role=role)
    membership.full_clean()
    membership.save()
    if role == Role.HEAD_OF_YEAR:
        membership.year_groups.set(years)
    audit.record(
        "pastoral.membership.created",
        actor=scope.user,
        school=scope.school,
        obj=membership,
        changes={"user": user.email, "role": role, "year_groups": [y.name for y in years]},
    )
    return membership


@transaction.atomic
def membership_set_years(
    *,
    scope: Scope,
    membership: Membership,
    year_groups: Iterable[YearGroup],
) -> Membership:
    """Change which year groups a head of year leads."""
    scope = _admin(scope)
    if membership.school_id != scope.school.pk:
        raise Http404("Not found")
    years = list(year_groups)
    if membership.role != Role.HEAD_OF_YEAR or not years:
        raise ValidationError({"year_groups": "Choose the year groups this head of year leads."})
    if any(y.school_id != membership.school_id for y in years):
        raise Http404("Not found")
    before = sorted(y.name for y in membership.year_groups.all())
    membership.year_groups.set(years)
    audit.record(
        "pastoral.membership.changed",
        actor=scope.user,
        school=scope.school,
        obj=membership,
        changes=audit.diff({"year_groups": before}, {"year_groups": sorted(y.name for y in years)}),
    )
    return membership


@transaction.atomic
def membership_revoke(*, scope: Scope, membership: Membership) -> None:
    """Remove a role. Staff is not removable on its own (deactivate the person
    instead), and a school always keeps at least one administrator."""
    scope = _admin(scope)
    school = scope.school
    if membership.school_id != school.pk:
        raise Http404("Not found")
    if membership.role == Role.STAFF:
        raise ValidationError("Every member is staff; deactivate the person instead.")
    if (
        membership.role == Role.ADMIN
        and Membership.objects.filter(school=school, role=Role.ADMIN).count() <= 1
    ):
        raise ValidationError("The school must keep at least one administrator.")
    changes = {
        "user": membership.user.email,
        "role": membership.role,
        "year_groups": [y.name for y in membership.year_groups.all()],
    }
    pk = membership.pk
    membership.delete()
    audit.record(
        "pastoral.membership.deleted",
        actor=scope.user,
        school=scope.school,
        object_type="pastoral.membership",
        object_id=pk,
        changes=changes,
    )


@transaction.atomic
def user_deactivate(*, scope: Scope, user: User) -> int:
    """Switch the account off and end every session it has, at once.

    Returns the number of sessions ended. The person's roles stay on record
    (for the audit trail and to reactivate later) but give no access.
    """
    scope = _admin(scope, user)
    if user.pk == scope.user.pk:
        raise ValidationError("You cannot deactivate your own account.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_sessions(user)
    audit.record(
        "pastoral.user.deactivated",
        actor=scope.user,
        school=scope.school,
        obj=user,
        changes={"is_active": {"from": True, "to": False}, "sessions_ended": ended},
    )
    return ended


@transaction.atomic
def user_reactivate(*, scope: Scope, user: User) -> None:
    """Let a deactivated member sign in again."""
    scope = _admin(scope, user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        "pastoral.user.reactivated",
        actor=scope.user,
        school=scope.school,
        obj=user,
        changes={"is_active": {"from": False, "to": True}},
    )


@transaction.atomic
def user_unlock(*, scope: Scope, user: User) -> int:
    """Clear the failed sign-ins that locked the person out (django-axes).
    Same effect as `manage.py axes_reset_username EMAIL`."""
    scope = _admin(scope, user)
    cleared = axes_reset(username=user.email)
    audit.record(
        "accounts.user.unlocked",
        actor=scope.user,
        school=scope.school,
        obj=user,
        changes={"attempts_cleared": cleared},
    )
    return cleared
