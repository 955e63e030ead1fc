"""Second-factor helpers shared by sign-in, step-up and the middleware.

Who must use a second factor: anyone holding DSL, deputy DSL, SENCO, head of
year or administrator in any school, and Django superusers/staff. Others may
enrol; once enrolled, they are asked for a code like everyone else.
"""

from __future__ import annotations

import time

from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.models import Membership, Role, User

REQUIRED_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.SENCO, Role.HEAD_OF_YEAR, Role.ADMIN})
# When the person last proved a second factor (seconds since the epoch).
SESSION_OTP_AT = "pastoral_otp_at"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def second_factor_required(user: User) -> bool:
    """Whether this person must enrol and use TOTP before reaching any page."""
    if user.is_staff or user.is_superuser:
        return True
    if Membership.objects.filter(user=user, role__in=REQUIRED_ROLES).exists():
        return True
    # Trust roles (pastoral/trust): the safeguarding lead's counts span every
    # school of the trust; the trust administrator creates schools and admins.
    from pastoral.trust.models import TrustMembership

    return TrustMembership.objects.filter(user=user).exists()


def has_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mark_verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """Record in the session that the person has just proved a second factor."""
    otp_login(request, device)
    request.session[SESSION_OTP_AT] = time.time()


def seconds_since_verified(request: HttpRequest) -> float | None:
    user = request.user
    if not getattr(user, "is_verified", lambda: False)():
        return None
    at = request.session.get(SESSION_OTP_AT)
    if at is None:
        return None
    return time.time() - float(at)
