"""The pages people use: the organizer's activity with its QR code and hours to confirm, the phone
check-in and check-out, my hours, points and 证明 (with the PDF download audited), the 我的 cards,
the portal's list, the figures and the 工作台 to-dos — at a fixed number of queries."""

from __future__ import annotations

import datetime
import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from dangjian.activities.choices import ActivityState
from dangjian.activities.models import Certificate, HoursRecord
from dangjian.activities.services import ledger
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure, todos_for
from dangjian.dual_reporting.models import ServiceLog
from tests.activities.helpers import activity_a, activity_in, record_at, signed_up, volunteer
from tests.dual_reporting.helpers import member_login, report_in_a


def test_the_organizer_sees_the_qr_code_while_check_in_is_open(client, secretary_a, world):
    activity = activity_a(world)
    client.force_login(secretary_a)
    page = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert "<svg" in page
    assert activity.check_in_token in page


def test_no_qr_code_before_the_window(client, secretary_a, world):
    activity = activity_in(world.org_a, world.community_a, starts_in_hours=48)
    client.force_login(secretary_a)
    page = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert activity.check_in_token not in page


def test_a_volunteer_checks_in_and_out_by_the_qr_link_and_the_organizer_confirms(client, secretary_a, world):
    activity = activity_a(world)
    user = volunteer()
    signed_up(activity, user.person)
    url = reverse("activities:checkin", args=[activity.pk, activity.check_in_token])
    client.force_login(user)
    assert client.post(url, {"action": "in"}).status_code == 302
    assert client.post(url, {"action": "out"}).status_code == 302
    assert "checked-out" in client.get(url).content.decode()
    row = activity.signups.get()
    assert row.checked_in_at and row.checked_out_at
    client.force_login(secretary_a)
    client.post(reverse("activities:signup_confirm", args=[row.pk]), {"hours": "2.5", "version": row.version})
    assert HoursRecord.objects.get(signup=row).hours == Decimal("2.5")
    client.force_login(user)
    hours_page = client.get(reverse("activities:my_hours")).content.decode()
    assert "2.5" in hours_page
    points_page = client.get(reverse("activities:my_points")).content.decode()
    assert 'id="points-balance">25<' in points_page


def test_a_wrong_token_shows_nothing_of_the_activity(client, world):
    activity = activity_a(world)
    client.force_login(volunteer())
    response = client.get(reverse("activities:checkin", args=[activity.pk, "guess"]))
    assert response.status_code == 404
    assert activity.title not in response.content.decode()


def test_my_certificate_pdf_is_mine_and_each_download_is_audited(client, secretary_a, world):
    user = volunteer()
    record_at(world.org_a, user.person, hours=3, content="清扫楼道")
    certificate = ledger.issue_certificate(
        ledger.request_certificate(by=user, org=world.org_a), by=secretary_a
    )
    client.force_login(user)
    response = client.get(reverse("activities:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.EXPORT, object_type="activities.certificate", object_id=str(certificate.pk)
        ).count()
        == 1
    )
    client.force_login(volunteer("other", "李别人"))
    assert client.get(reverse("activities:certificate_pdf", args=[certificate.pk])).status_code == 404


def test_the_certificate_shows_the_masked_id_number_at_most(world, secretary_a):
    from django.template.loader import render_to_string

    user = volunteer()
    user.person.id_number_masked = "110***********123X"
    record_at(world.org_a, user.person)
    certificate = ledger.issue_certificate(
        ledger.request_certificate(by=user, org=world.org_a), by=secretary_a
    )
    html = render_to_string(
        "activities/pdf/certificate.html", {"certificate": certificate, "person": user.person}
    )
    assert "110***********123X" in html
    assert certificate.number in html and "助老服务" in html


def test_a_members_mine_page_shows_the_activities_cards_with_dual_reporting_hours(client, world, secretary_a):
    from dangjian.dual_reporting import services as dual_services

    report = report_in_a(world)
    log = ServiceLog.objects.create(
        report=report, served_on=timezone.localdate(), hours=3, description="清扫楼道"
    )
    dual_services.confirm_log(log, by=secretary_a)
    client.force_login(member_login(report.member, "member_b"))
    page = client.get(reverse("mine:index")).content.decode()
    assert 'data-mine-section="activities.hours"' in page
    assert re.search(r'data-figure="volunteer-hours-year">3(\.0)?<', page)
    assert 'data-mine-section="activities.points"' in page


def test_the_portal_lists_public_open_activities_only(client, world):
    activity_in(world.org_a, world.community_a, title="公开的", starts_in_hours=24, is_public=True)
    activity_in(world.org_a, world.community_a, title="内部的", starts_in_hours=24)
    activity_in(
        world.org_a,
        world.community_a,
        title="草稿的",
        starts_in_hours=24,
        is_public=True,
        state=ActivityState.DRAFT,
    )
    page = client.get(reverse("activities:public_list")).content.decode()
    assert "公开的" in page and "内部的" not in page and "草稿的" not in page


def test_the_figures_count_the_ledger_and_open_its_records(world):
    person = volunteer().person
    record_at(world.org_a, person, hours=2)
    record_at(world.org_b, person, hours=5)
    period = Period.year(timezone.localdate().year)
    figure = get_figure("activities.hours")
    assert figure.compute(world.org_a, period) == Decimal("2")
    assert figure.compute(world.street_org, period) == Decimal("7")
    assert "org=" in figure.records_url(world.org_a, period)
    finished = activity_in(world.org_a, world.community_a, starts_in_hours=-5, state=ActivityState.FINISHED)
    assert finished and get_figure("activities.activities_held").compute(world.org_a, period) == 1
    assert get_figure("activities.hours_per_member").compute(world.org_a, period) is None


def test_the_workbench_lists_hours_to_confirm_and_certificates_to_issue(world, secretary_a):
    activity = activity_a(world)
    signed_up(activity, volunteer().person, checked_in_at=activity.starts_at)
    user = volunteer("v2", "乙")
    record_at(world.org_a, user.person)
    ledger.request_certificate(by=user, org=world.org_a)
    counts = {item.key: item.count for item in todos_for(secretary_a)}
    assert counts["activities.hours_to_confirm"] == 1
    assert counts["activities.certificates_to_issue"] == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_the_hours_ledger_costs_the_same_for_3_rows_and_30(
    client, secretary_a, world, rows, django_assert_max_num_queries
):
    person = volunteer().person
    for _ in range(rows):
        record_at(world.org_a, person)
    client.force_login(secretary_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("activities:hours_list")).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_the_activity_list_costs_the_same_for_3_rows_and_30(
    client, secretary_a, world, rows, django_assert_max_num_queries
):
    for index in range(rows):
        activity_in(world.org_a, world.community_a, title=f"活动{index}")
    client.force_login(secretary_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("activities:activity_list")).status_code == 200


def test_the_migration_back_fills_confirmed_dual_reporting_logs_once(world):
    report = report_in_a(world)
    confirmed = ServiceLog.objects.create(
        report=report,
        served_on=timezone.localdate() - datetime.timedelta(days=9),
        hours=2,
        description="课业辅导",
        confirmed_at=timezone.now(),
    )
    ServiceLog.objects.create(report=report, served_on=timezone.localdate(), hours=1, description="未确认")
    migration = importlib.import_module("dangjian.activities.migrations.0003_hours_from_dual_reporting")
    migration.forwards(apps, None)
    migration.forwards(apps, None)
    records = HoursRecord.objects.all()
    assert [record.service_log_id for record in records] == [confirmed.pk]
    assert records[0].org == world.org_a


def test_an_issued_certificate_is_not_changed_by_a_later_correction(world, secretary_a):
    user = volunteer()
    original = record_at(world.org_a, user.person, hours=3)
    issued = ledger.issue_certificate(ledger.request_certificate(by=user, org=world.org_a), by=secretary_a)
    ledger.correct_hours(original, by=secretary_a, hours="1", reason="更正")
    assert Certificate.objects.get(pk=issued.pk).total_hours == Decimal("3.0")


def test_staff_find_a_person_and_enter_hours(client, secretary_a, world):
    from tests.activities.routes import person_in_a

    person = person_in_a(world)
    client.force_login(secretary_a)
    page = client.get(reverse("activities:hours_create"), {"q": "居住甲"}).content.decode()
    assert f'value="{person.pk}"' in page
    response = client.post(
        reverse("activities:hours_create"),
        {
            "person": person.pk,
            "org": world.org_a.pk,
            "served_on": timezone.localdate().isoformat(),
            "content": "助残",
            "hours": "1.5",
        },
    )
    assert response.status_code == 302
    assert HoursRecord.objects.get(person=person).hours == Decimal("1.5")


def test_staff_cannot_enter_hours_for_someone_they_do_not_see(client, secretary_a, world):
    stranger = volunteer("stranger", "陌生人").person
    client.force_login(secretary_a)
    client.post(
        reverse("activities:hours_create"),
        {
            "person": stranger.pk,
            "org": world.org_a.pk,
            "served_on": timezone.localdate().isoformat(),
            "content": "x",
            "hours": "1",
        },
    )
    assert not HoursRecord.objects.exists()


def test_the_workbench_card_shows_this_years_volunteer_figures(client, secretary_a, world):
    record_at(world.org_a, volunteer().person, hours=4)
    client.force_login(secretary_a)
    page = client.get(reverse("home")).content.decode()
    assert 'data-card="activities-service"' in page
    assert 'data-figure="activities.hours"' in page


def test_staff_add_an_item_to_the_catalogue_and_see_it(client, secretary_a, world):
    client.force_login(secretary_a)
    response = client.post(
        reverse("activities:reward_create"),
        {"org": world.org_a.pk, "area": world.community_a.pk, "name": "理发服务券", "cost": 50, "stock": 10},
    )
    assert response.status_code == 302
    assert "理发服务券" in client.get(reverse("activities:reward_list")).content.decode()
    assert AuditEntry.objects.filter(object_type="activities.rewarditem").exists()
