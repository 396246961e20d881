"""What the staff search box finds among service posts (服务岗 / 党员先锋岗): words of the
title or duties. Posts are few per organization (tens), so a plain substring match is enough."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import SearchHit, SearchSource, register_search_source
from dangjian.core.text import normalize
from dangjian.service_posts.models import Post
from dangjian.service_posts.views import VIEW


def find_posts(user, text: str, limit: int) -> list[SearchHit]:
    words = {text.strip(), normalize(text.strip())} - {""}
    match = Q()
    for word in words:
        match |= Q(title__icontains=word) | Q(duties__icontains=word)
    rows = (
        Post.objects.visible_to(user, VIEW)
        .filter(match)
        .select_related("org")
        .only("pk", "title", "state", "org__name")
        .order_by("-starts_on", "-id")[:limit]
    )
    return [
        SearchHit(
            post.title,
            reverse("service_posts:post_detail", kwargs={"pk": post.pk}),
            f"{post.org.name} · {post.get_state_display()}",
        )
        for post in rows
    ]


register_search_source(
    SearchSource(
        "service_posts",
        _("Service posts"),
        find_posts,
        VIEW,
        order=60,
    )
)
