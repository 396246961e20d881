"""What activities put on the 工作台: hours waiting for the organizer's confirmation and 证明
waiting to be issued (each to-do opens exactly those records)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from dangjian.activities import selectors
from dangjian.core.registry import TodoItem
from dangjian.core.scoping import scope_of


def todos(user) -> list[TodoItem]:
    scope = scope_of(user)
    items = []
    if scope.has_any("activities.change_activity"):
        items.append(
            TodoItem(
                gettext("Activities with hours to confirm"),
                selectors.activities_to_confirm(user).count(),
                f"{reverse('activities:activity_list')}?to_confirm=1",
                key="activities.hours_to_confirm",
            )
        )
    if scope.has_any("activities.change_certificate"):
        items.append(
            TodoItem(
                gettext("Service certificates to issue"),
                selectors.certificates_to_issue(user).count(),
                reverse("activities:certificate_list"),
                key="activities.certificates_to_issue",
            )
        )
    return items
