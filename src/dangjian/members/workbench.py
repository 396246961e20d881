"""What members puts on the 工作台: transfer letters waiting for the user's organizations to accept
them (组织关系转接), counted as the transfer list shows them (incoming, still open)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import RollupColumn, TodoItem, TodoSource
from dangjian.core.scoping import ORG, scope_of
from dangjian.core.workbench import columns, count_by_child, with_query
from dangjian.members.choices import TransferState
from dangjian.members.models import Transfer

VIEW = "members.view_transfer"


def _incoming(user):
    """Open letters whose receiving organization is in the user's subtrees: what the transfer
    list shows with ``direction=in&state=initiated``."""
    return (
        Transfer.objects.visible_to(user)
        .filter(state=TransferState.INITIATED)
        .filter(scope_of(user).q(ORG, "to_org__path"))
    )


def _url(org_pk: int | None = None) -> str:
    return with_query(
        reverse("members:transfer_list"), direction="in", state=TransferState.INITIATED, org=org_pk
    )


def transfers_todo(user) -> list[TodoItem]:
    return [
        TodoItem(
            gettext("Transfer letters to accept"), _incoming(user).count(), _url(), key="members.transfers_in"
        )
    ]


def transfers_rollup(user, parent, children) -> list[RollupColumn]:
    counted = count_by_child(_incoming(user), "to_org__path", parent, children, n=Count("pk"))
    return columns(
        counted,
        [("n", "members.transfers_in", gettext("To accept"))],
        lambda _name, child_pk: _url(child_pk),
    )


TRANSFERS_TODO = TodoSource(
    key="members",
    label=gettext_lazy("Transfers"),
    items=transfers_todo,
    permission=VIEW,
    order=50,
    rollup=transfers_rollup,
)
