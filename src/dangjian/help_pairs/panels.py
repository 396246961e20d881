"""What 帮扶对子 shows on a person's page (pairs where they help or are helped) and on 我的 (the
pairs a member helps, with a button to log a visit from the phone)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.help_pairs.choices import PairState
from dangjian.help_pairs.models import HelpPair

PANEL_LIMIT = 10
RELATED = ["helper", "family_head", "area", "org"]


def person_pairs(person, user) -> dict | None:
    """Pairs the user may read where ``person`` is the helper or the head of the household (one query)."""
    pairs = list(
        HelpPair.objects.visible_to(user)
        .filter(Q(helper=person) | Q(family_head=person))
        .select_related(*RELATED)
        .order_by("state", "-since", "-id")[:PANEL_LIMIT]
    )
    if not pairs:
        return None
    return {"pairs": pairs, "person": person, "today": timezone.localdate()}


def my_pairs(me, user) -> dict | None:
    """The active pairs the signed-in member helps, overdue first (one query); None if none."""
    person = getattr(me, "person", None)
    if person is None:
        return None
    pairs = list(
        HelpPair.objects.filter(helper=person, state=PairState.ACTIVE)
        .select_related("family_head", "area")
        .order_by("next_visit_due", "id")[:PANEL_LIMIT]
    )
    if not pairs:
        return None
    return {"pairs": pairs, "today": timezone.localdate()}


PERSON_PAIRS_PANEL = Panel(
    key="help_pairs",
    title=_("Help pairs"),
    template="help_pairs/panels/person_pairs.html",
    provider=person_pairs,
    order=70,
)

MY_PAIRS_SECTION = Panel(
    key="help_pairs",
    title=_("My help pairs"),
    template="help_pairs/panels/my_pairs.html",
    provider=my_pairs,
    order=40,
)
