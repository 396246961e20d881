"""The "transfers" section of a member's history page: every letter of the member, both
directions, within the system and to or from the outside (组织关系转接)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.members.history import HistorySection, register_history_section
from dangjian.members.models import PartyMember, Transfer

# Letters shown on the member page; the rest are one click away in the filtered transfer list.
LATEST = 10


def transfer_history(member: PartyMember, user) -> HistorySection | None:
    """The member's latest letters the user may see (one query), newest first."""
    letters = list(
        Transfer.objects.visible_to(user)
        .filter(Q(member=member) | Q(incoming_person_id=member.person_id))
        .select_related("from_org", "to_org")
        .order_by("-initiated_at", "-id")[: LATEST + 1]
    )
    more_url = ""
    if len(letters) > LATEST:
        more_url = reverse("members:transfer_list") + f"?member={member.pk}"
    return HistorySection(
        template="members/transfer_history.html",
        context={"transfers": letters[:LATEST]},
        more_url=more_url,
    )


def register() -> None:
    register_history_section("transfers", _("Transfers"), transfer_history, order=30)
