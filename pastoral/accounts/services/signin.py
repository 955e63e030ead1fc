"""Sign-in, sign-out and the second factor: audited, with the person (no scope yet)."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral import audit
from pastoral.accounts import selectors
from pastoral.accounts.otp import RECOVERY_CODE_COUNT, RECOVERY_DEVICE_NAME
from pastoral.models import User

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
