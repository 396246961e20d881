"""What the printed transfer letter (组织关系介绍信) needs from apps above ``members``.

The letter states "该同志党费已交到 X年X月", but dues live in the ``dues`` app, which depends on
``members`` and not the other way round. So the dues app registers a provider in the registry's
``letter_providers`` store from its ``AppConfig.ready()``, and the letter asks through ``dues_paid_through``; with no provider (the
app not installed) or no payment the letter leaves the blanks to be filled in by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from dangjian.core.registry import registry
from dangjian.members.models import PartyMember

DuesPaidThroughProvider = Callable[[PartyMember], datetime.date | None]

# The key of the provider in the registry's ``letter_providers`` store.
DUES_PAID_THROUGH = "dues_paid_through"


def register_dues_paid_through(provider: DuesPaidThroughProvider | None) -> None:
    """Register ``provider(member)`` -> the first day of the last month paid, or None.

    One provider at a time (registering again replaces it, so reloading an app is harmless);
    None unregisters it. It is called once per printed letter and should cost one query.
    """
    store = registry["letter_providers"]
    if provider is None:
        store.pop(DUES_PAID_THROUGH, None)
    else:
        store[DUES_PAID_THROUGH] = provider


def dues_paid_through(member: PartyMember) -> datetime.date | None:
    """The month up to which the member's dues are paid, as its first day; None when unknown."""
    provider = registry["letter_providers"].get(DUES_PAID_THROUGH)
    if provider is None:
        return None
    return provider(member)
