"""Domain errors raised by service functions and translated into form errors or 4xx answers."""

from __future__ import annotations


class RuleViolation(Exception):
    """A change refused by a rule; ``rule`` names it, ``message`` says it in Chinese."""

    def __init__(self, message: str, *, rule: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.field = field


class PermissionDenied(RuleViolation):
    """The user may not do this here (outside their scope, or without the permission)."""


class ConcurrentChange(RuleViolation):
    """The record changed after the user loaded it; their change is not applied."""
