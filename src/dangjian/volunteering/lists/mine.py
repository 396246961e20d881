"""我的微心愿: the card on 我的 with the wishes the member claimed and what to do next."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from dangjian.core.registry import Panel
from dangjian.volunteering.choices import WishState
from dangjian.volunteering.lists.services import masked_name
from dangjian.volunteering.models import Wish

ON_CARD = 5


def my_wishes_section(me, user) -> dict | None:
    """The member's claimed wishes (newest first, at most ``ON_CARD``) and the count waiting to be
    claimed; shown to party members, and to anyone who has claimed one. Two queries."""
    person = me.person
    mine = list(
        Wish.objects.filter(claimed_by_id=person.pk)
        .select_related("area", "resident")
        .order_by("-claimed_at", "-id")[:ON_CARD]
    )
    if me.member is None and not mine:
        return None
    counts = Wish.objects.aggregate(
        waiting=Count("pk", filter=Q(state=WishState.PUBLISHED)),
        to_record=Count("pk", filter=Q(state=WishState.CLAIMED, claimed_by_id=person.pk)),
    )
    for wish in mine:
        wish.resident_shown = masked_name(wish.resident.name)
    return {"wishes": mine, "waiting": counts["waiting"], "to_record": counts["to_record"]}


MY_WISHES = Panel(
    key="volunteering.my_wishes",
    title=gettext_lazy("My micro-wishes"),
    template="volunteering/lists/panels/my_wishes.html",
    provider=my_wishes_section,
    order=60,
)
