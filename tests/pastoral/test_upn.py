import pytest
from django.core.exceptions import ValidationError

from pastoral.models.learners import validate_upn
from pastoral.upn import check_letter, make_upn, upn_error


def test_it_computes_the_dfe_check_letter_for_a_known_upn() -> None:
    # Digits 820200101003: sum of digit × position (2..13) = 89; 89 mod 23 = 20 -> "X".
    assert check_letter("820200101003") == "X"
    assert upn_error("X820200101003") is None


def test_it_rejects_a_wrong_check_letter_and_names_the_expected_one() -> None:
    assert upn_error("A820200101003") == "The check letter does not match: expected X, found A."


@pytest.mark.parametrize(
    "value, reason",
    [
        ("X82020010100", "13 characters"),
        ("x820200101003", "capital check letter"),
        ("X8202001010A3", "12 characters are digits"),
    ],
)
def test_it_explains_malformed_upns(value: str, reason: str) -> None:
    assert reason in (upn_error(value) or "")


def test_the_model_validator_raises_with_the_reason() -> None:
    with pytest.raises(ValidationError, match="expected X"):
        validate_upn("B820200101003")


def test_made_upns_are_valid() -> None:
    assert upn_error(make_upn(330, 4123, 15, 7)) is None
