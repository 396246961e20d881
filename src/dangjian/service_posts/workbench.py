"""What service posts put on the 工作台: claims and renewals waiting for the community's decision,
and holders whose agreement ends within 30 days; each count opens the claim list filtered the
same way."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import RollupColumn, TodoItem, TodoSource
from dangjian.core.workbench import columns, count_by_child, wide_counts, wide_counts_by_child, with_query
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import PostClaim

DECIDE = "service_posts.change_postclaim"
EXPIRING_DAYS = 30


def _counts() -> dict[str, Count]:
    soon = timezone.localdate() + datetime.timedelta(days=EXPIRING_DAYS)
    return {
        "waiting": Count("pk", filter=Q(state=ClaimState.CLAIMED)),
        "renewal": Count("pk", filter=Q(state=ClaimState.CONFIRMED, renewal_ends_on__isnull=False)),
        "expiring": Count("pk", filter=Q(state=ClaimState.CONFIRMED, ends_on__lte=soon)),
    }


def _url(name: str, org_pk: int | None = None) -> str:
    base = reverse("service_posts:claim_list")
    if name == "waiting":
        return with_query(base, state=ClaimState.CLAIMED, org=org_pk)
    if name == "renewal":
        return with_query(base, renewal=1, org=org_pk)
    return with_query(base, expiring=EXPIRING_DAYS, org=org_pk)


def _labels() -> dict[str, str]:
    return {
        "waiting": gettext("Post claims to confirm"),
        "renewal": gettext("Post renewals to confirm"),
        "expiring": gettext("Post agreements ending within 30 days"),
    }


def claims_counts(user) -> dict[str, int]:
    """One query over the claims of posts the user decides on."""
    return PostClaim.objects.visible_to(user, "change").aggregate(**_counts())


def claims_counts_by_child(user, parent, children) -> dict[int, dict[str, int]]:
    return count_by_child(
        PostClaim.objects.visible_to(user, "change"), "post__org__path", parent, children, **_counts()
    )


def claims_todo(user) -> list[TodoItem]:
    """The claims' counts, from the worker's snapshot for a street or more."""
    counts = wide_counts(f"service_posts.claims:{timezone.localdate()}", user, DECIDE, claims_counts)
    return [
        TodoItem(label, counts[name], _url(name), key=f"service_posts.{name}")
        for name, label in _labels().items()
    ]


def claims_rollup(user, parent, children) -> list[RollupColumn]:
    counted = wide_counts_by_child(
        f"service_posts.claims.rollup:{timezone.localdate()}",
        user,
        DECIDE,
        claims_counts_by_child,
        parent,
        children,
    )
    labels = _labels()
    return columns(
        counted,
        [(name, f"service_posts.{name}", labels[name]) for name in labels],
        lambda name, child_pk: _url(name, child_pk),
    )


CLAIMS_TODO = TodoSource(
    key="service_posts",
    label=gettext_lazy("Service posts"),
    items=claims_todo,
    permission=DECIDE,
    order=55,
    rollup=claims_rollup,
)
