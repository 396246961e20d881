"""The service-post section of a member's history page: the posts they claimed and held."""

from __future__ import annotations

from django.urls import reverse

from dangjian.members.history import HistorySection
from dangjian.service_posts.models import PostClaim

LATEST = 5


def service_posts_history(member, user) -> HistorySection | None:
    """The member's latest claims of posts the user sees (one query); None if none."""
    claims = list(
        PostClaim.objects.visible_to(user)
        .filter(member=member)
        .select_related("post__org")
        .order_by("-claimed_at", "-id")[:LATEST]
    )
    if not claims:
        return None
    return HistorySection(
        template="service_posts/_history.html",
        context={"claims": claims},
        more_url=reverse("service_posts:post_detail", kwargs={"pk": claims[0].post_id}),
    )
