"""What 帮扶对子 puts on the 工作台: the pairs in the user's scope whose visit is overdue."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import TodoItem, TodoSource
from dangjian.core.scoping import scope_of
from dangjian.core.workbench import wide_counts, with_query
from dangjian.help_pairs.models import HelpPair

VIEW = "help_pairs.view_helppair"


def overdue_count(user) -> int:
    return HelpPair.objects.visible_to(user).overdue().count()


def overdue_todo(user) -> list[TodoItem]:
    """Active pairs the user may read whose next visit was due before today (one count, or the
    worker's snapshot for a street or more)."""
    if not scope_of(user).has_any(VIEW):
        return []
    count = wide_counts(f"help_pairs.overdue:{timezone.localdate()}", user, VIEW, overdue_count)
    return [
        TodoItem(
            gettext("Help pairs with an overdue visit"),
            count,
            with_query(reverse("help_pairs:pair_list"), overdue=1),
            key="help_pairs.overdue",
        )
    ]


OVERDUE_SOURCE = TodoSource(
    key="help_pairs",
    label=gettext_lazy("Help pairs"),
    items=overdue_todo,
    permission=VIEW,
    order=65,
)
