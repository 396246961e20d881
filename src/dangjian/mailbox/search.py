"""The mailbox in the staff search box: messages by subject, text or tracking code (简/繁, pinyin),
among the messages the user may read."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.registry import SearchHit, SearchSource
from dangjian.core.search import newest_matching
from dangjian.mailbox.models import Message

VIEW = "mailbox.view_message"


def find(user, text: str, limit: int) -> list[SearchHit]:
    found = newest_matching(Message.objects.visible_to(user, "view").select_related("org"), text, limit)
    return [
        SearchHit(
            title=f"{message.subject}",
            url=reverse("mailbox:message_detail", args=[message.pk]),
            detail=f"{message.org.name} · {message.get_state_display()} · {message.tracking_code}",
        )
        for message in found
    ]


def more_url(text: str) -> str:
    return f"{reverse('mailbox:message_list')}?{urlencode({'q': text})}"


SOURCE = SearchSource(
    key="mailbox",
    label=gettext_lazy("Mailbox messages"),
    find=find,
    requirement=VIEW,
    more_url=more_url,
    order=60,
)
