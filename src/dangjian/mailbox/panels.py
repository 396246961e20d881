"""The mailbox on 我的: the user's own messages with their state, and the way to write one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.mailbox.models import Message

SHOWN = 5


def mine_messages(me, user) -> dict | None:
    if not getattr(user, "is_authenticated", False):
        return None
    messages = list(
        Message.objects.filter(writer=user).select_related("mailbox").order_by("-created_at", "-id")[:SHOWN]
    )
    return {"mailbox_messages": messages}


MINE_MAILBOX_SECTION = Panel(
    key="mailbox",
    title=_("Leader mailbox"),
    template="mailbox/panels/mine_messages.html",
    provider=mine_messages,
    order=45,
)
