"""What the mailbox puts on the 工作台: messages assigned to me and not answered yet, and messages
waiting to be assigned in the organizations where I assign; each count opens the filtered list."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import TodoItem, TodoSource
from dangjian.core.workbench import with_query
from dangjian.mailbox.choices import MessageState
from dangjian.mailbox.models import Message

ANSWER = "mailbox.change_message"


def mailbox_todo(user) -> list[TodoItem]:
    base = reverse("mailbox:message_list")
    mine = Message.objects.filter(assignee=user, state=MessageState.ASSIGNED).count()
    waiting = (
        Message.objects.visible_to(user, "mailbox.assign_message").filter(state=MessageState.RECEIVED).count()
    )
    return [
        TodoItem(
            gettext("Mailbox messages assigned to me"), mine, with_query(base, mine=1), key="mailbox.mine"
        ),
        TodoItem(
            gettext("Mailbox messages to assign"),
            waiting,
            with_query(base, state=MessageState.RECEIVED),
            key="mailbox.to_assign",
        ),
    ]


MAILBOX_TODO = TodoSource(
    key="mailbox", label=gettext_lazy("Leader mailbox"), items=mailbox_todo, permission=ANSWER, order=60
)
