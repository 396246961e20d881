"""Validators for 身份证 numbers (GB 11643-1999), mainland mobile numbers and the sensible range of
each kind of date, with messages that say what to fix.

The date ranges are shared by the API schemas (as annotated pydantic types) and the pages' forms
(as field validators), so a date such as 9999-12-31 is refused where it enters instead of
breaking every page that later does arithmetic on it or shows it in local time.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator, field_validator
from pydantic_core import PydanticCustomError

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


# --- Date ranges -----------------------------------------------------------------------------------

# Far enough apart for any real date, near enough that a day or a time zone added to them still
# fits in Python's and the databases' date types (year 1 to 9999).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# The Communist Party of China was founded in 1921: no party date lies before that year.
PARTY_FOUNDING = datetime.date(1921, 1, 1)
EVENT_YEARS_BACK = 30
EVENT_YEARS_AHEAD = 5
EXPIRY_YEARS_AHEAD = 5

DateValue = TypeVar("DateValue", datetime.date, datetime.datetime)


def _today() -> datetime.date:
    return timezone.localdate()


def _years_from_today(years: int) -> Callable[[], datetime.date]:
    def bound() -> datetime.date:
        today = _today()
        try:
            return today.replace(year=today.year + years)
        except ValueError:  # 29 February in a year without one
            return today.replace(year=today.year + years, day=28)

    return bound


@dataclass(frozen=True)
class DateRange:
    """The sensible range of one kind of date, inclusive at both ends.

    An instance is a Django validator (``forms.DateField(validators=[EVENT_DATES])``) and, through
    :meth:`check`, a pydantic one (the annotated types below). A datetime is judged by its own
    calendar day, before any time-zone conversion, which is what could overflow.
    """

    what: str | Promise
    earliest: Callable[[], datetime.date]
    latest: Callable[[], datetime.date]

    def message(self, value: datetime.date) -> str | None:
        """The Chinese-first message when ``value`` is out of range, else None."""
        day = value.date() if isinstance(value, datetime.datetime) else value
        earliest, latest = self.earliest(), self.latest()
        if earliest <= day <= latest:
            return None
        return _(
            "%(what)s “%(value)s” is out of range: it must be between %(earliest)s and %(latest)s. "
            "Please check the year and enter it again."
        ) % {
            "what": self.what,
            "value": day.isoformat(),
            "earliest": earliest.isoformat(),
            "latest": latest.isoformat(),
        }

    def __call__(self, value: datetime.date | None) -> None:
        if value is None:
            return
        message = self.message(value)
        if message is not None:
            raise ValidationError(message, code="date_out_of_range")

    def check(self, value: DateValue | None) -> DateValue | None:
        """Pydantic's after-validator: the value unchanged, or a 422 whose ``msg`` is the message."""
        if value is None:
            return None
        message = self.message(value)
        if message is not None:
            # The message is passed as the template's only placeholder, so braces in it stay text.
            raise PydanticCustomError("date_out_of_range", "{message}", {"message": message})
        return value


def _fixed(day: datetime.date) -> Callable[[], datetime.date]:
    return lambda: day


ANY_DATES = DateRange(gettext_lazy("The date"), _fixed(EARLIEST_DATE), _fixed(LATEST_DATE))
BIRTH_DATES = DateRange(gettext_lazy("The birth date"), _fixed(EARLIEST_DATE), _today)
PARTY_DATES = DateRange(gettext_lazy("The date"), _fixed(PARTY_FOUNDING), _today)
EVENT_DATES = DateRange(
    gettext_lazy("The date"), _years_from_today(-EVENT_YEARS_BACK), _years_from_today(EVENT_YEARS_AHEAD)
)
EXPIRY_DATES = DateRange(gettext_lazy("The expiry date"), _today, _years_from_today(EXPIRY_YEARS_AHEAD))

# Types for ninja schemas. ``AnyDate`` for search filters (only overflow matters there),
# ``EventDate`` for what happens or is scheduled (meetings, elections, dues, service days, steps),
# ``PartyDate`` for 入党/转正 dates, ``BirthDate`` and ``ExpiryDate``.
AnyDate = Annotated[datetime.date, AfterValidator(ANY_DATES.check)]
AnyDateTime = Annotated[datetime.datetime, AfterValidator(ANY_DATES.check)]
EventDate = Annotated[datetime.date, AfterValidator(EVENT_DATES.check)]
EventDateTime = Annotated[datetime.datetime, AfterValidator(EVENT_DATES.check)]
PartyDate = Annotated[datetime.date, AfterValidator(PARTY_DATES.check)]
BirthDate = Annotated[datetime.date, AfterValidator(BIRTH_DATES.check)]
ExpiryDate = Annotated[datetime.date, AfterValidator(EXPIRY_DATES.check)]


# --- Partial updates -------------------------------------------------------------------------------


def _refuse_null(cls: type, value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(
            "null_not_allowed",
            "{message}",
            {
                "message": _(
                    "This field cannot be empty (null): leave it out to keep the current value, "
                    "or send an empty text to clear a text field."
                )
            },
        )
    return value


def not_null(*fields: str) -> Any:
    """A PATCH schema's validator refusing an explicit ``null`` for ``fields`` (422, not a 500).

    In a partial update a left-out field keeps its value, so the schema types it ``X | None =
    None``; a ``null`` sent on purpose would otherwise reach a NOT NULL column. Use as a class
    attribute: ``check_not_null = not_null("name", "workplace")``.
    """
    return field_validator(*fields, mode="before")(_refuse_null)
