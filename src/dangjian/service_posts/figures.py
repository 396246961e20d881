"""Service posts in the platform's figures store: posts held by members (confirmed claims) in an
organization's subtree, over a period; the claim list with the same filter shows the records."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import PostClaim

VIEW = "service_posts.view_postclaim"


def held_in(period: Period) -> Q:
    """Claims the community confirmed that ran at some time in ``period`` (``[start, end)``):
    holding or expired, and withdrawn holders until the day they left. The claim list filters
    with this same definition (``?held_from=…&held_to=…``)."""
    running = Q(starts_on__lt=period.end, ends_on__gte=period.start)
    was_confirmed = Q(state__in=[ClaimState.CONFIRMED, ClaimState.EXPIRED]) | Q(
        state=ClaimState.WITHDRAWN, decided_at__isnull=False, ended_on__gte=period.start
    )
    return running & was_confirmed


def held_q(org, period: Period) -> Q:
    return Q(post__org__path__startswith=org.path) & held_in(period)


def posts_held(node, period: Period) -> int:
    return PostClaim.objects.filter(held_q(node, period)).count()


def records_url(node, period: Period) -> str:
    query = {"org": node.pk, "held_from": period.start.isoformat(), "held_to": period.end.isoformat()}
    return f"{reverse('service_posts:claim_list')}?{urlencode(query)}"


def register_figures() -> None:
    register_figure(
        Figure(
            key="service_posts.posts_held",
            label=gettext_lazy("Service posts held by members"),
            unit=gettext_lazy("posts"),
            compute=posts_held,
            records_url=records_url,
            permission=VIEW,
            description=gettext_lazy(
                "Members' claims of service posts (服务岗, 党员先锋岗) of the organization and those below "
                "it that the community confirmed and that ran during the period."
            ),
        )
    )
