"""What the development pipeline puts on the 工作台: applicants whose next step is late, and those
whose next step falls due this month, counted with the figures' definitions (``due_q``,
``late_q``) and opening the applicant list filtered the same way."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import RollupColumn, TodoItem, TodoSource
from dangjian.core.workbench import columns, count_by_child, wide_counts, wide_counts_by_child, with_query
from dangjian.development.figures import due_q, late_q
from dangjian.development.models import Applicant

VIEW = "development.view_applicant"


def _counts() -> tuple[dict[str, Count], dict[str, str]]:
    today = timezone.localdate()
    month = Period.month(today.year, today.month)
    counts = {
        "late": Count("pk", filter=late_q(today)),
        "due": Count("pk", filter=due_q(month.start, month.end)),
    }
    params = {
        "late": {"late": "on"},
        "due": {"due_from": month.start.isoformat(), "due_until": month.end.isoformat()},
    }
    return counts, params


def _labels() -> dict[str, str]:
    return {
        "late": gettext("Development steps past their deadline"),
        "due": gettext("Development steps due this month"),
    }


def pipeline_counts(user) -> dict[str, int]:
    return Applicant.objects.visible_to(user).aggregate(**_counts()[0])


def pipeline_counts_by_child(user, parent, children) -> dict[int, dict[str, int]]:
    return count_by_child(Applicant.objects.visible_to(user), "org__path", parent, children, **_counts()[0])


def pipeline_todo(user) -> list[TodoItem]:
    """Late and due steps (from the worker's snapshot for a street or more)."""
    _aggregates, params = _counts()
    totals = wide_counts(f"development:{timezone.localdate()}", user, VIEW, pipeline_counts)
    base = reverse("development:applicant_list")
    labels = _labels()
    return [
        TodoItem(labels[name], totals[name], with_query(base, **params[name]), key=f"development.{name}")
        for name in ("late", "due")
    ]


def pipeline_rollup(user, parent, children) -> list[RollupColumn]:
    _aggregates, params = _counts()
    counted = wide_counts_by_child(
        f"development.rollup:{timezone.localdate()}", user, VIEW, pipeline_counts_by_child, parent, children
    )
    base = reverse("development:applicant_list")
    labels = {"late": gettext("Late"), "due": gettext("Due this month")}
    return columns(
        counted,
        [(name, f"development.{name}", labels[name]) for name in ("late", "due")],
        lambda name, child_pk: with_query(base, org=child_pk, **params[name]),
    )


PIPELINE_TODO = TodoSource(
    key="development",
    label=gettext_lazy("Party member development"),
    items=pipeline_todo,
    permission=VIEW,
    order=30,
    rollup=pipeline_rollup,
)
