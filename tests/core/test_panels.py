"""Organization, area and person pages show what apps above them contribute as panels.

``orgs`` imports nothing of ``members`` (the layer rule): the member and grid-worker counts on
its pages come from panels ``members`` registers, and 双报到 adds a panel to the person page.
"""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from dangjian.core.registry import panels, registry
from tests.dual_reporting.helpers import report_in_a, report_in_b
from tests.members.ledger_data import make_member

ORGS_DIR = Path(__file__).parents[2] / "src" / "dangjian" / "orgs"


def test_orgs_imports_nothing_from_members():
    offenders = [
        str(path.relative_to(ORGS_DIR))
        for path in ORGS_DIR.rglob("*.py")
        if "migrations" not in path.parts and "dangjian.members" in path.read_text()
    ]
    assert offenders == []


def test_the_org_page_shows_the_member_counts_the_members_app_contributes(client, world, secretary_a):
    make_member(world.branch_a1, "张一", number=1)
    make_member(world.branch_a1, "张二", number=2)
    make_member(world.branch_b1, "张三", number=3)  # another community: not counted for 社区A
    client.force_login(secretary_a)
    response = client.get(reverse("orgs:org_detail", kwargs={"pk": world.org_a.pk}))
    [(panel, html)] = [(panel, html) for panel, html in response.context["panels"] if panel.key == "members"]
    assert registry["org_panels"]["members"] is panel
    assert '<div class="dj-stat-value">2</div>' in html


def test_the_area_page_shows_the_grid_workers_panel(client, world, secretary_a):
    client.force_login(secretary_a)
    response = client.get(reverse("orgs:area_detail", kwargs={"pk": world.community_a.pk}))
    assert [panel.key for panel, _html in response.context["panels"]] == ["grid_workers"]


def test_the_person_panel_of_dual_reporting_shows_reports_in_the_users_scope(world, secretary_a):
    in_a = report_in_a(world)
    out = report_in_b(world)
    shown = dict(panels("person_panels", in_a.member.person, secretary_a))
    assert [panel.key for panel in shown] == ["dual_reporting"]
    assert panels("person_panels", out.member.person, secretary_a) == []
