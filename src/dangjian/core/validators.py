"""Validators for 身份证 numbers (GB 11643-1999) and mainland mobile numbers, with messages that say what to fix."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
# Province-level codes of GB/T 2260 (first two digits of an ID number).
PROVINCE_CODES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}
ID_RE = re.compile(r"^\d{17}[\dX]$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_number_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def id_number_birth_date(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_number_gender(value: str) -> str:
    """'male' or 'female' from the 17th digit (odd is male)."""
    return "male" if int(value[16]) % 2 else "female"


def validate_id_number(value: str, *, today: datetime.date | None = None) -> None:
    """Raise ValidationError with a message saying what is wrong and what to do."""
    value = (value or "").strip().upper()
    if len(value) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(length)s. Please check it and enter it again.")
            % {"length": len(value)},
            code="id_length",
        )
    if not ID_RE.match(value):
        raise ValidationError(
            _(
                "The first 17 characters of an ID number are digits and the last one is a digit or X. "
                "Please check it and enter it again."
            ),
            code="id_characters",
        )
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _(
                "The region code “%(code)s” at the start of the ID number does not exist; check the first six digits."
            )
            % {"code": value[:2]},
            code="id_region",
        )
    birth = id_number_birth_date(value)
    today = today or datetime.date.today()
    if birth is None or birth > today or birth.year < 1900:
        raise ValidationError(
            _("The date of birth “%(date)s” in the ID number is not valid; check digits 7 to 14.")
            % {"date": value[6:14]},
            code="id_birth_date",
        )
    expected = id_number_check_digit(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check character of the ID number is wrong (GB 11643-1999); check for a mistyped digit."),
            code="id_check_digit",
        )


def validate_mobile(value: str) -> None:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    if not MOBILE_RE.match(value):
        raise ValidationError(
            _(
                "The mobile number “%(mobile)s” is not valid: it should have 11 digits, "
                "the first 1 and the second from 3 to 9."
            )
            % {"mobile": value},
            code="mobile_format",
        )
