"""What 示范点 puts on the 工作台: the active designations in the user's scope whose re-check is due."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import TodoItem, TodoSource
from dangjian.core.scoping import scope_of
from dangjian.core.workbench import with_query
from dangjian.demonstration.models import Designation

CHANGE = "demonstration.change_designation"


def recheck_todo(user) -> list[TodoItem]:
    """Designations the user may re-check whose re-check is due (one count)."""
    if not scope_of(user).has_any(CHANGE):
        return []
    count = Designation.objects.visible_to(user, "change").recheck_due(timezone.localdate()).count()
    return [
        TodoItem(
            gettext("Demonstration points due for a re-check"),
            count,
            with_query(reverse("demonstration:designation_list"), due=1),
            key="demonstration.recheck_due",
        )
    ]


RECHECK_SOURCE = TodoSource(
    key="demonstration",
    label=gettext_lazy("Demonstration points"),
    items=recheck_todo,
    permission=CHANGE,
    order=70,
)
