"""The URL converter of record ids: digits that fit a database id, so a longer number is a 404.

Django's ``int`` converter takes any run of digits; an id above 2⁶³−1 then reached the database,
where PostgreSQL raises on a bigint out of range and SQLite on an integer overflow: a 500 for a
mistyped or hostile URL. Every id in a route (pages and ``/api/v1/``) uses ``<id:…>`` instead;
``tests/test_extreme_input.py`` fails on a route that still uses ``int``.
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    """One to nineteen digits with a value of at most 2⁶³−1 (a signed 64-bit database id)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            # Django treats a ValueError from to_python as "this route does not match": a 404.
            raise ValueError("id out of range")
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
