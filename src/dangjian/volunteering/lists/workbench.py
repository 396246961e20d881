"""What the lists put on the 工作台: wishes to publish (社区下单), wishes fulfilled and awaiting the
resident's confirmation, and open needs waiting longer than ``STALE_NEED_DAYS``. Each count opens
the list filtered to exactly those rows; one query per model, whatever the data.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import RollupColumn, TodoItem, TodoSource
from dangjian.core.workbench import columns, count_by_child, wide_counts, wide_counts_by_child, with_query
from dangjian.volunteering.choices import NeedState, WishState
from dangjian.volunteering.lists.views.common import start_of
from dangjian.volunteering.models import Need, Wish

# A need nobody has taken within a week should be looked at (matched, or closed with a reason).
STALE_NEED_DAYS = 7
# The to-dos count wishes and needs each under its own permission.
CHANGE_WISH = "volunteering.change_wish,volunteering.change_need"


def _wish_counts() -> dict:
    return {
        "submitted": Count("pk", filter=Q(state=WishState.SUBMITTED)),
        "fulfilled": Count("pk", filter=Q(state=WishState.FULFILLED)),
    }


def _stale_before() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=STALE_NEED_DAYS - 1)


def _stale_needs(user):
    return Need.objects.visible_to(user, "change").filter(
        state=NeedState.OPEN, created_at__lt=start_of(_stale_before())
    )


def lists_counts(user) -> dict[str, int]:
    """Wishes to publish and to confirm, needs waiting (two queries)."""
    counts = Wish.objects.visible_to(user, "change").aggregate(**_wish_counts())
    counts["stale"] = _stale_needs(user).count()
    return counts


def lists_todo(user) -> list[TodoItem]:
    before = _stale_before()
    wishes = wide_counts(f"volunteering.lists:{before}", user, CHANGE_WISH, lists_counts)
    stale = wishes["stale"]
    wish_list = reverse("volunteering:wish_list")
    return [
        TodoItem(
            gettext("Micro-wishes to publish (社区下单)"),
            wishes["submitted"],
            with_query(wish_list, state=WishState.SUBMITTED),
            key="volunteering.wishes_to_publish",
        ),
        TodoItem(
            gettext("Micro-wishes fulfilled, awaiting confirmation"),
            wishes["fulfilled"],
            with_query(wish_list, state=WishState.FULFILLED),
            key="volunteering.wishes_to_confirm",
        ),
        TodoItem(
            gettext("Needs open for more than %(days)s days") % {"days": STALE_NEED_DAYS},
            stale,
            with_query(
                reverse("volunteering:need_list"), state=NeedState.OPEN, created_before=before.isoformat()
            ),
            key="volunteering.stale_needs",
        ),
    ]


def lists_counts_by_child(user, parent, children) -> dict[int, dict[str, int]]:
    """The to-dos' counts per child organization of ``parent`` (two queries, whatever the children)."""
    counted = count_by_child(
        Wish.objects.visible_to(user, "change"), "org__path", parent, children, **_wish_counts()
    )
    for child_pk, row in count_by_child(
        _stale_needs(user), "org__path", parent, children, stale=Count("pk")
    ).items():
        counted.setdefault(child_pk, {}).update(row)
    return counted


def lists_rollup(user, parent, children) -> list[RollupColumn]:
    """The same to-dos per child organization of ``parent`` (the worker's snapshot for a street or
    more)."""
    counted = wide_counts_by_child(
        f"volunteering.lists.rollup:{_stale_before()}",
        user,
        CHANGE_WISH,
        lists_counts_by_child,
        parent,
        children,
    )
    wish_list, need_list = reverse("volunteering:wish_list"), reverse("volunteering:need_list")
    before = _stale_before().isoformat()

    def url(name: str, child_pk: int) -> str:
        if name == "stale":
            return with_query(need_list, state=NeedState.OPEN, created_before=before, org=child_pk)
        return with_query(wish_list, state=name, org=child_pk)

    return columns(
        counted,
        [
            ("submitted", "volunteering.wishes_to_publish", gettext("Wishes to publish")),
            ("fulfilled", "volunteering.wishes_to_confirm", gettext("Wishes to confirm")),
            ("stale", "volunteering.stale_needs", gettext("Needs waiting")),
        ],
        url,
    )


LISTS_TODO = TodoSource(
    key="volunteering.lists",
    label=gettext_lazy("Needs and micro-wishes"),
    items=lists_todo,
    order=40,
    rollup=lists_rollup,
)
