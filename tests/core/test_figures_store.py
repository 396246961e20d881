"""The figures store: every figure that exists today is registered, with a label, a unit and a
records URL that reverses for a node of each tree it accepts."""

from __future__ import annotations

import pytest

from dangjian.core.periods import Period
from dangjian.core.registry import AREA_TREE, registry

pytestmark = pytest.mark.django_db

EXPECTED = {
    "service.received",
    "service.resolved",
    "service.on_time_rate",
    "service.early_rate",
    "service.satisfaction_rate",
    "service.average_hours",
    "service.overdue",
    "life.meetings_required",
    "life.meetings_held",
    "life.meetings_missing",
    "life.meetings_late",
    "dues.members_in_arrears",
    "dues.members_six_months",
    "development.steps_due",
    "development.steps_late",
    "dual_reporting.members_reported",
    "members.active_members",
    "members.grid_workers",
    "members.grid_workers_members",
    "members.grid_worker_member_share",
}


def test_every_existing_figure_is_in_the_store():
    assert set(registry["figures"]) >= EXPECTED


def test_every_figure_has_a_label_a_unit_and_a_records_url_for_each_tree_it_accepts(world):
    period = Period.year(2026)
    for key, figure in registry["figures"].items():
        assert figure.key == key
        assert str(figure.label) and str(figure.unit), key
        for tree in figure.trees:
            node = world.community_a if tree == AREA_TREE else world.org_a
            url = figure.records_url(node, period)
            assert url.startswith("/") and str(node.pk) in url, key
