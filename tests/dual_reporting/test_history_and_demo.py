"""The 双报到 section of the member history page and the generator step."""

from __future__ import annotations

import datetime
import random

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.dual_reporting.demo_data import generate_dual_reporting
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog
from dangjian.members.history import history_sections
from tests.dual_reporting.helpers import member_living_in, report


def test_the_member_history_shows_reports_claims_and_hours_at_a_fixed_cost(world, secretary_b):
    member = member_living_in(world.branch_b1, world.building_a1)
    made = report(member, world.community_a)

    def section_cost() -> tuple[int, object]:
        with CaptureQueriesContext(connection) as queries:
            sections = {entry.key: section for entry, section in history_sections(member, secretary_b)}
        return len([q for q in queries if "dual_reporting" in q["sql"]]), sections["dual_reporting"]

    Claim.objects.create(report=made, title="岗位", claimed_on=timezone.localdate())
    ServiceLog.objects.create(report=made, served_on=timezone.localdate(), hours="2.5", description="服务")
    few, section = section_cost()
    assert section.context["reports"][0].hours_served == 2.5
    assert section.context["reports"][0].claim_count == 1
    html = render_to_string(section.template, section.context)
    assert "幸福社区" in html and "服务 2.5 小时" in html
    for _ in range(20):
        ServiceLog.objects.create(report=made, served_on=timezone.localdate(), hours=1, description="服务")
    many, _section = section_cost()
    assert few == many == 1


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_reports_members_to_the_community_of_their_home(world):
    for number in range(12):
        member_living_in(world.branch_b1, world.building_a1 if number % 2 else world.grid_b1, f"党员{number}")

    written = generate_dual_reporting(FakeGenerator())

    reports = list(MemberReport.objects.select_related("member"))
    assert written >= len(reports) > 0
    for made in reports:
        home = made.member.person.residences.get().area
        assert home.path.startswith(made.community.path)
        assert made.reported_on <= timezone.localdate()
    assert not ServiceLog.objects.filter(served_on__gt=timezone.localdate()).exists()
    assert not ServiceLog.objects.filter(
        served_on__lt=timezone.localdate() - datetime.timedelta(days=366)
    ).exists()
