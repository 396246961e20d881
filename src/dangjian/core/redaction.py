"""Redaction of phone numbers and ID numbers from free text shown to the public.

Residents write their mobile, a neighbour's landline or an ID number into a description, and
handlers sometimes copy them into a result. Public outputs (Open311 without a key, the portal's
status page) pass every free text through ``redact`` first, so such strings never leave the
platform in clear (个人信息保护法: ID numbers are sensitive personal information).

The patterns are deliberately narrow: dates (2026-11-24), times, amounts (1,380.00元), tracking
codes (no 0 or 1 in their alphabet) and short numbers survive. Full-width digits count as digits.
"""

from __future__ import annotations

import re

# Stands in for a removed number; language-neutral, and the same length whatever was removed.
REDACTED = "***"

_DIGIT = "[0-9０-９]"
# Neither a digit nor a letter may touch a number on either side (an 11-digit phone inside a
# 20-digit run is not a phone; "ID110…" is still an ID, so letters only bound the ID's end).
_NO_DIGIT_BEFORE = r"(?<![0-9０-９])"
_NO_DIGIT_AFTER = r"(?![0-9０-９])"
_SPACE = "[ \u3000]"

# A mainland mobile: 1[3-9] and 9 more digits, written with single spaces or dashes anywhere
# inside (138 0013 8000, 138-0013-8000) and an optional +86 / 0086 / 86 prefix.
MOBILE_PATTERN = re.compile(
    _NO_DIGIT_BEFORE
    + rf"(?:(?:\+|＋|00)?86{_SPACE}?-?{_SPACE}?)?"
    + rf"[1１][3-9３-９](?:[ \u3000-]?{_DIGIT}){{9}}"
    + _NO_DIGIT_AFTER
)
# A landline: area code 0 + 2–3 digits (in brackets or not), an optional space or dash, then 7–8
# digits (an 8-digit number may be split 4-4): 010-12345678, (0755) 1234567, 02112345678.
LANDLINE_PATTERN = re.compile(
    _NO_DIGIT_BEFORE
    + rf"(?:[(（][0０]{_DIGIT}{{2,3}}[)）]|[0０]{_DIGIT}{{2,3}}){_SPACE}?-?{_SPACE}?"
    + rf"(?:{_DIGIT}{{7,8}}|{_DIGIT}{{4}}[ \u3000-]{_DIGIT}{{4}})"
    + _NO_DIGIT_AFTER
)
# A 身份证 number: 18 characters (17 digits and a digit or X) or the old 15 digits, with single
# spaces allowed between any of them (110101 19900307 123X). Any run of 15 to 19 digits is taken
# for one, which also covers bank card numbers. Dashes are not allowed inside, so dates written
# with dashes side by side are never read as one long number.
ID_NUMBER_PATTERN = re.compile(
    _NO_DIGIT_BEFORE
    + rf"[1-9１-９](?:(?:{_SPACE}?{_DIGIT}){{16}}{_SPACE}?[XxＸｘ](?![A-Za-z])"
    + rf"|(?:{_SPACE}?{_DIGIT}){{14,18}}{_NO_DIGIT_AFTER})"
)

# IDs first: an ID's digits could otherwise be half-read as a phone.
PATTERNS = (ID_NUMBER_PATTERN, MOBILE_PATTERN, LANDLINE_PATTERN)


def redact(text: str | None) -> str:
    """``text`` with every phone-like and ID-like string replaced by ``***``."""
    if not text:
        return ""
    for pattern in PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def has_contact_numbers(text: str | None) -> bool:
    """Whether ``redact`` would change ``text`` (e.g. a link that cannot be shown half-redacted)."""
    return bool(text) and redact(text) != text
