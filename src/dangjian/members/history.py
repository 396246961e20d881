"""Sections of a member's history page contributed by other apps.

The member detail page (members) shows the member's whole history: organizations, pipeline
stages, transfers, meetings attended, dues, later points. Apps above ``members`` (development,
life, dues, …) must not be imported by it (apps depend downward, DESIGN.md), so each registers
a section provider from its ``AppConfig.ready()``::

    from dangjian.members.history import register_history_section
    register_history_section("dues", _("Party dues"), dues_history, order=40)

A provider is ``provider(member, user) -> HistorySection | None``; it must run a fixed number of
queries whatever the member's history length (show the latest rows and link to the full list).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from dangjian.core.registry import registry


@dataclass
class HistorySection:
    """What one app shows on the member page: a template fragment and its context."""

    template: str
    context: dict = field(default_factory=dict)
    more_url: str = ""  # the full list, when the section shows only the latest rows


@dataclass(frozen=True)
class HistoryProvider:
    key: str
    title: str | Promise
    provider: Callable
    order: int


def register_history_section(key: str, title: str | Promise, provider: Callable, *, order: int = 50) -> None:
    """Add (or replace, by ``key``) a section of the member history page."""
    registry["member_history_sections"][key] = HistoryProvider(
        key=key, title=title, provider=provider, order=order
    )


def history_sections(member, user) -> list[tuple[HistoryProvider, HistorySection]]:
    """The sections to show for ``member`` to ``user``, in ``order``; empty providers are skipped."""
    sections = []
    for entry in sorted(
        registry["member_history_sections"].values(), key=lambda provider: (provider.order, provider.key)
    ):
        section = entry.provider(member, user)
        if section is not None:
            sections.append((entry, section))
    return sections
