"""The monthly sheet of a branch (page, Excel export), the declarations page, the arrears list,
the six-month notices and the member history section."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry, Notification
from dangjian.dues import services
from dangjian.dues.choices import DuesCategory, ReductionState
from dangjian.dues.ledger import behind, leaving
from dangjian.dues.models import DuesPayment
from dangjian.dues.notices import notify_six_month_arrears
from dangjian.dues.rules import monthly_dues
from dangjian.dues.sheet import sheet_members, sheet_rows
from dangjian.dues.tasks import six_month_arrears_notices
from dangjian.members.history import history_sections
from dangjian.members.models import PartyMember
from tests.dues.helpers import (
    add_member,
    add_months,
    current_month,
    declare,
    last_due_month,
    paid_up,
    pay,
    pay_until,
    waive,
)

CATEGORIES = [
    ("张在职", DuesCategory.EMPLOYED, "12000"),
    ("李退休", DuesCategory.RETIRED, "4800"),
    ("王学生", DuesCategory.STUDENT, "0"),
    ("赵下岗", DuesCategory.UNEMPLOYED, "0"),
    ("钱救济", DuesCategory.RELIEF, "0"),
    ("孙低保", DuesCategory.SUBSISTENCE, "0"),
]


def _sheet(client, org, month=None):
    month = month or current_month()
    return client.get(reverse("dues:sheet", kwargs={"org_pk": org.pk}), {"month": f"{month:%Y-%m}"})


def test_sheet_amounts_equal_monthly_dues_for_each_category_and_the_branch_farmer_amount(
    client, world, secretary_a
):
    services.set_farmer_amount(world.branch_a1, "0.70", by=secretary_a)
    expected = {}
    for name, category, base in CATEGORIES:
        member = add_member(world.branch_a1, name)
        services.declare_base(member, year=current_month().year, category=category, base=base, by=secretary_a)
        expected[name] = monthly_dues(category, Decimal(base))
    farmer = add_member(world.branch_a1, "周农民")
    services.declare_base(farmer, year=current_month().year, category=DuesCategory.FARMER, by=secretary_a)
    expected["周农民"] = Decimal("0.70")
    client.force_login(secretary_a)

    response = _sheet(client, world.branch_a1)

    assert response.status_code == 200
    rows = {row.member.person.name: row.due.amount for row in response.context["rows"]}
    assert rows == expected
    page = response.content.decode()
    assert "240.00" in page and "24.00" in page and "0.70" in page and "0.20" in page
    assert "党费收缴表" in page or "党费" in page


def test_sheet_shows_payments_and_records_one_inline(client, world, secretary_a):
    member = add_member(world.branch_a1, "吴党员")
    declare(member)
    client.force_login(secretary_a)
    month = current_month()
    sheet_url = reverse("dues:sheet", kwargs={"org_pk": world.branch_a1.pk}) + f"?month={month:%Y-%m}"

    response = client.post(
        reverse("dues:payment_create", kwargs={"member_pk": member.pk}),
        {
            "month": f"{month:%Y-%m}",
            "amount_paid": "50",
            "method": "cash",
            "paid_on": str(month),
            "receipt_number": "R-7",
            "next": sheet_url,
        },
    )

    assert response.status_code == 302 and response["Location"] == sheet_url
    payment = DuesPayment.objects.get(member=member, month=month)
    assert payment.amount_paid == Decimal("50.00") and payment.recorded_by == secretary_a
    page = client.get(sheet_url).content.decode()
    assert "R-7" in page and "50.00" in page


def test_a_refused_payment_shows_the_rule_on_the_form(client, world, secretary_a):
    member = add_member(world.branch_a1)
    declare(member)
    client.force_login(secretary_a)
    month = current_month()
    url = reverse("dues:payment_create", kwargs={"member_pk": member.pk})
    data = {"month": f"{month:%Y-%m}", "amount_paid": "1", "method": "cash", "paid_on": str(month)}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "中组发〔2008〕3号" in response.content.decode()
    assert not DuesPayment.objects.filter(member=member).exists()


def test_sheet_of_another_community_is_not_found(client, world, secretary_a):
    client.force_login(secretary_a)
    assert _sheet(client, world.branch_b1).status_code == 404
    assert client.get(reverse("dues:sheet_export", kwargs={"org_pk": world.branch_b1.pk})).status_code == 404


def test_excel_export_holds_every_member_of_the_sheet_and_is_audited(client, world, secretary_a):
    paid = add_member(world.branch_a1, "甲已交")
    declare(paid)
    pay(paid, current_month(), "40.00")
    unpaid = add_member(world.branch_a1, "乙未交")
    declare(unpaid, DuesCategory.RETIRED, "6000")
    client.force_login(secretary_a)
    month = current_month()

    response = client.get(
        reverse("dues:sheet_export", kwargs={"org_pk": world.branch_a1.pk}), {"month": f"{month:%Y-%m}"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = values[0]
    assert header[0] == "姓名"
    by_name = {row[0]: dict(zip(header, row, strict=False)) for row in values[1:]}
    assert set(by_name) == {"甲已交", "乙未交"}
    assert Decimal(str(by_name["甲已交"]["实交金额（元）"])) == Decimal("40")
    assert Decimal(str(by_name["乙未交"]["应交金额（元）"])) == Decimal("60")
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.changes["rows"] == 2 and entry.changes["filters"]["month"] == f"{month:%Y-%m}"


def test_months_in_arrears_are_counted_on_the_sheet(world, secretary_a):
    member = add_member(world.branch_a1)
    declare(member)
    pay_until(member, add_months(last_due_month(), -3), months=21)  # the last three months unpaid

    (row,) = sheet_rows(sheet_members(world.branch_a1), current_month())

    assert row.arrears == 3 and row.streak == 3 and not row.is_leaving


def test_an_approved_waiver_keeps_the_member_out_of_arrears(world):
    member = add_member(world.branch_a1)
    declare(member)
    last = last_due_month()
    pay_until(member, add_months(last, -7), months=17)
    reduction = waive(member, add_months(last, -6), last, state=ReductionState.REQUESTED)
    members = PartyMember.objects.filter(pk=member.pk)
    assert leaving(members).exists()  # a pending application excuses nothing

    reduction.state = ReductionState.APPROVED
    reduction.save()

    assert not behind(members).exists() and not leaving(members).exists()
    (row,) = sheet_rows(sheet_members(world.branch_a1), current_month())
    assert row.arrears == 0 and row.streak == 0


def test_six_months_in_a_row_are_flagged_and_the_branch_is_notified_once(world, secretary_a):
    six = add_member(world.branch_a1, "陈六月")
    declare(six)
    pay_until(six, add_months(last_due_month(), -6), months=18)
    five = add_member(world.branch_a1, "林五月")
    declare(five)
    pay_until(five, add_months(last_due_month(), -5), months=19)
    paid_up(add_member(world.branch_a1, "黄按时"))

    assert list(leaving(PartyMember.objects.all())) == [six]
    assert six_month_arrears_notices.call() == 1
    assert six_month_arrears_notices.call() == 0  # idempotent

    notice = Notification.objects.get(kind="dues_six_months")
    assert notice.org_path == world.branch_a1.path
    assert "陈六月" in notice.title and "党章" in notice.body and "自行脱党" in notice.body
    (row,) = [row for row in sheet_rows(sheet_members(world.branch_a1), current_month()) if row.member == six]
    assert row.is_leaving and row.streak == 6


def test_a_member_who_paid_up_and_stopped_again_brings_a_new_notice(world):
    member = add_member(world.branch_a1)
    declare(member)
    pay(member, add_months(last_due_month(), -8))
    assert notify_six_month_arrears() == 1
    pay_until(member, last_due_month(), months=8)
    assert notify_six_month_arrears() == 0

    seven_months_later = add_months(current_month(), 7).replace(day=5)

    assert notify_six_month_arrears(seven_months_later) == 1
    assert notify_six_month_arrears(seven_months_later) == 0
    assert Notification.objects.filter(kind="dues_six_months").count() == 2


def test_arrears_list_shows_the_subtree_and_the_six_month_filter(client, world, secretary_a):
    late = add_member(world.branch_a1, "郑欠缴")
    declare(late)
    pay_until(late, add_months(last_due_month(), -2), months=22)
    gone = add_member(world.branch_a1, "冯六月")
    declare(gone)
    paid_up(add_member(world.branch_a1, "褚按时"))
    add_member(world.branch_b1, "卫外社区")
    client.force_login(secretary_a)

    page = client.get(reverse("dues:arrears_list"), {"org": world.org_a.pk}).content.decode()
    six = client.get(reverse("dues:arrears_list"), {"org": world.org_a.pk, "six": "1"}).content.decode()

    assert "郑欠缴" in page and "冯六月" in page and "褚按时" not in page and "卫外社区" not in page
    assert "冯六月" in six and "郑欠缴" not in six and "自行脱党" in six


def test_declaration_list_marks_members_without_a_declaration(client, world, secretary_a):
    declare(add_member(world.branch_a1, "有申报"), DuesCategory.RETIRED, "3000")
    add_member(world.branch_a1, "无申报")
    client.force_login(secretary_a)
    url = reverse("dues:declaration_list", kwargs={"org_pk": world.branch_a1.pk})

    page = client.get(url).content.decode()
    missing = client.get(url, {"missing": "1"}).content.decode()

    assert "有申报" in page and "15.00" in page and "未申报" in page
    assert "无申报" in missing and "有申报" not in missing


def test_member_history_shows_the_dues_section(world, secretary_a, grid_worker_a):
    member = add_member(world.branch_a1)
    declare(member)
    pay_until(member, add_months(last_due_month(), -2), months=10)

    sections = {entry.key: section for entry, section in history_sections(member, secretary_a)}
    assert sections["dues"].context["dues_unpaid"][-1] == last_due_month()
    assert len(sections["dues"].context["dues_rows"]) == 12
    assert "dues" not in {entry.key for entry, _section in history_sections(member, grid_worker_a)}


# --- Query counts ------------------------------------------------------------------------------


def _queries(client, url: str, params: dict | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def _members(org, start: int, stop: int) -> None:
    for index in range(start, stop):
        member = add_member(org, f"成员{index}")
        declare(member)
        if index % 2:
            pay_until(member, last_due_month(), months=3)
        if index % 5 == 0:
            waive(member, current_month(), current_month())


@pytest.mark.parametrize(
    ("name", "kwargs", "params"),
    [
        ("dues:sheet", True, {}),
        ("dues:declaration_list", True, {}),
        ("dues:arrears_list", False, {}),
        ("dues:arrears_list", False, {"six": "1"}),
        ("dues:index", False, {}),
        ("dues:reduction_list", False, {}),
    ],
)
def test_pages_cost_the_same_number_of_queries_for_3_and_30_members(
    client, world, secretary_a, name, kwargs, params
):
    client.force_login(secretary_a)
    url = reverse(name, kwargs={"org_pk": world.branch_a1.pk} if kwargs else None)
    _members(world.branch_a1, 0, 3)
    with_three = _queries(client, url, params)
    _members(world.branch_a1, 3, 30)

    with_thirty = _queries(client, url, params)

    assert len(with_thirty) == len(with_three), with_thirty


def test_member_page_renders_the_dues_section(client, world, secretary_a):
    member = add_member(world.branch_a1, "秦党员")
    declare(member)
    pay(member, last_due_month(), "40.00")
    client.force_login(secretary_a)

    page = client.get(reverse("members:member_detail", kwargs={"pk": member.pk})).content.decode()

    assert "党费" in page and "40.00" in page and "未交" in page
