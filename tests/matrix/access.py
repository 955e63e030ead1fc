"""Sign-in, two-factor, users and roles, and the audit screens."""

from tests.matrix import ALL_OK, Case, every

CASES = [
    # A signed-in, verified person is sent on from the second-factor pages.
    Case("accounts:otp-verify", "already verified", every(302)),
    Case("accounts:otp-setup", "already enrolled", every(302)),
    Case("accounts:recovery-codes", "nothing new to show", every(302)),
    Case("accounts:step-up", "confirm your code", ALL_OK),
]
