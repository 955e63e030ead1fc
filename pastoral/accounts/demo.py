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

from pastoral.demo import DemoContext

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
