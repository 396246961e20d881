"""双报到 in the figures store: members of a subtree with an active report equal a count of the
report rows made by hand, and the unit page lists exactly those reports."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.dual_reporting.choices import ReportState
from dangjian.dual_reporting.models import MemberReport
from tests.dual_reporting.helpers import member_living_in, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(world):
    """社区B's branch: two members reported to 社区A, one whose report ended; 社区A's branch: one."""
    report(member_living_in(world.branch_b1, world.building_a1, "李报到"), world.community_a)
    report(member_living_in(world.branch_b1, world.building_a1, "王报到"), world.community_a)
    ended = report(member_living_in(world.branch_b1, world.building_a1, "赵结束"), world.community_a)
    MemberReport.objects.filter(pk=ended.pk).update(state=ReportState.ENDED, ended_on=timezone.localdate())
    report(member_living_in(world.branch_a1, world.grid_b1, "钱报到"), world.community_b)


@pytest.mark.usefixtures("reports")
def test_members_reported_equals_the_reports_counted_by_hand_and_the_unit_page_lists_them(
    client, world, secretary_b
):
    client.force_login(secretary_b)
    period = Period.year(timezone.localdate().year)
    figure = get_figure("dual_reporting.members_reported")
    for node in (world.org_b, world.branch_b1, world.branch_a1):
        rows = {
            row.pk
            for row in MemberReport.objects.all()
            if row.member.org.path.startswith(node.path) and row.state == ReportState.ACTIVE
        }
        assert figure.compute(node, period) == len(rows)
        if node != world.branch_a1:  # secretary_b's own subtree
            response = client.get(figure.records_url(node, period))
            assert response.status_code == 200
            assert {row.pk for row in response.context["page"].object_list} == rows
    assert figure.compute(world.org_b, period) == 2  # the fixture is what it says
