"""The service figures in the figures store: each equals a count of the requests made by hand, on
either tree, and its records link lists exactly the requests it counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.service.choices import OPEN_STATES, RequestState
from dangjian.service.models import ServiceRequest
from tests.service.test_figures import march  # noqa: F401 (the fixture of hand-made requests)

pytestmark = pytest.mark.django_db

MARCH = Period.month(2026, 3)
KEYS = [
    "service.received",
    "service.resolved",
    "service.on_time_rate",
    "service.early_rate",
    "service.satisfaction_rate",
    "service.average_hours",
    "service.overdue",
]


def _in(moment: datetime.datetime | None, period: Period) -> bool:
    return moment is not None and period.contains(timezone.localtime(moment).date())


def _by_hand(node, period: Period) -> dict:
    """The figures recomputed from the request rows in Python, without ``figure_q``."""
    field = "area_path" if node._meta.model_name == "area" else "org_path"
    rows = [row for row in ServiceRequest.objects.all() if getattr(row, field).startswith(node.path)]
    received = [row for row in rows if _in(row.created_at, period) and row.accepted_at is not None]
    resolved = [row for row in rows if _in(row.resolved_at, period)]
    on_time = [row for row in resolved if row.resolved_at <= row.due_at]
    early = [row for row in resolved if row.resolved_at <= row.due_at - datetime.timedelta(hours=24)]
    rated = [row for row in resolved if row.rating_is_bad is not None]
    satisfied = [row for row in rated if row.rating_is_bad is False]
    hours = [row.handling_working_hours for row in resolved if row.handling_working_hours is not None]
    now = timezone.now()
    overdue = [
        row
        for row in rows
        if row.state in OPEN_STATES and row.state != RequestState.SUSPENDED and row.due_at < now
    ]
    return {
        "service.received": (len(received), received),
        "service.resolved": (len(resolved), resolved),
        "service.on_time_rate": (len(on_time) / len(resolved) if resolved else None, on_time),
        "service.early_rate": (len(early) / len(resolved) if resolved else None, early),
        "service.satisfaction_rate": (len(satisfied) / len(rated) if rated else None, satisfied),
        "service.average_hours": (
            (sum(hours) / len(hours)).quantize(Decimal("0.1")) if hours else None,
            resolved,
        ),
        "service.overdue": (len(overdue), overdue),
    }


def _listed(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"].object_list}


@pytest.mark.usefixtures("march")
@pytest.mark.parametrize("tree", ["area", "org"])
def test_every_service_figure_equals_the_requests_counted_by_hand_and_lists_them(
    client, world, secretary_a, tree
):
    node = world.community_a if tree == "area" else world.org_a  # org: the responsible org
    expected = _by_hand(node, MARCH)
    assert expected["service.received"][0] > 0  # the fixture is not empty on this tree
    client.force_login(secretary_a)
    for key in KEYS:
        figure = get_figure(key)
        value = figure.compute(node, MARCH)
        want, rows = expected[key]
        if isinstance(want, float):
            assert value == pytest.approx(want), key
        else:
            assert value == want, key
        assert _listed(client, figure.records_url(node, MARCH)) == {row.pk for row in rows}, key


@pytest.mark.usefixtures("march")
def test_a_service_figure_outside_the_period_counts_nothing(world):
    february = Period.month(2026, 2)
    assert get_figure("service.received").compute(world.community_a, february) == 1
    assert get_figure("service.received").compute(world.community_a, Period.month(2025, 3)) == 0
    assert get_figure("service.on_time_rate").compute(world.community_a, Period.month(2025, 3)) is None
