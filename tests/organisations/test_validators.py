"""KRS, NIP and REGON are checked with the official algorithms, whatever formatting people type."""

import pytest
from django.core.exceptions import ValidationError

from organisations.validators import (
    NIP_WEIGHTS,
    normalise_krs,
    normalise_nip,
    normalise_regon,
    validate_krs,
    validate_nip,
    validate_regon,
)
from tests.factories import OrganisationFactory
from tests.organisations.helpers import polish

# A NIP whose first nine digits give the remainder 10: no last digit can make it valid.
# (Code that wrongly maps 10 to 0 accepts 1234560020.)
NIP_REMAINDER_10 = "123456002"


def message_of(validator, value):
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.messages[0], caught.value.code


@pytest.mark.parametrize("nip", ["1234563218", "5260250274"])
def test_known_valid_nips_are_accepted(nip):
    validate_nip(nip)


def test_a_nip_with_a_wrong_check_digit_is_refused_with_a_clear_message():
    message, code = message_of(validate_nip, "1234567890")
    assert code == "nip_checksum"
    assert message == polish(
        "This NIP is not valid: its check digit does not match. Please check the number.", html=False
    )
    assert message == "Ten NIP jest nieprawidłowy: cyfra kontrolna się nie zgadza. Proszę sprawdzić numer."


def test_a_nip_whose_checksum_remainder_is_10_is_never_valid():
    remainder = sum(w * int(d) for w, d in zip(NIP_WEIGHTS, NIP_REMAINDER_10, strict=True)) % 11
    assert remainder == 10
    for last in "0123456789":
        with pytest.raises(ValidationError):
            validate_nip(NIP_REMAINDER_10 + last)


@pytest.mark.parametrize(
    "typed", ["123-456-32-18", "123-45-63-218", "PL1234563218", "pl 123 456 32 18", " 1234563218 "]
)
def test_nip_formatting_is_not_part_of_the_number(typed):
    validate_nip(typed)
    assert normalise_nip(typed) == "1234563218"


@pytest.mark.parametrize("typed", ["123456321", "12345632189", "12345632l8", "DE1234563218", ""])
def test_a_nip_without_10_digits_is_refused(typed):
    message, code = message_of(validate_nip, typed)
    assert code == "nip_format"
    assert message == polish("A NIP has 10 digits, e.g. 123-456-32-18.", html=False)


@pytest.mark.parametrize("regon", ["123456785", "850518457", "85051845749370", "85 05 18 457", "850-518-457"])
def test_known_valid_regons_are_accepted(regon):
    validate_regon(regon)


def test_the_regon_with_a_garbled_check_digit_from_the_web_is_refused():
    message, code = message_of(validate_regon, "732065834")
    assert code == "regon_checksum"
    validate_regon("732065837")  # its check digit should be 7


def test_a_14_digit_regon_needs_a_valid_9_digit_parent_and_its_own_check_digit():
    with pytest.raises(ValidationError):
        validate_regon("85051845749371")  # last digit wrong
    with pytest.raises(ValidationError):
        validate_regon("85051845849370")  # parent 850518458 is not a REGON


def test_a_regon_remainder_of_10_gives_the_check_digit_0():
    body = next(f"{n:08d}" for n in range(10_000_000, 10_001_000) if _regon9_sum(f"{n:08d}") % 11 == 10)
    validate_regon(body + "0")
    with pytest.raises(ValidationError):
        validate_regon(body + "1")


def _regon9_sum(body):
    return sum(w * int(d) for w, d in zip((8, 9, 2, 3, 4, 5, 6, 7), body, strict=True))


@pytest.mark.parametrize("typed", ["12345678", "1234567890123", ""])
def test_a_regon_of_another_length_is_refused(typed):
    assert message_of(validate_regon, typed)[1] == "regon_format"


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("123456", "0000123456"),
        ("0000123456", "0000123456"),
        ("0000 123 456", "0000123456"),
        ("KRS 123456", "0000123456"),
    ],
)
def test_a_krs_number_is_zero_padded_to_10_digits(typed, stored):
    validate_krs(typed)
    assert normalise_krs(typed) == stored


@pytest.mark.parametrize("typed", ["12345678901", "12345a", "0000000000", ""])
def test_a_krs_number_that_is_not_up_to_10_digits_is_refused(typed):
    message, code = message_of(validate_krs, typed)
    assert code == "krs_format"
    assert message == polish("A KRS number has 10 digits, e.g. 0000123456.", html=False)


def test_regon_spaces_are_formatting():
    assert normalise_regon(" 850 518 457 ") == "850518457"


@pytest.mark.django_db
def test_identifiers_are_stored_as_bare_digits_however_they_are_typed():
    organisation = OrganisationFactory(krs="123456", nip="PL 526-025-02-74", regon="85 05 18 457")
    organisation.refresh_from_db()
    assert (organisation.krs, organisation.nip, organisation.regon) == ("0000123456", "5260250274", "850518457")
