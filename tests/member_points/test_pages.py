"""The 党员积分 pages: the ledger and the ranking at a fixed query count, the export audited, the
award form, 我的, the API, and bad input answered without a 500."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.member_points import services
from dangjian.member_points.models import PointEntry
from dangjian.members.models import PartyMember
from tests.factories import UserFactory, assign
from tests.member_points.helpers import MARCH, member, rules, small_world

pytestmark = pytest.mark.django_db
MARCH_END = datetime.date(2026, 3, 31)


def _grow(world, total: int) -> None:
    count = PartyMember.objects.filter(org=world.branch_a1).count()
    for index in range(count, total):
        made = member(world.branch_a1, f"党员{index:02d}")
        PointEntry.objects.create(
            person_id=made.person_id,
            org_id=made.org_id,
            month=MARCH,
            occurred_on=MARCH,
            points=Decimal(index % 4),
            kind="manual",
            reason="测试",
        )


@pytest.mark.parametrize(
    "name", ["member_points:ledger", "member_points:ranking", "member_points:entry_list"]
)
def test_the_ledger_and_ranking_cost_the_same_for_3_and_30_members(client, world, secretary_a, name):
    client.force_login(secretary_a)
    url = f"{reverse(name)}?org={world.branch_a1.pk}&year=2026"

    def count_with(total: int) -> int:
        _grow(world, total)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


def test_the_ledger_shows_points_per_month_and_searches_by_name(client, world, secretary_a):
    people = small_world(world)
    rules()
    services.post_points(MARCH, MARCH_END)
    client.force_login(secretary_a)
    response = client.get(reverse("member_points:ledger"), {"org": world.branch_a1.pk, "year": 2026})
    rows = {row.member.person.name: row for row in response.context["rows"]}
    assert rows["张三"].months[2] == Decimal("10.50") and rows["张三"].total == Decimal("10.50")
    assert rows["李四"].total == 0
    found = client.get(reverse("member_points:ledger"), {"org": world.branch_a1.pk, "year": 2026, "q": "王"})
    assert [row.member.pk for row in found.context["rows"]] == [people["wang"].pk]


def test_the_ranking_page_lists_dense_ranks(client, world, secretary_a):
    small_world(world)
    rules()
    services.post_points(MARCH, MARCH_END)
    client.force_login(secretary_a)
    response = client.get(
        reverse("member_points:ranking"), {"org": world.branch_a1.pk, "year": 2026, "month": 3}
    )
    assert [(row.person.name, row.rank) for row in response.context["page"]] == [
        ("张三", 1),
        ("王五", 2),
        ("李四", 3),
    ]


def test_the_ledger_export_is_an_audited_workbook(client, world, secretary_a):
    small_world(world)
    rules()
    services.post_points(MARCH, MARCH_END)
    client.force_login(secretary_a)
    response = client.get(reverse("member_points:ledger_export"), {"org": world.branch_a1.pk, "year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    line = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert line.user_id == secretary_a.pk and line.changes["rows"] == 3
    assert line.changes["filters"]["org"] == world.branch_a1.pk


@pytest.mark.parametrize(
    "query", [{"year": "9999"}, {"year": "abc"}, {"org": "99999999999999999999"}, {"month": "13"}]
)
def test_bad_filters_never_answer_500(client, world, secretary_a, query):
    client.force_login(secretary_a)
    for name in ("member_points:ledger", "member_points:ranking", "member_points:entry_list"):
        assert client.get(reverse(name), query).status_code in (200, 404)


def test_the_award_form_deducts_with_a_reason_and_a_missing_reason_is_a_form_error(
    client, world, secretary_a
):
    zhang = member(world.branch_a1, "张三")
    client.force_login(secretary_a)
    url = reverse("member_points:entry_create", args=[zhang.pk])
    refused = client.post(
        url, {"direction": "deduct", "points": "2", "reason": "", "occurred_on": "2026-03-05"}
    )
    assert refused.status_code == 200 and refused.context["form"].errors
    done = client.post(
        url, {"direction": "deduct", "points": "2", "reason": "无故缺席", "occurred_on": "2026-03-05"}
    )
    assert done.status_code == 302
    assert PointEntry.objects.get(person_id=zhang.person_id).points == Decimal("-2.00")


def test_a_member_sees_their_points_and_rank_on_mine(client, world, secretary_a):
    people = small_world(world)
    zhang = people["zhang"]
    user = UserFactory(username="zhangsan", person=zhang.person)
    assign(user, BuiltinRole.PARTY_MEMBER, world.branch_a1)
    today = datetime.date.today()
    services.award_points(
        by=secretary_a, member=zhang, points=Decimal("4"), reason="志愿服务表现突出", occurred_on=today
    )
    services.award_points(
        by=secretary_a, member=people["wang"], points=Decimal("6"), reason="表现突出", occurred_on=today
    )
    client.force_login(user)
    body = client.get(reverse("mine:index")).content.decode()
    assert 'data-section="member_points"' in body
    assert "志愿服务表现突出" in body
    section = body[body.index('data-section="member_points"') :]
    assert "data-rank>2<" in section, section[:1500]
    # A member has no right to the ledger itself.
    assert client.get(reverse("member_points:ledger")).status_code == 403


def test_the_api_answers_the_ledger_and_the_ranking(client, world, secretary_a):
    small_world(world)
    rules()
    services.post_points(MARCH, MARCH_END)
    client.force_login(secretary_a)
    ledger = client.get(
        reverse("api:member_points_ledger", kwargs={"id": world.branch_a1.pk}), {"year": 2026}
    ).json()
    by_name = {row["name"]: row for row in ledger["items"]}
    assert Decimal(by_name["张三"]["months"][2]) == Decimal("10.5")
    ranked = client.get(
        reverse("api:member_points_ranking", kwargs={"id": world.branch_a1.pk}), {"year": 2026, "month": 3}
    ).json()
    assert [(row["name"], row["rank"]) for row in ranked["items"]] == [("张三", 1), ("王五", 2), ("李四", 3)]
    bad = client.get(reverse("api:member_points_ranking", kwargs={"id": world.branch_a1.pk}), {"year": 9999})
    assert bad.status_code == 422


def test_the_ledger_export_writes_a_planted_formula_as_quoted_text(client, world, secretary_a):
    import io

    from openpyxl import load_workbook

    planted = '=HYPERLINK("http://evil.example/","详情")'
    member(world.branch_a1, planted)
    client.force_login(secretary_a)
    response = client.get(reverse("member_points:ledger_export"), {"org": world.branch_a1.pk, "year": 2026})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == planted]
    assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
