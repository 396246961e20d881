"""What activities put on the 工作台: hours waiting for the organizer's confirmation and 证明
waiting to be issued (each to-do opens exactly those records)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from dangjian.activities import selectors
from dangjian.core.registry import TodoItem
from dangjian.core.scoping import scope_of
from dangjian.core.workbench import cached, is_wide, wide_counts

CONFIRM = "activities.change_activity"
ISSUE = "activities.change_certificate"


def hours_to_confirm_count(user) -> int:
    return selectors.activities_to_confirm(user).count()


def certificates_to_issue_count(user) -> int:
    return selectors.certificates_to_issue(user).count()


def todos(user) -> list[TodoItem]:
    """Activities whose hours wait for confirmation and 证明 to issue (from the worker's snapshot
    for a street or more, core.workbench.wide_counts)."""
    scope = scope_of(user)
    items = []
    if scope.has_any(CONFIRM):
        items.append(
            TodoItem(
                gettext("Activities with hours to confirm"),
                wide_counts("activities.hours_to_confirm", user, CONFIRM, hours_to_confirm_count),
                f"{reverse('activities:activity_list')}?to_confirm=1",
                key="activities.hours_to_confirm",
            )
        )
    if scope.has_any(ISSUE):
        items.append(
            TodoItem(
                gettext("Service certificates to issue"),
                wide_counts("activities.certificates_to_issue", user, ISSUE, certificates_to_issue_count),
                reverse("activities:certificate_list"),
                key="activities.certificates_to_issue",
            )
        )
    return items


VIEW_HOURS = "activities.view_hoursrecord"
SERVICE_FIGURES = ["activities.hours", "activities.activities_held", "activities.hours_per_member"]


def _service_root(user):
    """The highest organization the user reads hours of: their topmost grant on the org tree
    (one indexed lookup), else the first visible organization."""
    from dangjian.orgs.models import Organization

    scope = scope_of(user).restricted_to(VIEW_HOURS)
    if not scope.is_global and scope.org_paths:
        return Organization.objects.filter(path__in=scope.org_paths).order_by("depth", "path").first()
    return Organization.objects.visible_to(user, VIEW_HOURS).order_by("depth", "path").first()


def service_figures(user) -> dict:
    """This year's service figures of the user's highest organization, and when they were
    computed (as JSON: a snapshot may keep them)."""
    from django.utils import timezone

    from dangjian.core.periods import Period
    from dangjian.core.registry import get_figure

    root = _service_root(user)
    period = Period.year(timezone.localdate().year)
    values = [[key, get_figure(key).compute(root, period)] for key in SERVICE_FIGURES]
    return {"values": values, "at": timezone.now().isoformat()}


def service_card(user) -> dict | None:
    """This year's hours, activities held and hours per member of the user's highest organization
    (read from the figures store, each opening its records): from the worker's snapshot for a
    street or more, else cached as the key figures are."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from dangjian.core.periods import Period
    from dangjian.core.registry import get_figure

    root = _service_root(user)
    if root is None:
        return None
    period = Period.year(timezone.localdate().year)
    if is_wide(user, VIEW_HOURS):
        answer = wide_counts(f"activities.service:{period.start.year}", user, VIEW_HOURS, service_figures)
    else:
        answer, _at = cached(
            f"activities:{root.pk}:{root.path}:{period.start.year}", lambda: service_figures(user)
        )
    figures = [
        {
            "key": key,
            "label": get_figure(key).label,
            "shown": "—" if value is None else value,
            "url": get_figure(key).records_url(root, period),
        }
        for key, value in answer["values"]
    ]
    return {"root": root, "figures": figures, "computed_at": timezone.localtime(parse_datetime(answer["at"]))}
