"""Admins enter next year's holidays themselves, and every deadline follows at once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dangjian.core import workdays
from dangjian.core.choices import AuditAction, CalendarDayKind
from dangjian.core.errors import PermissionDenied
from dangjian.core.models import AuditEntry, CalendarDay, CalendarYear
from dangjian.core.workdays import CalendarNotEnteredWarning, enter_calendar_year, is_working_day
from tests.factories import UserFactory

D = datetime.date
ENTER_URL = "admin:core_calendaryear_enter"

HOLIDAYS_2027 = """
2027-01-01..2027-01-03 元旦
2027-02-06..2027-02-14 春节
2027-04-05 清明节
2027-05-01..2027-05-05 劳动节
2027-06-09 端午节
2027-09-15 中秋节
2027-10-01..2027-10-07 国庆节
"""
WORKDAYS_2027 = """
2027-02-20 春节
2027-09-26 国庆节
"""


@pytest.fixture(autouse=True)
def fresh_default_calendar():
    workdays.reset_default_calendar()
    yield
    workdays.reset_default_calendar()


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def post_year(client, *, year=2027, holidays=HOLIDAYS_2027, workdays_text=WORKDAYS_2027, source=""):
    return client.post(
        reverse(ENTER_URL),
        {"year": year, "source": source, "holidays": holidays, "workdays": workdays_text},
    )


def test_entering_2027_in_the_admin_changes_working_days_without_a_restart(admin_client):
    with pytest.warns(CalendarNotEnteredWarning, match="2027"):
        assert is_working_day(D(2027, 2, 8)) is True  # a Monday, before the notice is entered
    assert is_working_day(D(2027, 2, 20)) is False  # a Saturday

    response = post_year(admin_client, source="国务院办公厅通知（2026年11月）")

    assert response.status_code == 302
    assert response.url == reverse("admin:core_calendaryear_changelist")
    assert is_working_day(D(2027, 2, 8)) is False  # 春节
    assert is_working_day(D(2027, 2, 20)) is True  # 调休上班
    assert workdays.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 15)
    calendar_year = CalendarYear.objects.get(year=2027)
    assert calendar_year.source == "国务院办公厅通知（2026年11月）"
    assert CalendarDay.objects.filter(date__year=2027, kind=CalendarDayKind.HOLIDAY).count() == 27
    assert CalendarDay.objects.get(date=D(2027, 2, 10)).name == "春节"
    assert 2027 not in workdays.missing_calendar_years(D(2026, 11, 24))


def test_entering_a_year_is_audited_with_every_day(admin_client, admin):
    post_year(admin_client)
    entry = AuditEntry.objects.get(object_type="core.calendaryear")
    assert entry.action == AuditAction.CREATE
    assert entry.username == "admin"
    assert entry.changes["2027-02-20"] == [None, ["workday", "春节"]]
    assert entry.changes["2027-10-07"] == [None, ["holiday", "国庆节"]]


def test_a_bad_line_is_refused_in_chinese_and_nothing_is_saved(admin_client):
    holidays = HOLIDAYS_2027 + "明年元旦放假\n2027-02-30 春节\n"
    response = post_year(admin_client, holidays=holidays)

    assert response.status_code == 200
    content = response.content.decode()
    assert "第 9 行“明年元旦放假”无法识别" in content
    assert "2027-02-30 春节”中的日期不存在" in content
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.parametrize(
    ("holidays", "workdays_text", "message"),
    [
        ("2026-12-31 元旦", "", "不在 2027 年内"),
        ("2027-02-06..2027-02-14 春节", "2027-02-13 春节", "既录为放假又录为调休上班"),
        ("2027-02-06..2027-02-14 春节", "2027-02-17 春节", "调休上班日只能是周六或周日"),
        ("2027-02-14..2027-02-06 春节", "", "结束日期早于开始日期"),
    ],
)
def test_inconsistent_days_are_refused_with_a_specific_message(
    admin_client, holidays, workdays_text, message
):
    response = post_year(admin_client, holidays=holidays, workdays_text=workdays_text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_re_entering_a_year_replaces_its_days(admin_client):
    post_year(admin_client)
    post_year(admin_client, holidays="2027-01-01 元旦", workdays_text="")
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert is_working_day(D(2027, 2, 8)) is True
    assert AuditEntry.objects.filter(object_type="core.calendaryear", action=AuditAction.UPDATE).count() == 1


def test_form_for_an_entered_year_starts_from_its_stored_days(admin_client):
    response = admin_client.get(reverse(ENTER_URL) + "?year=2026")
    content = response.content.decode()
    assert "2026-02-15..2026-02-23 春节" in content
    assert "2026-10-10 国庆节" in content


def test_staff_without_calendar_permission_cannot_enter_a_year(client, db):
    clerk = UserFactory(username="clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse(ENTER_URL)).status_code == 403
    assert post_year(client).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(PermissionDenied):
        enter_calendar_year(2027, holidays={D(2027, 1, 1): "元旦"}, workdays={}, by=clerk)


def test_changing_a_day_in_the_years_inline_is_audited_and_applies_at_once(admin_client):
    calendar_year = CalendarYear.objects.get(year=2026)
    url = reverse("admin:core_calendaryear_change", args=[calendar_year.pk])
    page = admin_client.get(url)
    formset = page.context["inline_admin_formsets"][0].formset
    data = {
        "source": calendar_year.source,
        "calendar_days-TOTAL_FORMS": str(len(formset.forms) + 1),
        "calendar_days-INITIAL_FORMS": str(len(formset.forms)),
        "calendar_days-MIN_NUM_FORMS": "0",
        "calendar_days-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(formset.forms):
        data[f"calendar_days-{index}-id"] = str(form.instance.pk)
        data[f"calendar_days-{index}-date"] = form.instance.date.isoformat()
        data[f"calendar_days-{index}-kind"] = form.instance.kind
        data[f"calendar_days-{index}-name"] = form.instance.name
    new = len(formset.forms)
    assert is_working_day(D(2026, 12, 31)) is True
    data |= {
        f"calendar_days-{new}-date": "2026-12-31",
        f"calendar_days-{new}-kind": CalendarDayKind.HOLIDAY,
        f"calendar_days-{new}-name": "跨年",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert is_working_day(D(2026, 12, 31)) is False
    entry = AuditEntry.objects.get(object_type="core.calendaryear", action=AuditAction.UPDATE)
    assert entry.changes == {"2026-12-31": [None, ["holiday", "跨年"]]}


def test_the_years_inline_refuses_a_day_of_another_year_and_a_weekday_make_up_day(admin_client):
    calendar_year = CalendarYear.objects.get(year=2026)
    url = reverse("admin:core_calendaryear_change", args=[calendar_year.pk])
    data = {
        "source": calendar_year.source,
        "calendar_days-TOTAL_FORMS": "2",
        "calendar_days-INITIAL_FORMS": "0",
        "calendar_days-MIN_NUM_FORMS": "0",
        "calendar_days-MAX_NUM_FORMS": "1000",
        "calendar_days-0-date": "2027-01-01",
        "calendar_days-0-kind": CalendarDayKind.HOLIDAY,
        "calendar_days-1-date": "2026-12-30",
        "calendar_days-1-kind": CalendarDayKind.WORKDAY,
    }
    response = admin_client.post(url, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "2027-01-01 不在 2026 年内" in content
    assert "2026-12-30 是星期三，本来就是工作日" in content
    assert not CalendarDay.objects.filter(date__in=[D(2027, 1, 1), D(2026, 12, 30)]).exists()


def test_the_inline_lists_only_the_days_of_its_year(admin_client):
    calendar_year = CalendarYear.objects.get(year=2025)
    page = admin_client.get(reverse("admin:core_calendaryear_change", args=[calendar_year.pk]))
    formset = page.context["inline_admin_formsets"][0].formset
    assert formset.forms
    assert {form.instance.date.year for form in formset.forms} == {2025}


def test_changelist_warns_about_a_year_not_entered(admin_client, monkeypatch):
    monkeypatch.setattr("dangjian.core.admin.missing_calendar_years", lambda: [2027])
    response = admin_client.get(reverse("admin:core_calendaryear_changelist"))
    content = response.content.decode()
    assert "2027 年的节假日安排尚未录入" in content
    assert reverse(ENTER_URL) in content


def test_deleting_a_year_removes_its_days_and_falls_back(admin_client):
    calendar_year = CalendarYear.objects.get(year=2026)
    response = admin_client.post(
        reverse("admin:core_calendaryear_delete", args=[calendar_year.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date__year=2026).exists()
    with pytest.warns(CalendarNotEnteredWarning):
        assert is_working_day(D(2026, 2, 16)) is True  # no 春节 without the notice
    entry = AuditEntry.objects.get(object_type="core.calendaryear", action=AuditAction.DELETE)
    assert entry.changes["2026-10-10"] == [["workday", "国庆节"], None]


def test_adding_a_year_goes_to_the_whole_year_form_so_no_year_is_saved_without_its_days(admin_client):
    response = admin_client.get(reverse("admin:core_calendaryear_add"))
    assert response.status_code == 302
    assert response.url == reverse(ENTER_URL)
