"""The 工作台's "waiting for you" line: proposals that reached their threshold and await a response."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from dangjian.core.registry import TodoItem
from dangjian.proposals.choices import ProposalState
from dangjian.proposals.models import Proposal


def awaiting_todo(user) -> list[TodoItem]:
    count = Proposal.objects.visible_to(user).filter(state=ProposalState.AWAITING, is_hidden=False).count()
    return [
        TodoItem(
            label=gettext("Proposals awaiting a response"),
            count=count,
            url=reverse("proposals:proposal_list") + "?state=awaiting",
            key="proposals.awaiting",
        )
    ]
