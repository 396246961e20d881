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

from dangjian.core.registry import TodoItem, TodoSource
from dangjian.core.workbench import with_query
from dangjian.volunteering.choices import NeedState, WishState
from dangjian.volunteering.lists.views.common import start_of
from dangjian.volunteering.models import Need, Wish

# A need nobody has taken within a week should be looked at (matched, or closed with a reason).
STALE_NEED_DAYS = 7


def lists_todo(user) -> list[TodoItem]:
    wishes = Wish.objects.visible_to(user, "change").aggregate(
        submitted=Count("pk", filter=Q(state=WishState.SUBMITTED)),
        fulfilled=Count("pk", filter=Q(state=WishState.FULFILLED)),
    )
    before = timezone.localdate() - datetime.timedelta(days=STALE_NEED_DAYS - 1)
    stale = (
        Need.objects.visible_to(user, "change")
        .filter(state=NeedState.OPEN, created_at__lt=start_of(before))
        .count()
    )
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


LISTS_TODO = TodoSource(
    key="volunteering.lists",
    label=gettext_lazy("Needs and micro-wishes"),
    items=lists_todo,
    order=40,
)
