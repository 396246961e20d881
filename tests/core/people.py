"""Helpers for the people-page tests: valid ID numbers and people placed in the small world."""

from __future__ import annotations

from dangjian.core.models import Person
from dangjian.core.validators import id_number_check_digit
from dangjian.members.models import Resident


def valid_id_number(serial: int, birth: str = "19800101", region: str = "110105") -> str:
    """A GB 11643-1999 ID number with a correct check character."""
    first17 = f"{region}{birth}{serial % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def resident_in(area, name: str, *, id_number: str = "", mobile: str = "", **fields) -> Person:
    person = Person(name=name, **fields)
    if id_number:
        person.id_number = id_number
    if mobile:
        person.mobile = mobile
    person.save()
    Resident.objects.create(person=person, area=area)
    return person
