"""Synthetic people: names, birth dates, valid and unique 身份证 numbers and mobiles.

Every ID number is issued in the district's region code, carries the birth date and a sequence
whose parity gives the gender, and ends with the GB 11643-1999 check character, so the data
passes the same validation as real entries. Encryption (Fernet) dominates the cost; the
pinyin sort key and search tokens are cached per name because names repeat.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from dangjian.core.choices import Education, Gender
from dangjian.core.generator.names import NamePicker
from dangjian.core.models import Person
from dangjian.core.search import search_tokens
from dangjian.core.text import sort_key
from dangjian.core.validators import id_number_check_digit

MOBILE_SECOND_DIGITS = "3456789"
ADULT_EDUCATION = list(Education.values)


@dataclass(slots=True)
class Draft:
    """What the generator still needs to know about a person after the row is built."""

    person: Person
    age: int
    gender: str
    surname: str
    mobile: str


class PersonMaker:
    """Builds unsaved ``Person`` rows with unique ID numbers and mobiles from one seeded RNG."""

    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.names = NamePicker(rng)
        self._id_prefixes: set[str] = set()
        self._mobiles: set[str] = set()
        self._search_cache: dict[str, tuple[str, str]] = {}

    def adult_age(self) -> int:
        # Residents' ages: most between 30 and 65, a long tail of older people.
        return int(self.rng.triangular(18, 92, 45))

    def child_age(self, parent_age: int) -> int:
        return self.rng.randint(0, max(0, min(parent_age - 20, 35)))

    def make(
        self,
        region: str,
        *,
        age: int,
        gender: str | None = None,
        surname: str | None = None,
        education: str | None = None,
    ) -> Draft:
        rng = self.rng
        gender = gender or (Gender.MALE if rng.random() < 0.5 else Gender.FEMALE)
        surname = surname or self.names.surname()
        name = surname + self.names.given(gender)
        birth = self.today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        person = Person(
            name=name,
            gender=gender,
            ethnicity=self.names.ethnicity(),
            birth_date=birth,
            education=education if education is not None else self.education(age),
        )
        person.id_number = self.id_number(region, birth, gender)
        mobile = self.mobile() if age >= 14 else ""
        if mobile:
            person.mobile = mobile
        cached = self._search_cache.get(name)
        if cached is None:
            cached = (sort_key(name), search_tokens(names=(name,)))
            self._search_cache[name] = cached
        person.name_pinyin, person.search_tokens = cached
        return Draft(person=person, age=age, gender=gender, surname=surname, mobile=mobile)

    def id_number(self, region: str, birth: datetime.date, gender: str) -> str:
        """A unique, valid 18-character ID number; the 17th digit is odd for men."""
        stem = f"{region}{birth:%Y%m%d}"
        while True:
            # Sequence 000–999: the first two digits free, the last one's parity is the gender.
            third = self.rng.randrange(1, 10, 2) if gender == Gender.MALE else self.rng.randrange(0, 10, 2)
            first17 = f"{stem}{self.rng.randint(0, 99):02d}{third}"
            if first17 not in self._id_prefixes:
                self._id_prefixes.add(first17)
                return first17 + id_number_check_digit(first17)

    def mobile(self) -> str:
        while True:
            number = f"1{self.rng.choice(MOBILE_SECOND_DIGITS)}{self.rng.randint(0, 999_999_999):09d}"
            if number not in self._mobiles:
                self._mobiles.add(number)
                return number

    def education(self, age: int) -> str:
        rng = self.rng
        if age < 7:
            return ""
        if age < 13:
            return Education.PRIMARY
        if age < 16:
            return Education.JUNIOR
        if age < 19:
            return Education.SENIOR
        if age >= 60:
            weights = (25, 35, 25, 8, 6, 1, 0)
        elif age >= 40:
            weights = (5, 25, 30, 18, 18, 3, 1)
        else:
            weights = (1, 10, 20, 25, 33, 9, 2)
        return rng.choices(ADULT_EDUCATION, weights=weights)[0]
