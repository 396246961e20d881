"""The audit page: read-only, only for holders of core.view_auditentry, scoped to their subtrees."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.orgs.choices import AreaKind, OrgKind
from tests.factories import add_area, add_org


@pytest.fixture
def other_district(world):
    area = add_area(None, "邻区", "110106", AreaKind.DISTRICT)
    org = add_org(None, "中共邻区委员会", "D0002", OrgKind.DISTRICT_COMMITTEE, jurisdiction=area)
    return org


@pytest.fixture
def lines(world, admin, other_district):
    """One audit line in 社区A, one in 社区B, one in the neighbouring district."""
    return {
        "a": audit.record(AuditAction.UPDATE, world.org_a, by=admin, changes={"name": ["旧名", "新名"]}),
        "b": audit.record(AuditAction.UPDATE, world.org_b, by=admin, changes={"phone": ["1", "2"]}),
        "other": audit.record(AuditAction.UPDATE, other_district, by=admin),
    }


def test_audit_page_is_forbidden_to_a_secretary(client, secretary_a, lines):
    client.force_login(secretary_a)
    assert client.get(reverse("core:audit_list")).status_code == 403
    assert client.get(reverse("core:audit_detail", args=[lines["a"].pk])).status_code == 403


def test_audit_page_is_forbidden_to_a_user_without_a_role(client, resident):
    client.force_login(resident)
    assert client.get(reverse("core:audit_list")).status_code == 403


def test_district_admin_sees_only_lines_within_the_district(client, district_admin, lines):
    client.force_login(district_admin)
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 200
    shown = {entry.pk for entry in response.context["page"]}
    assert shown == {lines["a"].pk, lines["b"].pk}


def test_district_admin_gets_404_for_a_line_outside_the_district(client, district_admin, lines):
    client.force_login(district_admin)
    assert client.get(reverse("core:audit_detail", args=[lines["other"].pk])).status_code == 404
    assert client.get(reverse("core:audit_detail", args=[lines["a"].pk])).status_code == 200


def test_system_admin_sees_every_line_including_sign_ins(client, admin, lines):
    client.force_login(admin)  # force_login fires user_logged_in: a sign-in line without a tree place
    response = client.get(reverse("core:audit_list"))
    actions = [entry.action for entry in response.context["page"]]
    assert AuditAction.LOGIN in actions
    assert len(actions) == 4


def test_detail_shows_each_changed_field_old_and_new(client, district_admin, lines):
    client.force_login(district_admin)
    page = client.get(reverse("core:audit_detail", args=[lines["a"].pk])).content.decode()
    assert "旧名" in page
    assert "新名" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": AuditAction.UPDATE}, {"a", "b"}),
        ({"q": "光明"}, {"b"}),
        ({"username": "adm"}, {"a", "b"}),
        ({"object_type": "orgs.organization"}, {"a", "b"}),
        ({"object_type": "orgs.area"}, set()),
    ],
)
def test_filters_narrow_the_lines(client, district_admin, lines, params, expected):
    client.force_login(district_admin)
    response = client.get(reverse("core:audit_list"), params)
    assert {entry.pk for entry in response.context["page"]} == {lines[key].pk for key in expected}


def test_date_filters_are_whole_days_inclusive(client, district_admin, lines):
    client.force_login(district_admin)
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    shown = client.get(reverse("core:audit_list"), {"date_from": today, "date_to": today}).context["page"]
    assert len(shown) == 2
    shown = client.get(reverse("core:audit_list"), {"date_from": tomorrow}).context["page"]
    assert len(shown) == 0


def test_the_audit_pages_offer_no_edit_or_delete(client, admin, lines):
    client.force_login(admin)
    url = reverse("core:audit_detail", args=[lines["a"].pk])
    assert client.post(url).status_code == 405
    assert client.post(reverse("core:audit_list")).status_code == 405
    page = client.get(url).content.decode()
    assert '<form method="post"' not in page.split('id="main"')[1]
    lines["a"].refresh_from_db()
    assert lines["a"].changes == {"name": ["旧名", "新名"]}


def test_audit_list_costs_the_same_queries_for_3_and_30_lines(client, district_admin, world, admin):
    client.force_login(district_admin)
    counts = []
    for total in (3, 30):
        while len(client.get(reverse("core:audit_list")).context["page"]) < total:
            audit.record(AuditAction.UPDATE, world.org_a, by=admin)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("core:audit_list"))
        assert len(response.context["page"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_audit_menu_entry_shows_only_to_audit_readers(client, district_admin, secretary_a):
    client.force_login(district_admin)
    assert reverse("core:audit_list") in client.get(reverse("home")).content.decode()
    client.force_login(secretary_a)
    assert reverse("core:audit_list") not in client.get(reverse("home")).content.decode()


def test_an_invalid_filter_shows_the_error_and_no_lines(client, district_admin, lines):
    client.force_login(district_admin)
    response = client.get(reverse("core:audit_list"), {"date_from": "not a date"})
    assert response.status_code == 200
    assert len(response.context["page"]) == 0
    assert response.context["filter"].form.errors["date_from"]
