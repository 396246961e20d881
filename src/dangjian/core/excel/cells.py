"""Limits of an upload and reading one cell of a ledger: typed parsers with Chinese errors (codes, dates, choices)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from openpyxl.utils.datetime import from_excel

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# A 10 MB zip can unpack to gigabytes; a real ledger of 20,000 rows stays far below this.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_ERRORS = 200
HEADER_SEARCH_ROWS = 10
PENDING_MAX_AGE = datetime.timedelta(hours=24)
REQUIRED_MARK = "*"

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportFileError(Exception):
    """The whole file is refused (wrong format, too large, missing column); ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """A parser's refusal of one cell, with a message saying what to write instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Cell parsers ---------------------------------------------------------------------------
# A parser receives a non-empty cell value (str, int, float, datetime, bool) and returns the
# value for the row handler, or raises CellError. Empty cells never reach a parser.


def _number_text(value: float | int) -> str:
    """A number typed into Excel as its digits: 110105001.0 → "110105001"."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def cell_text(value: Any) -> str:
    """A cell as text, the way the user sees it (numbers without a trailing ``.0``)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def parse_text(max_length: int | None = None) -> Callable[[Any], str]:
    """Free text, stripped; a number typed into the cell is taken as its digits."""

    def parse(value: Any) -> str:
        text = cell_text(value)
        if max_length is not None and len(text) > max_length:
            raise CellError(
                gettext("Too long: at most %(max)s characters, this has %(length)s.")
                % {"max": max_length, "length": len(text)}
            )
        return text

    return parse


_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


def parse_code(max_length: int = 32) -> Callable[[Any], str]:
    """A code (编码): Excel turns 110105001 into a number, and long ones into 1.10105E+11."""

    def parse(value: Any) -> str:
        text = cell_text(value)
        if _SCIENTIFIC.match(text):
            raise CellError(
                gettext(
                    "Excel shows the code “%(code)s” in scientific notation; format the column as “Text” "
                    "and enter the full code again."
                )
                % {"code": text}
            )
        if any(character.isspace() for character in text):
            raise CellError(gettext("The code “%(code)s” must not contain spaces.") % {"code": text})
        if len(text) > max_length:
            raise CellError(
                gettext("The code is too long: at most %(max)s characters, this has %(length)s.")
                % {"max": max_length, "length": len(text)}
            )
        return text

    return parse


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: Any) -> datetime.date:
    """A date as an Excel date, a serial number, ``2026-11-23``, ``2026/11/23`` or ``2026年11月23日``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000000 <= value <= 29991231 and float(value).is_integer():  # 20261123 typed as a number
            value = str(int(value))
        elif 1 <= value < 2958466:  # an Excel serial day number in a cell not formatted as a date
            return from_excel(value).date()
    text = cell_text(value)
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(
                gettext("The date “%(date)s” does not exist; check the year, month and day.") % {"date": text}
            ) from None
    raise CellError(gettext("The date “%(date)s” cannot be read; write it like 2026-11-23.") % {"date": text})


def parse_int(minimum: int | None = None, maximum: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        text = cell_text(value)
        try:
            number = int(float(text)) if re.fullmatch(r"-?\d+(\.0+)?", text) else int(text)
        except ValueError:
            raise CellError(gettext("“%(value)s” is not a whole number.") % {"value": text}) from None
        if minimum is not None and number < minimum:
            raise CellError(
                gettext("The number %(number)s is too small; the smallest allowed is %(minimum)s.")
                % {"number": number, "minimum": minimum}
            )
        if maximum is not None and number > maximum:
            raise CellError(
                gettext("The number %(number)s is too large; the largest allowed is %(maximum)s.")
                % {"number": number, "maximum": maximum}
            )
        return number

    return parse


def _normalize_label(text: Any) -> str:
    """Header and choice labels compared without case, spaces or the required mark."""
    return re.sub(r"[\s*＊]", "", cell_text(text)).casefold()


def _labels_in_every_language(label: Any) -> set[str]:
    """A translated label in each configured language, so a zh-Hant sheet imports for a zh-Hans user."""
    labels = {str(label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(str(label))
    return labels


def parse_choice(choices: Sequence[tuple[str, Any]]) -> Callable[[Any], str]:
    """One of a fixed set: the label (in any language) or the stored code is accepted."""

    accepted: dict[str, str] = {}

    def parse(value: Any) -> str:
        if not accepted:  # built on first use, when the translation catalogs are loaded
            for code, label in choices:
                accepted[_normalize_label(code)] = code
                for item in _labels_in_every_language(label):
                    accepted.setdefault(_normalize_label(item), code)
        text = cell_text(value)
        if _normalize_label(text) in accepted:
            return accepted[_normalize_label(text)]
        allowed = gettext(", ").join(str(label) for _code, label in choices)
        raise CellError(
            gettext("“%(value)s” is not one of the choices; pick one from the drop-down list: %(allowed)s.")
            % {"value": text, "allowed": allowed}
        )

    return parse
