"""Announcements in the platform's figures store: 读取率, the share of the members addressed by
an organization subtree's member announcements of a period who opened them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from dangjian.core.registry import Figure, register_figure
from dangjian.publicity.roles import VIEW
from dangjian.publicity.selectors import read_rate, records_url


def register_figures() -> None:
    register_figure(
        Figure(
            key="publicity.read_rate",
            label=gettext_lazy("Read rate of announcements"),
            unit=gettext_lazy("ratio (0–1)"),
            compute=read_rate,
            records_url=records_url,
            permission=VIEW,
            description=gettext_lazy(
                "Of the members each announcement for members (of the organization and those below it) "
                "addressed in the period, the share who opened it; withdrawn announcements count."
            ),
        )
    )
