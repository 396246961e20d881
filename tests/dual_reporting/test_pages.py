"""双报到 pages and API: self-service, the community and unit views, fixed query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.dual_reporting.choices import ClaimKind
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog
from dangjian.members.choices import MemberCategory
from tests.dual_reporting.helpers import member_living_in, member_login, pairing, report
from tests.factories import add_org

TODAY = timezone.localdate


def test_a_member_reports_to_their_community_on_the_self_service_page(client, world):
    member = member_living_in(world.branch_b1, world.building_a1)
    client.force_login(member_login(member, "zaizhi"))
    url = reverse("dual_reporting:report_self")

    page = client.get(url).content.decode()
    assert "我要报到" in page and "幸福社区" in page

    response = client.post(url, {"reported_on": TODAY().isoformat(), "skills": "法律咨询"})
    made = MemberReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dual_reporting:report_detail", kwargs={"pk": made.pk})
    assert made.community == world.community_a
    detail = client.get(response["Location"]).content.decode()
    assert "法律咨询" in detail and "登记认领" in detail


def test_a_retired_member_sees_the_在职_rule_and_can_confirm(client, world):
    member = member_living_in(world.branch_b1, world.building_a1, category=MemberCategory.RETIRED)
    client.force_login(member_login(member, "tuixiu"))
    url = reverse("dual_reporting:report_self")

    refused = client.post(url, {"reported_on": TODAY().isoformat()})
    assert refused.status_code == 200
    assert "双报到面向在职党员" in refused.content.decode()
    assert not MemberReport.objects.exists()

    client.post(url, {"reported_on": TODAY().isoformat(), "confirm_not_employed": "on"})
    assert MemberReport.objects.count() == 1


def test_the_community_sees_who_reported_what_they_claimed_and_hours(client, world, secretary_a):
    made = report(member_living_in(world.branch_b1, world.building_a1, "李报到"), world.community_a)
    Claim.objects.create(report=made, kind=ClaimKind.POST, title="楼道清洁岗", claimed_on=TODAY())
    ServiceLog.objects.create(report=made, served_on=TODAY(), hours="3.5", description="清扫")
    report(member_living_in(world.branch_b1, world.grid_b1, "王乙"), world.community_b)
    client.force_login(secretary_a)
    url = reverse("dual_reporting:community", kwargs={"pk": world.community_a.pk})

    body = client.get(url).content.decode()
    assert "李报到" in body and world.branch_b1.name in body and "3.5" in body
    assert "王乙" not in body
    claims = client.get(url, {"tab": "claims"}).content.decode()
    assert "楼道清洁岗" in claims


def test_the_unit_side_sees_its_members_logs(client, world, secretary_b):
    made = report(member_living_in(world.branch_b1, world.building_a1, "李报到"), world.community_a)
    ServiceLog.objects.create(report=made, served_on=TODAY(), hours="2", description="陪伴独居老人")
    client.force_login(secretary_b)

    body = client.get(
        reverse("dual_reporting:unit", kwargs={"pk": world.org_b.pk}), {"tab": "logs"}
    ).content.decode()
    assert "李报到" in body and "陪伴独居老人" in body and "幸福社区" in body


def test_hours_are_validated_on_the_log_form(client, world, secretary_a):
    made = report(member_living_in(world.branch_b1, world.building_a1), world.community_a)
    client.force_login(secretary_a)
    response = client.post(
        reverse("dual_reporting:report_log_create", kwargs={"pk": made.pk}),
        {"served_on": TODAY().isoformat(), "hours": "0", "description": "清扫"},
    )
    assert response.status_code == 200
    assert "服务时长必须大于 0 小时" in response.content.decode()
    assert not ServiceLog.objects.exists()


def test_the_second_feedback_of_a_year_is_refused_on_the_page(client, world, secretary_a):
    made = report(member_living_in(world.branch_b1, world.building_a1), world.community_a)
    client.force_login(secretary_a)
    url = reverse("dual_reporting:report_feedback_create", kwargs={"pk": made.pk})
    data = {"year": TODAY().year, "rating": "good", "text": "积极"}

    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert "每年只发送一次" in again.content.decode()


def _same_cost(client, url: str, grow, params=None) -> None:
    def count_with(total: int) -> int:
        grow(total)
        client.get(url, params or {})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params or {}).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


@pytest.mark.parametrize("tab", ["reports", "pairings", "claims"])
def test_the_community_page_costs_the_same_for_3_and_30_rows(client, world, secretary_a, tab):
    client.force_login(secretary_a)

    def grow(total: int) -> None:
        while MemberReport.objects.count() < total:
            number = MemberReport.objects.count()
            made = report(
                member_living_in(world.branch_b1, world.building_a1, f"党员{number}"), world.community_a
            )
            Claim.objects.create(report=made, title=f"岗位{number}", claimed_on=TODAY())
            ServiceLog.objects.create(report=made, served_on=TODAY(), hours=1, description="服务")
            unit = add_org(world.district_org, f"单位{number}党支部", f"U{number:04d}", "branch")
            pairing(unit, world.community_a)

    _same_cost(
        client, reverse("dual_reporting:community", kwargs={"pk": world.community_a.pk}), grow, {"tab": tab}
    )


@pytest.mark.parametrize("tab", ["reports", "pairings", "logs"])
def test_the_unit_page_costs_the_same_for_3_and_30_rows(client, world, secretary_b, tab):
    client.force_login(secretary_b)

    def grow(total: int) -> None:
        while MemberReport.objects.count() < total:
            number = MemberReport.objects.count()
            made = report(
                member_living_in(world.branch_b1, world.building_a1, f"党员{number}"), world.community_a
            )
            ServiceLog.objects.create(report=made, served_on=TODAY(), hours=1, description="服务")

    _same_cost(client, reverse("dual_reporting:unit", kwargs={"pk": world.org_b.pk}), grow, {"tab": tab})


def test_the_report_detail_costs_the_same_for_3_and_30_logs(client, world, secretary_a):
    made = report(member_living_in(world.branch_b1, world.building_a1), world.community_a)
    client.force_login(secretary_a)

    def grow(total: int) -> None:
        while ServiceLog.objects.count() < total:
            ServiceLog.objects.create(report=made, served_on=TODAY(), hours=1, description="服务")
            Claim.objects.create(report=made, title="岗位", claimed_on=TODAY())

    _same_cost(client, reverse("dual_reporting:report_detail", kwargs={"pk": made.pk}), grow)


@pytest.mark.parametrize(
    "name", ["dual_report_list", "dual_claim_list", "dual_log_list", "dual_feedback_list"]
)
def test_the_api_lists_cost_the_same_for_3_and_30_rows(client, world, secretary_a, name):
    client.force_login(secretary_a)

    def grow(total: int) -> None:
        while MemberReport.objects.count() < total:
            made = report(member_living_in(world.branch_b1, world.building_a1, "党员"), world.community_a)
            Claim.objects.create(report=made, title="岗位", claimed_on=TODAY())
            ServiceLog.objects.create(report=made, served_on=TODAY(), hours=1, description="服务")

    _same_cost(client, reverse(f"api:{name}"), grow)


def test_the_pairing_list_api_costs_the_same_for_3_and_30_rows(client, world, secretary_a):
    from dangjian.dual_reporting.models import UnitPairing

    client.force_login(secretary_a)

    def grow(total: int) -> None:
        while UnitPairing.objects.count() < total:
            number = UnitPairing.objects.count()
            unit = add_org(world.district_org, f"单位{number}党支部", f"U{number:04d}", "branch")
            pairing(unit, world.community_a)

    _same_cost(client, reverse("api:dual_pairing_list"), grow)


def test_the_api_refuses_zero_hours_with_the_message(client, world, secretary_a):
    made = report(member_living_in(world.branch_b1, world.building_a1), world.community_a)
    client.force_login(secretary_a)
    response = client.post(
        reverse("api:dual_log_create"),
        {"report_id": made.pk, "served_on": TODAY().isoformat(), "hours": "0", "description": "清扫"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "hours_positive"
    assert "大于 0" in response.json()["detail"]


def test_a_party_member_sees_only_their_own_reports_in_the_api(client, world):
    mine = report(member_living_in(world.branch_b1, world.building_a1, "本人"), world.community_a)
    report(member_living_in(world.branch_b1, world.building_a1, "同支部"), world.community_a)
    client.force_login(member_login(mine.member, "benren"))

    items = client.get(reverse("api:dual_report_list")).json()["items"]
    assert [item["id"] for item in items] == [mine.pk]
