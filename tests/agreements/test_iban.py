"""The agreement's bank account: a Polish IBAN, typed with or without spaces, checked by ISO 7064 mod 97."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from agreements.validators import clean_polish_iban, format_iban, iban_checksum_ok

VALID = "PL61109010140000071219812874"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "typed",
    [
        VALID,
        "PL61 1090 1014 0000 0712 1981 2874",
        "pl61 1090 1014 0000 0712 1981 2874",
        " PL61-1090-1014-0000-0712-1981-2874 ",
        "PL61\u00a01090\u00a01014\u00a00000\u00a00712\u00a01981\u00a02874",
        "61 1090 1014 0000 0712 1981 2874",  # the 26-digit NRB as printed on statements
        "PL27114020040000300201355387",
    ],
)
def test_valid_polish_accounts_are_stored_without_spaces(typed):
    assert clean_polish_iban(typed) == (VALID if "2874" in typed else "PL27114020040000300201355387")


@pytest.mark.parametrize(
    ("typed", "code", "says"),
    [
        ("", "iban_missing", "Enter the bank account number"),
        ("DE89370400440532013000", "iban_country", "Polish"),
        ("PL61 1090 1014 0000 0712 1981 287O", "iban_characters", "remove: O"),
        ("PL61 1090 1014 0000 0712 1981 287", "iban_length", "26 digits after “PL”; this one has 25"),
        ("PL61 1090 1014 0000 0712 1981 28745", "iban_length", "this one has 27"),
        ("PL61 1090 1014 0000 0712 1981 2875", "iban_checksum", "check digits"),
        ("PL16 1090 1014 0000 0712 1981 2874", "iban_checksum", "check digits"),  # swapped check digits
    ],
)
def test_invalid_accounts_are_refused_saying_what_is_wrong(typed, code, says):
    with pytest.raises(ValidationError) as refused:
        clean_polish_iban(typed)
    assert refused.value.code == code
    assert says in refused.value.messages[0]


def test_every_single_digit_mistake_is_caught():
    for position in range(4, len(VALID)):
        for digit in "0123456789":
            if digit != VALID[position]:
                assert not iban_checksum_ok(VALID[:position] + digit + VALID[position + 1 :])


def test_the_account_is_shown_in_groups_of_four():
    assert format_iban(VALID) == "PL61 1090 1014 0000 0712 1981 2874"


def _with_check_digits(bban):
    """A Polish IBAN for the 24-digit ``bban`` with its check digits computed (ISO 13616)."""
    remainder = int(bban + "252100") % 97  # "PL" = 25 21, then "00"
    return f"PL{98 - remainder:02d}{bban}"


@given(st.text(alphabet="0123456789", min_size=24, max_size=24), st.integers(0, 25), st.integers(1, 9))
def test_any_account_with_correct_check_digits_is_accepted_and_one_changed_digit_is_refused(bban, position, shift):
    iban = _with_check_digits(bban)
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert clean_polish_iban(spaced) == iban
    digits = iban[2:]
    changed = digits[:position] + str((int(digits[position]) + shift) % 10) + digits[position + 1 :]
    with pytest.raises(ValidationError) as refused:
        clean_polish_iban("PL" + changed)
    assert refused.value.code == "iban_checksum"


@pytest.mark.parametrize("digit", ["²", "٣"])
def test_digits_of_other_scripts_are_named_as_characters_to_remove(digit):
    with pytest.raises(ValidationError) as refused:
        clean_polish_iban("PL" + digit * 26)
    assert refused.value.code == "iban_characters"
