"""The DfE unique pupil number (UPN) and its check letter.

A UPN is 13 characters: a check letter, then 12 digits (LA code, DfE
establishment number, year of allocation, serial). The check letter is the
sum of each of characters 2-13 times its position (2..13), modulo 23, mapped
onto the 23 letters below (I, O and S are not used). Source: DfE, "Unique
pupil numbers (UPN): guidance for schools and local authorities", Annex A.
"""

from __future__ import annotations

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def check_letter(digits12: str) -> str:
    total = sum(int(ch) * weight for weight, ch in enumerate(digits12, start=2))
    return CHECK_LETTERS[total % 23]


def upn_error(value: str) -> str | None:
    """A reason the value is not a valid UPN, or None when it is."""
    if len(value) != 13:
        return f"A UPN has 13 characters; this has {len(value)}."
    letter, digits = value[0], value[1:]
    if not letter.isalpha() or not letter.isupper():
        return "A UPN starts with a capital check letter."
    if not digits.isdigit():
        return "A UPN's last 12 characters are digits."
    expected = check_letter(digits)
    if letter != expected:
        return f"The check letter does not match: expected {expected}, found {letter}."
    return None


def make_upn(la_code: int, establishment: int, year: int, serial: int) -> str:
    digits = f"{la_code:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return check_letter(digits) + digits
