"""Demo data: the demo trust's safeguarding lead and administrator.

Called by `pastoral.demo.seed_core` (pastoral.trust is part of the core app,
not an installed app of its own, so seed_demo's per-app loop does not reach
it). Both sign in with the demo password and the demo authenticator (they are
added to `ctx.demo_users`, which pastoral/accounts/demo.py enrols) and hold
no school role: the lead sees the trust dashboard's counts, the
administrator the trust's schools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pastoral.models import Trust, User
from pastoral.trust.models import TrustMembership, TrustRole

if TYPE_CHECKING:
    from pastoral.models import User as UserType

TRUST_SIGN_INS = [
    (TrustRole.SAFEGUARDING_LEAD, "trustlead", "Tara Trustlead", "Trust safeguarding lead"),
    (TrustRole.ADMIN, "trustadmin", "Theo Trustadmin", "Trust operations manager"),
]


def seed_trust_roles(trust: Trust, *, domain: str, password_hash: str) -> dict[str, UserType]:
    """The two trust sign-ins; returns them keyed "trust_lead" / "trust_admin"."""
    users = {}
    for role, local, name, title in TRUST_SIGN_INS:
        user = User.objects.create(
            email=f"{local}@{domain}", full_name=name, job_title=title, password=password_hash
        )
        TrustMembership.objects.create(user=user, trust=trust, role=role)
        key = "trust_lead" if role == TrustRole.SAFEGUARDING_LEAD else "trust_admin"
        users[key] = user
    return users
