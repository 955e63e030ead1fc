"""A new school on the server: the school itself and its first administrator.

A school can only start with someone to run it, and ACCESS.md gives nobody in
the application the right to create a school out of nothing: it is done on the
server (`manage.py create_school`), audited as the system. The first
administrator gets an invitation (a one-time link, e-mailed) exactly like any
invited member of staff; from there the administrator sets the school up in the
application (settings, imports, invitations; the go-live checklist says what is
missing). The first DSL is set with `manage.py grant_first_dsl`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from pastoral import audit
from pastoral.accounts import selectors
from pastoral.accounts.models import Invitation
from pastoral.accounts.services.invitations import _issue, _send
from pastoral.models import Membership, Role, School, Trust, User


@transaction.atomic
def school_create(
    *, name: str, urn: str, la_code: str = "", trust_name: str = "", phase: str = ""
) -> School:
    """A school (and its trust, found or created by name). Audited as the system."""
    trust, trust_created = None, False
    if trust_name.strip():
        trust, trust_created = Trust.objects.get_or_create(name=trust_name.strip())
    school = School(
        name=name.strip(),
        urn=urn.strip(),
        la_code=la_code.strip(),
        trust=trust,
        phase=phase or School.Phase.SECONDARY,
    )
    school.full_clean()
    school.save()
    audit.record(
        "pastoral.school.created",
        actor=None,
        school=school,
        obj=school,
        changes={
            "name": school.name,
            "urn": school.urn,
            "la_code": school.la_code,
            "trust": trust.name if trust else "",
            "trust_created": trust_created,
            "source": "manage.py create_school",
        },
    )
    return school


@transaction.atomic
def first_admin_invite(*, school: School, email: str, full_name: str) -> Invitation | None:
    """Invite the school's first administrator: their account (no usable
    password), the staff and administrator roles, and a one-time link e-mailed
    to them (None when the person already signs in elsewhere in the trust: they
    need no link). Refused once the school has an administrator: they invite the rest."""
    School.objects.select_for_update().filter(pk=school.pk).first()
    if Membership.objects.filter(school=school, role=Role.ADMIN).exists():
        raise ValidationError(
            {"email": "This school already has an administrator: they invite everyone else."}
        )
    email = email.strip().lower()
    user = selectors.account_for_email(email)
    if user is None:
        user = User(email=email, full_name=full_name.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit.record(
            "pastoral.user.created",
            actor=None,
            school=school,
            obj=user,
            changes={"email": email, "full_name": user.full_name, "source": "create_school"},
        )
    for role in (Role.STAFF, Role.ADMIN):
        if Membership.objects.filter(user=user, school=school, role=role).exists():
            continue
        membership = Membership(user=user, school=school, role=role)
        membership.full_clean()
        membership.save()
        audit.record(
            "pastoral.membership.created",
            actor=None,
            school=school,
            obj=membership,
            changes={"user": email, "role": role.value, "source": "create_school"},
        )
    if user.has_usable_password():
        # Someone who already signs in (another school of the trust) needs no link.
        return None
    invitation, token = _issue(
        school=school, user=user, purpose=Invitation.Purpose.INVITE, created_by=None
    )
    audit.record(
        "accounts.invitation.created",
        actor=None,
        school=school,
        obj=invitation,
        changes={
            "email": invitation.email,
            "purpose": invitation.purpose,
            "role": Role.ADMIN.value,
            "expires_at": invitation.expires_at.isoformat(),
            "source": "create_school",
        },
    )
    _send(invitation, token)
    return invitation
