"""Polish register identifiers: KRS, NIP and REGON — normalised to digits, then checked.

People type identifiers with formatting (``123-456-32-18``, ``PL 1234563218``, ``0000 123 456``);
formatting is not part of the number, so every check first normalises it away. The arithmetic
follows the official algorithms (see ``polish-law-workflow.md`` §8):

- KRS (*Krajowy Rejestr Sądowy*): 10 digits, usually written zero-padded; no checksum, so only
  a lookup in the register can prove it exists.
- NIP (*numer identyfikacji podatkowej*): 10 digits; weights 6,5,7,2,3,4,5,6,7; the sum mod 11
  is the last digit. A remainder of 10 means the number is invalid (such numbers are never issued).
- REGON: 9 digits (weights 8,9,2,3,4,5,6,7) or 14 digits for a local unit (the first 9 a valid
  REGON, weights 2,4,8,5,0,9,7,3,6,1,2,4,8); mod 11, a remainder of 10 gives the check digit 0.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)

# Spaces (also non-breaking ones) and hyphens or dashes people put between groups of digits.
_FORMATTING = re.compile(r"[\s\-\u2010-\u2015]")
_DIGITS = re.compile(r"[0-9]+")


def _strip(value):
    return _FORMATTING.sub("", value or "")


def normalise_nip(value):
    """``"PL 123-456-32-18"`` → ``"1234563218"``; anything else comes back stripped of formatting."""
    text = _strip(value)
    if text[:2].upper() == "PL":
        text = text[2:]
    return text


def normalise_regon(value):
    """``"85 05 18 457"`` → ``"850518457"``."""
    return _strip(value)


def normalise_krs(value):
    """``"123456"`` → ``"0000123456"``: KRS numbers are written zero-padded to 10 digits."""
    text = _strip(value)
    if text[:3].upper() == "KRS":
        text = text[3:]
    if _DIGITS.fullmatch(text) and len(text) < 10:
        text = text.zfill(10)
    return text


def _weighted(digits, weights):
    return sum(weight * int(digit) for weight, digit in zip(weights, digits, strict=False)) % 11


def nip_is_valid(value):
    digits = normalise_nip(value)
    if not (_DIGITS.fullmatch(digits) and len(digits) == 10) or int(digits) == 0:
        return False
    remainder = _weighted(digits, NIP_WEIGHTS)
    # Never map 10 to 0 here: a remainder of 10 is never issued.
    return remainder != 10 and remainder == int(digits[9])


def _regon9_is_valid(digits):
    return int(digits) != 0 and _weighted(digits, REGON9_WEIGHTS) % 10 == int(digits[8])


def regon_is_valid(value):
    digits = normalise_regon(value)
    if not (_DIGITS.fullmatch(digits) and len(digits) in (9, 14)):
        return False
    if not _regon9_is_valid(digits[:9]):
        return False
    return len(digits) == 9 or _weighted(digits, REGON14_WEIGHTS) % 10 == int(digits[13])


def validate_nip(value):
    """Raise ``ValidationError`` unless ``value`` is a NIP (formatting allowed)."""
    digits = normalise_nip(value)
    if not (_DIGITS.fullmatch(digits) and len(digits) == 10):
        raise ValidationError(_("A NIP has 10 digits, e.g. 123-456-32-18."), code="nip_format")
    if not nip_is_valid(digits):
        raise ValidationError(
            _("This NIP is not valid: its check digit does not match. Please check the number."), code="nip_checksum"
        )


def validate_regon(value):
    """Raise ``ValidationError`` unless ``value`` is a 9- or 14-digit REGON (formatting allowed)."""
    digits = normalise_regon(value)
    if not (_DIGITS.fullmatch(digits) and len(digits) in (9, 14)):
        raise ValidationError(_("A REGON has 9 or 14 digits."), code="regon_format")
    if not regon_is_valid(digits):
        raise ValidationError(
            _("This REGON is not valid: its check digit does not match. Please check the number."),
            code="regon_checksum",
        )


def validate_krs(value):
    """Raise ``ValidationError`` unless ``value`` is a KRS number: up to 10 digits (no checksum exists)."""
    digits = normalise_krs(value)
    if not (_DIGITS.fullmatch(digits) and len(digits) == 10) or int(digits) == 0:
        raise ValidationError(_("A KRS number has 10 digits, e.g. 0000123456."), code="krs_format")
