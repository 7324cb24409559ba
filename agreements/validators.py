"""The bank account of an agreement: a Polish IBAN (PL + 26 digits, ISO 13616 / ISO 7064 mod 97-10)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

POLISH_IBAN_DIGITS = 26
# What people type between the groups of digits: spaces (also non-breaking) and hyphens.
SEPARATORS = re.compile(r"[\s\u00a0\u202f-]+")


def normalise_iban(value):
    """``value`` without separators, upper case (nothing else is changed)."""
    return SEPARATORS.sub("", str(value or "")).upper()


def iban_checksum_ok(iban):
    """ISO 7064 mod 97-10: the country and check digits moved to the end, letters as 10–35, ≡ 1 (mod 97)."""
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def clean_polish_iban(value):
    """The IBAN as stored (``PL`` and 26 digits, no spaces), or ``ValidationError`` naming what is wrong."""
    iban = normalise_iban(value)
    if not iban:
        raise ValidationError(_("Enter the bank account number."), code="iban_missing")
    if iban.isascii() and iban.isdigit() and len(iban) == POLISH_IBAN_DIGITS:
        iban = "PL" + iban  # the 26-digit NRB as printed on Polish statements
    if not iban.startswith("PL"):
        raise ValidationError(
            _("The account must be a Polish one: the IBAN starts with “PL” (or give the 26 digits only)."),
            code="iban_country",
        )
    rest = iban[2:]
    wrong = sorted({ch for ch in rest if not ("0" <= ch <= "9")})
    if wrong:
        raise ValidationError(
            _("After “PL” the account number has digits only; remove: %(chars)s.") % {"chars": " ".join(wrong)},
            code="iban_characters",
        )
    if len(rest) != POLISH_IBAN_DIGITS:
        raise ValidationError(
            _("A Polish account number has %(expected)d digits after “PL”; this one has %(count)d.")
            % {"expected": POLISH_IBAN_DIGITS, "count": len(rest)},
            code="iban_length",
        )
    if not iban_checksum_ok(iban):
        raise ValidationError(
            _("The check digits of this account number do not match: a digit is probably mistyped."),
            code="iban_checksum",
        )
    return iban


def format_iban(iban):
    """``PL61 1090 1014 0000 0712 1981 2874``: groups of four, as printed on statements."""
    iban = normalise_iban(iban)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
