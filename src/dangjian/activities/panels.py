"""The activities cards on 我的 (``register_mine_section``): my hours (one ledger, 双报到
included, and how many training, awards and evaluations are recorded), my activities, my points and my 证明 — each one query or two."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.activities import selectors
from dangjian.core.registry import Panel


def _hours(me, user) -> dict | None:
    return {
        "hours": selectors.my_hours(me.person.pk),
        "entries": selectors.my_entries(me.person.pk).count(),
    }


def _activities(me, user) -> dict | None:
    return {"signups": list(selectors.my_signups(me.person.pk)[:3])}


def _points(me, user) -> dict | None:
    return {"balance": selectors.balance_of(me.person.pk)}


def _certificates(me, user) -> dict | None:
    return {"certificates": list(selectors.my_certificates(me.person.pk)[:2])}


SECTIONS = [
    Panel("activities.hours", _("My volunteer hours"), "activities/panels/mine_hours.html", _hours, order=60),
    Panel(
        "activities.activities",
        _("My activities"),
        "activities/panels/mine_activities.html",
        _activities,
        order=61,
    ),
    Panel("activities.points", _("My points"), "activities/panels/mine_points.html", _points, order=62),
    Panel(
        "activities.certificates",
        _("My certificates"),
        "activities/panels/mine_certificates.html",
        _certificates,
        order=63,
    ),
]
