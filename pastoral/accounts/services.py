"""Writes for sign-in and for the school's users and roles. Every one is audited."""

from __future__ import annotations

from collections.abc import Iterable

from axes.utils import reset as axes_reset
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest

from pastoral import audit
from pastoral.access import Cap, Scope, require, scope_for
from pastoral.accounts.models import UserSession
from pastoral.models import Membership, Role, School, User, YearGroup

# --- sign-in ---------------------------------------------------------------


def signin_succeeded(*, user: User, request: HttpRequest, second_factor: str) -> None:
    """Audit a completed sign-in (password and, where enrolled, second factor)."""
    audit.record(
        "accounts.user.signed_in",
        actor=user,
        school=None,
        obj=user,
        changes={"second_factor": second_factor},
        request=request,
    )


def signin_failed(*, email: str, request: HttpRequest, stage: str, locked: bool = False) -> None:
    """Audit a failed attempt: a wrong password (or locked account) or a wrong code.

    The account is linked when the e-mail belongs to someone, so the audit
    search by person shows attempts on their account.
    """
    user = User.objects.filter(email__iexact=email).first() if email else None
    audit.record(
        "accounts.user.sign_in_failed",
        actor=None,
        school=None,
        obj=user,
        object_type="" if user else "pastoral.user",
        changes={"email": email[:254], "stage": stage, "locked_out": locked},
        request=request,
    )


def signout(*, user: User, request: HttpRequest) -> None:
    audit.record("accounts.user.signed_out", actor=user, school=None, obj=user, request=request)


def password_changed(*, user: User, request: HttpRequest) -> None:
    """Audit a password change (never the password itself)."""
    audit.record(
        "accounts.user.password_changed", actor=user, school=None, obj=user, request=request
    )


def second_factor_event(*, user: User, request: HttpRequest, action: str, method: str) -> None:
    """Audit enrolment or a step-up confirmation."""
    audit.record(
        action, actor=user, school=None, obj=user, changes={"method": method}, request=request
    )


def end_sessions(user: User) -> int:
    """Delete every session the person is signed in with. Returns how many."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return deleted


# --- users and roles (school administrator) --------------------------------


def _admin_scope(actor: User, school: School) -> Scope:
    return require(scope_for(actor, school), Cap.MANAGE_USERS)


def _member_or_404(user: User, school: School) -> None:
    if not Membership.objects.filter(user=user, school=school).exists():
        raise Http404("Not found")


@transaction.atomic
def user_create(
    *,
    actor: User,
    school: School,
    full_name: str,
    email: str,
    job_title: str = "",
    password: str,
    request: HttpRequest | None = None,
) -> User:
    """Add a person to the school as staff, creating their account if it is new.

    Someone who already has an account (they work at another school of the
    trust) keeps their password; they are only added to this school.
    """
    _admin_scope(actor, school)
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, job_title=job_title)
        user.set_password(password)
        user.full_clean()
        user.save()
        audit.record(
            "pastoral.user.created",
            actor=actor,
            school=school,
            obj=user,
            changes={"email": email, "full_name": full_name, "job_title": job_title},
            request=request,
        )
    elif Membership.objects.filter(user=user, school=school).exists():
        raise ValidationError({"email": "This person already works at this school."})
    membership = Membership(user=user, school=school, role=Role.STAFF)
    membership.full_clean()
    membership.save()
    audit.record(
        "pastoral.membership.created",
        actor=actor,
        school=school,
        obj=membership,
        changes={"user": email, "role": Role.STAFF.value},
        request=request,
    )
    return user


@transaction.atomic
def membership_grant(
    *,
    actor: User,
    school: School,
    user: User,
    role: str,
    year_groups: Iterable[YearGroup] = (),
    request: HttpRequest | None = None,
) -> Membership:
    """Give a member of the school another role (heads of year: with their years)."""
    _admin_scope(actor, school)
    _member_or_404(user, school)
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
        actor=actor,
        school=school,
        obj=membership,
        changes={"user": user.email, "role": role, "year_groups": [y.name for y in years]},
        request=request,
    )
    return membership


@transaction.atomic
def membership_set_years(
    *,
    actor: User,
    membership: Membership,
    year_groups: Iterable[YearGroup],
    request: HttpRequest | None = None,
) -> Membership:
    """Change which year groups a head of year leads."""
    _admin_scope(actor, membership.school)
    years = list(year_groups)
    if membership.role != Role.HEAD_OF_YEAR or not years:
        raise ValidationError({"year_groups": "Choose the year groups this head of year leads."})
    if any(y.school_id != membership.school_id for y in years):
        raise Http404("Not found")
    before = sorted(y.name for y in membership.year_groups.all())
    membership.year_groups.set(years)
    audit.record(
        "pastoral.membership.changed",
        actor=actor,
        school=membership.school,
        obj=membership,
        changes=audit.diff({"year_groups": before}, {"year_groups": sorted(y.name for y in years)}),
        request=request,
    )
    return membership


@transaction.atomic
def membership_revoke(
    *, actor: User, membership: Membership, request: HttpRequest | None = None
) -> None:
    """Remove a role. Staff is not removable on its own (deactivate the person
    instead), and a school always keeps at least one administrator."""
    school = membership.school
    _admin_scope(actor, school)
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
        actor=actor,
        school=school,
        object_type="pastoral.membership",
        object_id=pk,
        changes=changes,
        request=request,
    )


@transaction.atomic
def user_deactivate(
    *, actor: User, school: School, user: User, request: HttpRequest | None = None
) -> int:
    """Switch the account off and end every session it has, at once.

    Returns the number of sessions ended. The person's roles stay on record
    (for the audit trail and to reactivate later) but give no access.
    """
    _admin_scope(actor, school)
    _member_or_404(user, school)
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    audit.record(
        "pastoral.user.deactivated",
        actor=actor,
        school=school,
        obj=user,
        changes={"is_active": {"from": True, "to": False}, "sessions_ended": ended},
        request=request,
    )
    return ended


@transaction.atomic
def user_reactivate(
    *, actor: User, school: School, user: User, request: HttpRequest | None = None
) -> None:
    _admin_scope(actor, school)
    _member_or_404(user, school)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        "pastoral.user.reactivated",
        actor=actor,
        school=school,
        obj=user,
        changes={"is_active": {"from": False, "to": True}},
        request=request,
    )


@transaction.atomic
def user_unlock(
    *, actor: User, school: School, user: User, request: HttpRequest | None = None
) -> int:
    """Clear the failed sign-ins that locked the person out (django-axes).
    Same effect as `manage.py axes_reset_username EMAIL`."""
    _admin_scope(actor, school)
    _member_or_404(user, school)
    cleared = axes_reset(username=user.email)
    audit.record(
        "accounts.user.unlocked",
        actor=actor,
        school=school,
        obj=user,
        changes={"attempts_cleared": cleared},
        request=request,
    )
    return cleared
