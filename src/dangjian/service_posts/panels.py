"""What service posts show elsewhere: on a person's page the posts they hold or held, and on 我的
the member's own claims (with their agreement, renewal and withdrawal) and posts they may claim."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.core.scoping import scope_of
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import Agreement, PostClaim
from dangjian.service_posts.roles import CLAIM

SHOWN = 10


def _latest_agreements() -> Prefetch:
    return Prefetch("agreements", queryset=Agreement.objects.order_by("-version"))


def person_posts(person, user) -> dict | None:
    """The person's claims the user may see, newest first (two queries); None if none."""
    claims = list(
        PostClaim.objects.visible_to(user)
        .filter(member__person=person)
        .select_related("post__org")
        .prefetch_related(_latest_agreements())
        .order_by("-claimed_at", "-id")[:SHOWN]
    )
    if not claims:
        return None
    return {"claims": claims}


def mine_posts(me, user) -> dict | None:
    """The member's own claims and a few posts they may claim; None for someone who is not a member."""
    from dangjian.service_posts.services import claimable_posts

    member = me.member
    if member is None:
        return None
    claims = list(
        PostClaim.objects.filter(member=member)
        .select_related("post__org")
        .prefetch_related(_latest_agreements())
        .order_by("-claimed_at", "-id")[:SHOWN]
    )
    for claim in claims:
        versions = list(claim.agreements.all())
        claim.agreement = versions[0] if versions else None
    may_claim = scope_of(user).has_any(CLAIM)
    open_posts = list(claimable_posts(member)[:5]) if may_claim else []
    if not claims and not open_posts:
        return None
    return {
        "claims": claims,
        "open_posts": open_posts,
        "confirmed": ClaimState.CONFIRMED,
        "claimed": ClaimState.CLAIMED,
    }


PERSON_POSTS_PANEL = Panel(
    key="service_posts",
    title=_("Service posts"),
    template="service_posts/panels/person_posts.html",
    provider=person_posts,
    order=65,
)

MINE_POSTS_SECTION = Panel(
    key="service_posts",
    title=_("My service posts"),
    template="service_posts/panels/mine_posts.html",
    provider=mine_posts,
    order=40,
)
