"""Password rules beyond Django's own: several kinds of characters.

Length (≥ 10 by default, ``DANGJIAN_PASSWORD_MIN_LENGTH``) is Django's ``MinimumLengthValidator``;
this validator asks for at least three of four kinds of characters, the rule of GB/T 22239-2019
(等级保护 2.0) practice for 口令复杂度, so that a long word of one kind (``dangjianabc``) is refused.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_kinds(password: str) -> int:
    """How many of lowercase letters, uppercase letters, digits and other characters (symbols,
    spaces, Chinese characters) the password uses."""
    kinds = [False, False, False, False]
    for char in password:
        if char.isascii() and char.islower():
            kinds[0] = True
        elif char.isascii() and char.isupper():
            kinds[1] = True
        elif char.isdigit():
            kinds[2] = True
        else:
            kinds[3] = True
    return sum(kinds)


class CharacterKindsValidator:
    """At least ``min_kinds`` of the four kinds of characters (AUTH_PASSWORD_VALIDATORS)."""

    def __init__(self, min_kinds: int = 3) -> None:
        self.min_kinds = min_kinds

    def validate(self, password: str, user=None) -> None:
        if character_kinds(password) < self.min_kinds:
            raise ValidationError(
                _(
                    "This password uses too few kinds of characters: use at least %(count)d of "
                    "lowercase letters, uppercase letters, digits and symbols."
                ),
                code="password_too_plain",
                params={"count": self.min_kinds},
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must use at least %(count)d of lowercase letters, uppercase letters, "
            "digits and symbols."
        ) % {"count": self.min_kinds}
