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


def service_card(user) -> dict | None:
    """This year's hours, activities held and hours per member of the user's highest organization
    (read from the figures store, each opening its records; cached as the key figures are)."""
    from django.utils import timezone

    from dangjian.core.periods import Period
    from dangjian.core.registry import get_figure
    from dangjian.core.workbench import cached
    from dangjian.orgs.models import Organization

    root = (
        Organization.objects.visible_to(user, "activities.view_hoursrecord").order_by("depth", "path").first()
    )
    if root is None:
        return None
    period = Period.year(timezone.localdate().year)
    keys = ["activities.hours", "activities.activities_held", "activities.hours_per_member"]

    def compute() -> list[tuple[str, object]]:
        return [(key, get_figure(key).compute(root, period)) for key in keys]

    values, computed_at = cached(f"activities:{root.pk}:{root.path}:{period.start.year}", compute)
    figures = [
        {
            "key": key,
            "label": get_figure(key).label,
            "shown": "—" if value is None else value,
            "url": get_figure(key).records_url(root, period),
        }
        for key, value in values
    ]
    return {"root": root, "figures": figures, "computed_at": computed_at}
