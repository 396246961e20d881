"""The staff search box's source "announcements": announcements in the user's scope whose title
or text matches (简/繁 and pinyin aware through ``core.search``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import SearchHit, SearchSource
from dangjian.core.search import newest_matching
from dangjian.publicity.models import Announcement
from dangjian.publicity.roles import VIEW


def find(user, text: str, limit: int) -> list[SearchHit]:
    # Only what the hit shows: the body (rich text) and the tokens run to kilobytes a row.
    announcements = (
        Announcement.objects.visible_to(user)
        .select_related("org")
        .only("pk", "title", "state", "created_at", "org__name")
    )
    found = newest_matching(announcements, text, limit)
    return [
        SearchHit(
            title=announcement.title,
            url=reverse("publicity:announcement_detail", kwargs={"pk": announcement.pk}),
            detail=f"{announcement.org.name} · {announcement.get_state_display()}",
        )
        for announcement in found
    ]


def more_url(text: str) -> str:
    return f"{reverse('publicity:announcement_list')}?{urlencode({'q': text})}"


SOURCE = SearchSource(
    key="announcements",
    label=_("Announcements"),
    find=find,
    requirement=VIEW,
    more_url=more_url,
    order=70,
)
