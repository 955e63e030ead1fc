"""Roles and the two-person rule (ACCESS.md): wider access is requested, a DSL approves."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from pastoral import audit
from pastoral.access import DSL_ROLES, NOTHING, ROLE_LEARNER_SCOPE, Scope
from pastoral.accounts.services._common import _admin
from pastoral.accounts.services.signin import signin_failed
from pastoral.models import Membership, Role, RoleRequest, School, User, YearGroup

# --- roles: the two-person rule (ACCESS.md) ---------------------------------
# A role that reaches learners' case data (support officer, head of year,
# SENCO, DSL, deputy DSL; and more year groups for a head of year) is only
# ever *requested* by the administrator: it takes effect when a DSL or deputy
# DSL of the school, neither the requester nor the person it is for, approves
# it with a fresh second factor. Staff and the administrator role reach no
# case data (ACCESS.md) and are given at once. Removing a role is immediate.

# How recently the approving DSL must have entered a code, when they do not
# enter one on the approval form itself.
APPROVAL_CODE_SECONDS = 90


def widens_case_access(role: str) -> bool:
    """Whether holding the role reaches any learner's case data (from access.py's
    table of learner scope per role, so the two never disagree)."""
    return ROLE_LEARNER_SCOPE.get(role, NOTHING) != NOTHING


def _role_label(role: str) -> str:
    return dict(Role.choices).get(role, role)


def _year_names(years: Iterable[YearGroup]) -> list[str]:
    return sorted(y.name for y in years)


def _dsl_team(school: School) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(school=school, role__in=DSL_ROLES).values("user_id"),
        ).order_by("pk")
    )


def _notify_dsls(
    school: School,
    *,
    title: str,
    url: str,
    extra: Iterable[User | None] = (),
    extra_url: str = "",
) -> None:
    """Tell every DSL and deputy DSL of the school at once (and the `extra`
    people, with a link they may open). Titles name the role and the member of
    staff, never a learner."""
    from pastoral.notifications.services import notifications_create

    team = _dsl_team(school)
    others = [u for u in extra if u is not None and u.is_active and u not in team]
    for recipients, link in ((team, url), (others, extra_url)):
        if recipients:
            notifications_create(
                recipients=recipients,
                school=school,
                kind="role_request",
                title=title[:200],
                url=link,
                urgent=True,
            )


def _add_membership(
    *, school: School, user: User, role: str, years: list[YearGroup]
) -> tuple[Membership, list[str], list[str]]:
    """Give the role (heads of year: add the years). Returns the membership and
    the year names before and after. Used by the immediate grant of roles that
    widen nothing and by an approved request, never directly by a view."""
    membership = Membership.objects.filter(user=user, school=school, role=role).first()
    before: list[str] = []
    if membership is None:
        membership = Membership(user=user, school=school, role=role)
        membership.full_clean()
        membership.save()
    else:
        before = _year_names(membership.year_groups.all())
    if years:
        membership.year_groups.add(*years)
    after = _year_names(membership.year_groups.all()) if role == Role.HEAD_OF_YEAR else []
    return membership, before, after


@transaction.atomic
def membership_grant(*, scope: Scope, user: User, role: str) -> Membership:
    """Give a member of the school a role that reaches no case data (the
    administrator role). Any other role is a request: `role_request_create`."""
    scope = _admin(scope, user)
    if widens_case_access(role) or role == Role.STAFF:
        raise ValidationError(
            {"role": "That role reaches case data: it needs a DSL's approval (request it)."}
        )
    if Membership.objects.filter(user=user, school=scope.school, role=role).exists():
        raise ValidationError({"role": "This person already holds that role."})
    membership, _, _ = _add_membership(school=scope.school, user=user, role=role, years=[])
    audit.record(
        "pastoral.membership.created",
        actor=scope.user,
        school=scope.school,
        obj=membership,
        changes={"user": user.email, "role": role, "year_groups": []},
    )
    return membership


@transaction.atomic
def role_request_create(
    *,
    scope: Scope,
    user: User,
    role: str,
    year_groups: Iterable[YearGroup] = (),
) -> RoleRequest:
    """Ask for a role that widens case access (heads of year: with the years to
    add). Nothing changes until a DSL approves; every DSL of the school is told."""
    scope = _admin(scope, user)
    school = scope.school
    years = list(year_groups)
    if any(y.school_id != school.pk for y in years):
        raise Http404("Not found")
    if not widens_case_access(role):
        raise ValidationError({"role": "That role needs no approval: give it directly."})
    if role == Role.HEAD_OF_YEAR and not years:
        raise ValidationError({"year_groups": "Choose the year groups this head of year leads."})
    if role != Role.HEAD_OF_YEAR and years:
        raise ValidationError({"year_groups": "Only a head of year has year groups."})
    held = Membership.objects.filter(user=user, school=school, role=role).first()
    if held is not None:
        if role != Role.HEAD_OF_YEAR:
            raise ValidationError({"role": "This person already holds that role."})
        led = set(held.year_groups.values_list("pk", flat=True))
        years = [y for y in years if y.pk not in led]
        if not years:
            raise ValidationError({"year_groups": "This head of year already leads those years."})
    if RoleRequest.objects.filter(
        user=user, school=school, role=role, status=RoleRequest.Status.PENDING
    ).exists():
        raise ValidationError({"role": "A request for this role is already awaiting DSL approval."})
    return role_request_file(
        school=school, user=user, role=role, year_groups=years, requested_by=scope.user
    )


def role_request_file(
    *,
    school: School,
    user: User,
    role: str,
    year_groups: Iterable[YearGroup] = (),
    requested_by: User | None,
    source: str = "",
) -> RoleRequest:
    """Record the request, audit it and tell every DSL of the school. The
    checks are the caller's: `role_request_create` (the administrator's
    screen) or the staff import, which has no scope (`requested_by` None: the
    server)."""
    years = list(year_groups)
    role_request = RoleRequest(
        school=school, user=user, role=role, requested_by=requested_by, requested_at=timezone.now()
    )
    role_request.full_clean()
    role_request.save()
    role_request.year_groups.set(years)
    changes = {
        "user": user.email,
        "role": role,
        "year_groups": _year_names(years),
        "requested_by": requested_by.email if requested_by else "system",
        "requested_at": role_request.requested_at.isoformat(),
    }
    if source:
        changes["source"] = source
    audit.record(
        "accounts.role.requested",
        actor=requested_by,
        school=school,
        obj=role_request,
        changes=changes,
    )
    _notify_dsls(
        school,
        title=f"Role request: {_role_label(role)} for {user} awaits a DSL's approval",
        url=reverse("accounts:role-request", kwargs={"pk": role_request.pk}),
    )
    return role_request


def _check_second_factor(
    scope: Scope,
    code: str,
    seconds_since_second_factor: float | None,
    *,
    stage: str = "role approval",
    what: str = "approve this role",
) -> str:
    """The method by which the approver just proved their second factor, or a
    ValidationError beside the code field. A wrong code is audited as a failed
    step-up (outside any transaction, so the refusal does not roll it back)."""
    if code:
        device = match_token(scope.user, code)
        if device is None:
            signin_failed(email=scope.user.email, stage=stage)
            raise ValidationError(
                {"code": "That code did not work. Wait for a new code and try again."}
            )
        return "recovery code" if isinstance(device, StaticDevice) else "totp"
    if seconds_since_second_factor is None or seconds_since_second_factor > APPROVAL_CODE_SECONDS:
        raise ValidationError({"code": f"Enter the code from your authenticator app to {what}."})
    return "code entered just before"


def _refuse_own(scope: Scope, role_request: RoleRequest) -> None:
    if role_request.requested_by_id == scope.user.pk:
        raise ValidationError(
            "You made this request, so you cannot approve it: another DSL of the school must."
        )
    if role_request.user_id == scope.user.pk:
        raise ValidationError(
            "This request gives you a role, so you cannot approve it: another DSL must."
        )


def _decidable(scope: Scope, role_request: RoleRequest) -> Scope:
    if scope is None or not scope.is_dsl or role_request.school_id != scope.school.pk:
        raise Http404("Not found")
    if role_request.status != RoleRequest.Status.PENDING:
        raise ValidationError(
            f"This request was already {role_request.get_status_display().lower()}."
        )
    return scope


def role_request_approve(
    *,
    scope: Scope,
    role_request: RoleRequest,
    code: str = "",
    seconds_since_second_factor: float | None = None,
) -> Membership:
    """A DSL (not the requester, not the person it is for) approves: the role
    takes effect now. The approver proves a fresh second factor: `code` entered
    on the approval form, or a code entered within APPROVAL_CODE_SECONDS."""
    scope = _decidable(scope, role_request)
    _refuse_own(scope, role_request)
    method = _check_second_factor(scope, code.strip().replace(" ", ""), seconds_since_second_factor)
    return _approve(scope=scope, role_request=role_request, method=method)


@transaction.atomic
def _approve(*, scope: Scope, role_request: RoleRequest, method: str) -> Membership:
    # Lock and re-read: two DSLs approving at once give the role once.
    locked = RoleRequest.objects.select_for_update().get(pk=role_request.pk)
    if locked.status != RoleRequest.Status.PENDING:
        raise ValidationError(f"This request was already {locked.get_status_display().lower()}.")
    years = list(role_request.year_groups.all())
    membership, before, after = _add_membership(
        school=scope.school, user=role_request.user, role=role_request.role, years=years
    )
    role_request.status = RoleRequest.Status.APPROVED
    role_request.decided_by = scope.user
    role_request.decided_at = timezone.now()
    role_request.save(update_fields=["status", "decided_by", "decided_at"])
    requester = role_request.requested_by
    changes = {
        "user": role_request.user.email,
        "role": role_request.role,
        "year_groups": _year_names(years),
        "requested_by": requester.email if requester else "system",
        "requested_at": role_request.requested_at.isoformat(),
        "approved_by": scope.user.email,
        "approved_at": role_request.decided_at.isoformat(),
        "second_factor": method,
    }
    audit.record(
        "accounts.role.approved",
        actor=scope.user,
        school=scope.school,
        obj=role_request,
        changes=changes,
    )
    audit.record(
        "pastoral.membership.created" if not before else "pastoral.membership.changed",
        actor=scope.user,
        school=scope.school,
        obj=membership,
        changes={
            "user": role_request.user.email,
            "role": role_request.role,
            "year_groups": after if not before else {"from": before, "to": after},
            "role_request": role_request.pk,
        },
    )
    _notify_dsls(
        scope.school,
        title=(
            f"Role request approved: {role_request.get_role_display()} for "
            f"{role_request.user} (approved by {scope.user})"
        ),
        url=reverse("accounts:role-request", kwargs={"pk": role_request.pk}),
        extra=[requester],
        extra_url=reverse("accounts:user-detail", kwargs={"pk": role_request.user_id}),
    )
    return membership


@transaction.atomic
def role_request_decline(*, scope: Scope, role_request: RoleRequest, reason: str) -> RoleRequest:
    """A DSL declines, with a reason; nothing changes for the person. The DSLs
    and the requester are told."""
    scope = _decidable(scope, role_request)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for declining."})
    role_request.status = RoleRequest.Status.DECLINED
    role_request.decided_by = scope.user
    role_request.decided_at = timezone.now()
    role_request.decline_reason = reason
    role_request.full_clean()
    role_request.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    requester = role_request.requested_by
    audit.record(
        "accounts.role.declined",
        actor=scope.user,
        school=scope.school,
        obj=role_request,
        changes={
            "user": role_request.user.email,
            "role": role_request.role,
            "year_groups": _year_names(role_request.year_groups.all()),
            "requested_by": requester.email if requester else "system",
            "requested_at": role_request.requested_at.isoformat(),
            "declined_by": scope.user.email,
            "declined_at": role_request.decided_at.isoformat(),
            "reason": reason,
        },
    )
    _notify_dsls(
        scope.school,
        title=(
            f"Role request declined: {role_request.get_role_display()} for "
            f"{role_request.user} (declined by {scope.user})"
        ),
        url=reverse("accounts:role-request", kwargs={"pk": role_request.pk}),
        extra=[requester],
        extra_url=reverse("accounts:user-detail", kwargs={"pk": role_request.user_id}),
    )
    return role_request


@transaction.atomic
def membership_set_years(
    *,
    scope: Scope,
    membership: Membership,
    year_groups: Iterable[YearGroup],
) -> RoleRequest | None:
    """Change which year groups a head of year leads. Years taken away go at
    once; years added are a request for a DSL's approval (returned)."""
    scope = _admin(scope)
    if membership.school_id != scope.school.pk:
        raise Http404("Not found")
    years = list(year_groups)
    if membership.role != Role.HEAD_OF_YEAR or not years:
        raise ValidationError({"year_groups": "Choose the year groups this head of year leads."})
    if any(y.school_id != membership.school_id for y in years):
        raise Http404("Not found")
    current = list(membership.year_groups.all())
    wanted = {y.pk for y in years}
    removed = [y for y in current if y.pk not in wanted]
    added = [y for y in years if y.pk not in {c.pk for c in current}]
    if removed:
        before = _year_names(current)
        membership.year_groups.remove(*removed)
        audit.record(
            "pastoral.membership.changed",
            actor=scope.user,
            school=scope.school,
            obj=membership,
            changes=audit.diff(
                {"year_groups": before},
                {"year_groups": _year_names(y for y in current if y.pk in wanted)},
            ),
        )
    if added:
        return role_request_create(
            scope=scope, user=membership.user, role=Role.HEAD_OF_YEAR, year_groups=added
        )
    return None


@transaction.atomic
def membership_revoke(*, scope: Scope, membership: Membership) -> None:
    """Remove a role, at once, and tell the school's DSLs. Staff is not
    removable on its own (deactivate the person instead), and a school always
    keeps at least one administrator."""
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
    user = membership.user
    label = membership.get_role_display()
    changes = {
        "user": user.email,
        "role": membership.role,
        "year_groups": _year_names(membership.year_groups.all()),
        "revoked_by": scope.user.email,
        "revoked_at": timezone.now().isoformat(),
    }
    pk = membership.pk
    membership.delete()
    audit.record(
        "accounts.role.revoked",
        actor=scope.user,
        school=scope.school,
        object_type="pastoral.membership",
        object_id=pk,
        changes=changes,
    )
    _notify_dsls(
        school,
        title=f"Role removed: {user} is no longer {label} (removed by {scope.user})",
        url=reverse("accounts:role-requests"),
    )


@transaction.atomic
def first_dsl_grant(
    *,
    school: School,
    user: User,
    actor: User | None = None,
    by: str = "system (manage.py grant_first_dsl)",
) -> Membership:
    """Make the person the first DSL of a school that has none (ACCESS.md: set on
    the server or by the trust safeguarding lead). Refused when the school
    already has a DSL or deputy DSL: then the role is requested and approved
    like any other. Audited as the system, or as `actor` (the trust
    safeguarding lead, pastoral/trust/services.py) described by `by`."""
    School.objects.select_for_update().filter(pk=school.pk).first()
    if Membership.objects.filter(school=school, role__in=DSL_ROLES).exists():
        raise ValidationError(
            "This school already has a DSL: request the role in Staff and roles and have a "
            "DSL approve it."
        )
    if not user.is_active:
        raise ValidationError("This account is deactivated.")
    if not Membership.objects.filter(user=user, school=school).exists():
        staff = Membership(user=user, school=school, role=Role.STAFF)
        staff.full_clean()
        staff.save()
        audit.record(
            "pastoral.membership.created",
            actor=actor,
            school=school,
            obj=staff,
            changes={
                "user": user.email,
                "role": Role.STAFF.value,
                "source": "grant_first_dsl" if actor is None else "trust",
            },
        )
    membership, _, _ = _add_membership(school=school, user=user, role=Role.DSL, years=[])
    now = timezone.now().isoformat()
    audit.record(
        "accounts.role.approved",
        actor=actor,
        school=school,
        obj=membership,
        changes={
            "user": user.email,
            "role": Role.DSL.value,
            "year_groups": [],
            "requested_by": by,
            "requested_at": now,
            "approved_by": by,
            "approved_at": now,
            "second_factor": "server access" if actor is None else "trust safeguarding lead",
            "first_dsl": True,
        },
    )
    return membership
