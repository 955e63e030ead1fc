"""Demo data: the named demo sign-ins get an authenticator app already enrolled.

Development only. Every demo sign-in shares one fixed TOTP secret, printed by
`seed_demo`, so a developer can add it once to an authenticator app (or run
`python -c` with the printed hint) and sign in as any role.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral import audit
from pastoral.demo import DEMO_DOMAIN, DemoContext
from pastoral.models import Learner, Membership, Role

# 20 bytes, hex: the same for every demo user. Never used outside the demo.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # noqa: S105 - development only


def demo_totp_secret() -> str:
    """The base32 secret to type into an authenticator app."""
    return b32encode(unhexlify(DEMO_TOTP_KEY)).decode()


def demo_totp_code(at: float | None = None) -> str:
    """The code an authenticator app with the demo secret shows now."""
    totp = TOTP(unhexlify(DEMO_TOTP_KEY), step=30, t0=0, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def seed(ctx: DemoContext) -> None:
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=user, name="Demo authenticator", key=DEMO_TOTP_KEY, confirmed=True)
            for user in ctx.demo_users.values()
        ]
    )
    _seed_audit(ctx)
    _seed_invitations(ctx)


def _seed_invitations(ctx: DemoContext) -> None:
    """Two newly invited teachers (one link still waiting, one expired) on the
    administrator's Invitations page. No e-mail is sent and no link is known:
    resend one from the page to see the e-mail in the console."""
    import datetime as dt

    from django.utils import timezone

    from pastoral.accounts.services.invitations import _issue
    from pastoral.models import User

    school = ctx.demo_school
    admin = ctx.demo_users.get(Role.ADMIN)
    for email, name, days_ago in (
        (f"priya.newton@{DEMO_DOMAIN}", "Priya Newton", 1),
        (f"callum.reid@{DEMO_DOMAIN}", "Callum Reid", 9),
    ):
        user = User(email=email, full_name=name, job_title="Teacher")
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, school=school, role=Role.STAFF)
        invitation, _ = _issue(school=school, user=user, purpose="invite", created_by=admin)
        sent = timezone.now() - dt.timedelta(days=days_ago)
        invitation.created_at = invitation.sent_at = sent
        invitation.expires_at = sent + dt.timedelta(days=7)
        invitation.save(update_fields=["created_at", "sent_at", "expires_at"])
        audit.record(
            "accounts.invitation.created",
            actor=admin,
            school=school,
            obj=invitation,
            changes={"email": email, "purpose": "invite", "source": "demo"},
        )


def _seed_audit(ctx: DemoContext) -> None:
    """A short, real audit trail (through audit.record, so the chain verifies):
    the administrator granting the demo roles, each demo person signing in,
    and the DSL and SENCO opening a few learners."""
    school = ctx.demo_school
    admin = ctx.demo_users.get(Role.ADMIN)
    memberships = (
        Membership.objects.filter(school=school, user__in=list(ctx.demo_users.values()))
        .exclude(role=Role.STAFF)
        .select_related("user")
        .prefetch_related("year_groups")
        .order_by("pk")
    )
    for membership in memberships:
        audit.record(
            "pastoral.membership.created",
            actor=admin if membership.role != Role.ADMIN else None,
            school=school,
            obj=membership,
            changes={
                "user": membership.user.email,
                "role": membership.role,
                "year_groups": [y.name for y in membership.year_groups.all()],
            },
        )
    for user in ctx.demo_users.values():
        audit.record(
            "accounts.user.signed_in",
            actor=user,
            school=None,
            obj=user,
            changes={"second_factor": "totp"},
        )
    learners = list(Learner.objects.filter(school=school).order_by("pk")[:6])
    for role in (Role.DSL, Role.SENCO):
        for learner in learners[:3] if role == Role.SENCO else learners:
            audit.record(
                "pastoral.learner.viewed", actor=ctx.demo_users[role], school=school, obj=learner
            )
