"""An SMS backend for the notice tests: records what it sends, and fails while ``FAILURES`` > 0."""

from __future__ import annotations

OUTBOX: list[tuple[str, str]] = []
FAILURES = [0]


class GatewayDown(Exception):
    pass


def backend(phone: str, text: str) -> None:
    if FAILURES[0] > 0:
        FAILURES[0] -= 1
        # A gateway that repeats the number in its error: it must not reach the log or the row.
        raise GatewayDown(f"gateway timeout sending to {phone}")
    OUTBOX.append((phone, text))
