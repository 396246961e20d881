"""The dues API (/api/v1/dues): the same rules as the pages, scoped lists, fixed query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.dues.models import DuesPayment
from tests.dues.helpers import add_member, add_months, current_month, declare, last_due_month, pay, pay_until


def _post(client, name: str, data: dict):
    return client.post(reverse(f"api:{name}"), data, content_type="application/json")


def test_payment_created_through_the_api_follows_the_rules(client, world, secretary_a):
    member = add_member(world.branch_a1, "马党员")
    declare(member)
    client.force_login(secretary_a)
    month = current_month()
    data = {
        "member_id": member.pk,
        "month": str(month.replace(day=9)),
        "amount_paid": "45",
        "method": "alipay",
    }

    created = _post(client, "dues_payment_create", data)
    duplicate = _post(client, "dues_payment_create", data)

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["month"] == str(month) and Decimal(body["amount_due"]) == Decimal("40.00")
    assert duplicate.status_code == 400 and "已经登记" in duplicate.json()["detail"]
    assert DuesPayment.objects.filter(member=member).count() == 1


def test_declaration_created_through_the_api_computes_the_amount(client, world, secretary_a):
    member = add_member(world.branch_a1)
    client.force_login(secretary_a)

    response = _post(
        client,
        "dues_declaration_create",
        {"member_id": member.pk, "year": current_month().year, "category": "employed", "base": "12000"},
    )

    assert response.status_code == 201
    assert Decimal(response.json()["monthly_amount"]) == Decimal("240.00")


def test_member_of_another_community_is_not_found(client, world, secretary_a):
    member = add_member(world.branch_b1)
    client.force_login(secretary_a)
    response = _post(
        client,
        "dues_payment_create",
        {"member_id": member.pk, "month": str(current_month()), "amount_paid": "45", "method": "cash"},
    )
    assert response.status_code == 404


def test_lists_show_only_the_callers_scope(client, world, secretary_a):
    mine, theirs = add_member(world.branch_a1, "本社区"), add_member(world.branch_b1, "外社区")
    for member in (mine, theirs):
        declare(member)
        pay(member, current_month())
    client.force_login(secretary_a)

    payments = client.get(reverse("api:dues_payment_list")).json()["items"]
    declarations = client.get(reverse("api:dues_declaration_list")).json()["items"]
    arrears = client.get(reverse("api:dues_arrears")).json()["items"]

    assert {row["member_name"] for row in payments} == {"本社区"}
    assert {row["member_name"] for row in declarations} == {"本社区"}
    assert {row["member_name"] for row in arrears} == {"本社区"}  # last month unpaid


def test_sheet_data_matches_the_page(client, world, secretary_a):
    member = add_member(world.branch_a1, "杨党员")
    declare(member)
    pay_until(member, add_months(last_due_month(), -6), months=18)
    client.force_login(secretary_a)

    response = client.get(reverse("api:dues_sheet", kwargs={"org_id": world.branch_a1.pk}))

    assert response.status_code == 200
    (row,) = response.json()["rows"]
    assert row["member_name"] == "杨党员" and Decimal(row["amount_due"]) == Decimal("40.00")
    assert row["arrears_months"] == 6 and row["unpaid_in_a_row"] == 6
    six = client.get(reverse("api:dues_arrears"), {"six_months": "true"}).json()["items"]
    assert [item["member_name"] for item in six] == ["杨党员"]


def _count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


def _members(org, start: int, stop: int) -> None:
    for index in range(start, stop):
        member = add_member(org, f"成员{index}")
        declare(member)
        pay(member, current_month())
        if index % 2:
            pay(member, last_due_month())


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("dues_payment_list", False),
        ("dues_declaration_list", False),
        ("dues_arrears", False),
        ("dues_sheet", True),
    ],
)
def test_api_lists_cost_the_same_number_of_queries_for_3_and_30_members(
    client, world, secretary_a, name, kwargs
):
    client.force_login(secretary_a)
    url = reverse(f"api:{name}", kwargs={"org_id": world.branch_a1.pk} if kwargs else None)
    _members(world.branch_a1, 0, 3)
    with_three = _count(client, url)
    _members(world.branch_a1, 3, 30)
    assert _count(client, url) == with_three
