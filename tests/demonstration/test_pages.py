"""示范点 pages: an application end to end through the forms, the public list on the portal, the
figure against its records, the organization panel, fixed query counts and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.demonstration.choices import ApplicationState, DesignationState
from dangjian.demonstration.models import Application, Designation, EvidenceFile
from tests.demonstration.helpers import PNG, application, designation, district_set, other_district, today
from tests.factories import add_org


def _ok(response, status: int = 302):
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def test_an_application_runs_end_to_end_through_the_pages(client, world, secretary_a, district_admin):
    standards = district_set(world)
    client.force_login(secretary_a)
    created = _ok(
        client.post(
            reverse("demonstration:application_create"),
            {"org": world.org_a.pk, "standard_set": standards.pk, "summary": "申报县级示范点"},
        )
    )
    made = Application.objects.get()
    assert created["Location"] == reverse("demonstration:application_detail", args=[made.pk])
    detail = client.get(created["Location"]).content.decode()
    assert "组织建设好" in detail and "草稿" in detail

    for number, row in enumerate(made.evidence.order_by("item__number"), start=1):
        data = {"text": f"第{number}项台账", "version": row.version}
        if number == 1:
            data["file"] = SimpleUploadedFile("支部活动.png", PNG, content_type="image/png")
        _ok(client.post(reverse("demonstration:evidence_edit", args=[row.pk]), data))
    stored = EvidenceFile.objects.get()
    download = client.get(reverse("demonstration:evidence_file", args=[stored.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PNG
    _ok(client.post(reverse("demonstration:application_submit", args=[made.pk])))
    made.refresh_from_db()
    assert made.state == ApplicationState.SUBMITTED
    # The secretary cannot review her own organization's application.
    assert client.get(reverse("demonstration:application_decide", args=[made.pk])).status_code == 403

    client.force_login(district_admin)
    _ok(client.post(reverse("demonstration:application_start_review", args=[made.pk])))
    for row in made.evidence.all():
        _ok(client.post(reverse("demonstration:evidence_review", args=[row.pk]), {"result": "met"}))
    _ok(
        client.post(
            reverse("demonstration:application_decide", args=[made.pk]),
            {"decision": "designate", "since": today().isoformat(), "version": 3},
        )
    )
    point = Designation.objects.get()
    assert point.org == world.org_a and point.is_active

    items = list(standards.items.order_by("number"))
    warn = {
        "checked_on": today().isoformat(),
        "outcome": "warn",
        "rectify_working_days": 5,
        "note": "阵地待整改",
    }
    warn.update({f"met_{item.pk}": "on" for item in items[1:]})
    _ok(client.post(reverse("demonstration:recheck_create", args=[point.pk]), warn))
    point.refresh_from_db()
    assert point.is_active and point.rectify_by is not None
    revoke = {**warn, "outcome": "revoke", "note": "整改不到位", "version": point.version}
    _ok(client.post(reverse("demonstration:recheck_create", args=[point.pk]), revoke))
    point.refresh_from_db()
    assert point.state == DesignationState.REVOKED
    page = client.get(reverse("demonstration:designation_detail", args=[point.pk])).content.decode()
    assert "已撤销" in page and "整改不到位" in page
    assert (
        AuditEntry.objects.filter(object_type="demonstration.designation").count() == 3
    )  # made, warned, revoked


def test_a_refused_step_says_why_in_chinese_and_changes_nothing(client, world, secretary_a, district_admin):
    made = application(world, world.org_a, evidence=False)
    client.force_login(secretary_a)
    response = client.post(reverse("demonstration:application_submit", args=[made.pk]), follow=True)
    errors = [message.message for message in response.context["messages"] if message.level_tag == "error"]
    assert len(errors) == 1 and "组织建设好" in errors[0] and errors[0] in response.content.decode()
    made.refresh_from_db()
    assert made.state == ApplicationState.DRAFT

    reviewing = application(world, world.org_b, state=ApplicationState.UNDER_REVIEW)
    client.force_login(district_admin)
    response = client.post(
        reverse("demonstration:application_decide", args=[reviewing.pk]),
        {"decision": "designate", "version": 1},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(
        reverse("demonstration:application_decide", args=[reviewing.pk]), {"decision": "reject", "version": 1}
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not Designation.objects.exists()


def test_a_stale_evidence_edit_is_refused(client, world, secretary_a):
    made = application(world, world.org_a)
    row = made.evidence.first()
    client.force_login(secretary_a)
    _ok(client.post(reverse("demonstration:evidence_edit", args=[row.pk]), {"text": "第一次", "version": 1}))
    response = client.post(
        reverse("demonstration:evidence_edit", args=[row.pk]), {"text": "过时", "version": 1}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    row.refresh_from_db()
    assert row.text == "第一次"


def test_the_portal_lists_only_active_points_without_personal_data(client, world):
    world.org_a.phone = "13812345678"
    world.org_a.address = "幸福路1号"
    world.org_a.save()
    active = designation(world, world.org_a)
    revoked = designation(world, world.org_b, state=DesignationState.REVOKED, ended_on=today())
    city = designation(world, world.branch_a1, level="city", since_days=800)
    response = client.get(reverse("demonstration:public_list"))
    assert response.status_code == 200
    body = response.content.decode()
    shown = {row.pk for row in response.context["page"]}
    assert shown == {active.pk, city.pk} and revoked.pk not in shown
    assert world.org_a.name in body and "十大标准" in body and "县级" in body
    assert world.org_b.name not in body
    assert "13812345678" not in body and "幸福路1号" not in body
    assert {
        row.pk for row in client.get(reverse("demonstration:public_list"), {"level": "city"}).context["page"]
    } == {city.pk}
    by_year = client.get(reverse("demonstration:public_list"), {"year": city.since.year}).context["page"]
    assert city.pk in {row.pk for row in by_year}
    api = client.get("/api/v1/demonstration/public").json()
    assert {row["org_name"] for row in api["items"]} == {world.org_a.name, world.branch_a1.name}
    assert set(api["items"][0]) == {"org_name", "level", "level_label", "since", "standard_set"}


def test_the_portal_home_offers_the_list(client, world):
    response = client.get(reverse("portal:index"))
    assert reverse("demonstration:public_list") in response.content.decode()


def test_the_figure_equals_a_recomputation_from_records_and_opens_them(client, world, secretary_a):
    period = Period.year(today().year - 1)
    end = period.last_day
    in_force = designation(world, world.org_a, since_days=(today() - end).days + 10)
    branch = designation(world, world.branch_a1, since_days=(today() - end).days + 5)
    # Ended after the period: still in force at its end.
    designation(
        world,
        world.branch_b1,
        since_days=(today() - end).days + 20,
        state=DesignationState.REVOKED,
        ended_on=end + datetime.timedelta(days=1),
    )
    # Ended on the period's last day, or designated after it: not counted.
    designation(world, world.org_b, since_days=(today() - end).days + 30, state="expired", ended_on=end)
    later = add_org(world.org_a, "幸福社区第二网格党支部", "B0003", "branch")
    designation(world, later, since_days=(today() - end).days - 1)

    figure = get_figure("demonstration.designated")
    by_hand = sum(
        1
        for row in Designation.objects.select_related("org")
        if row.org.path.startswith(world.district_org.path)
        and row.since <= end
        and (row.ended_on is None or row.ended_on > end)
    )
    assert figure.compute(world.district_org, period) == by_hand == 3
    assert figure.compute(world.org_a, period) == 2

    client.force_login(secretary_a)
    listed = client.get(figure.records_url(world.org_a, period))
    assert listed.status_code == 200
    assert {row.pk for row in listed.context["page"]} == {in_force.pk, branch.pk}


def test_the_org_page_shows_its_designations(client, world, secretary_a):
    designation(world, world.org_a)
    client.force_login(secretary_a)
    page = client.get(reverse("orgs:org_detail", args=[world.org_a.pk])).content.decode()
    assert 'data-panel="demonstration"' in page and "县级" in page


def _same_cost(client, url: str, grow) -> None:
    def count_with(total: int) -> int:
        grow(total)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


def _grow_designations(world):
    def grow(total: int) -> None:
        while Designation.objects.count() < total:
            number = Designation.objects.count()
            org = add_org(world.org_a, f"第{number}党支部", f"X{number:04d}", "branch")
            designation(world, org)

    return grow


def _grow_applications(world):
    def grow(total: int) -> None:
        while Application.objects.count() < total:
            number = Application.objects.count()
            org = add_org(world.org_a, f"申报支部{number}", f"Y{number:04d}", "branch")
            application(world, org)

    return grow


@pytest.mark.parametrize("name", ["demonstration:designation_list", "demonstration:public_list"])
def test_the_designation_lists_cost_the_same_for_3_and_30_rows(client, world, district_admin, name):
    client.force_login(district_admin)
    _same_cost(client, reverse(name), _grow_designations(world))


def test_the_application_list_costs_the_same_for_3_and_30_rows(client, world, district_admin):
    client.force_login(district_admin)
    _same_cost(client, reverse("demonstration:application_list"), _grow_applications(world))


def test_the_application_page_costs_the_same_for_3_and_30_items(client, world, district_admin):
    from tests.demonstration.helpers import standard_set

    client.force_login(district_admin)

    def page_queries(items: int) -> int:
        made = application(
            world,
            add_org(world.org_a, f"支部{items}", f"Z{items:04d}", "branch"),
            set_=standard_set(world.district_org, items=items),
        )
        url = reverse("demonstration:application_detail", args=[made.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert page_queries(3) == page_queries(30)


def test_the_set_list_costs_the_same_for_3_and_30_sets(client, world, district_admin):
    from dangjian.demonstration.models import StandardSet
    from tests.demonstration.helpers import standard_set

    client.force_login(district_admin)

    def grow(total: int) -> None:
        while StandardSet.objects.count() < total:
            standard_set(world.district_org, year=2000 + StandardSet.objects.count())

    _same_cost(client, reverse("demonstration:set_list"), grow)


@pytest.mark.parametrize(
    "query",
    [
        {"year": "9999"},
        {"year": "abc"},
        {"level": "galaxy"},
        {"state": "<script>"},
        {"org": "99999999999999999999"},
        {"org": "-1"},
        {"at": "2026-13-45"},
        {"page": "999999"},
    ],
)
def test_bad_filters_never_fail_with_500(client, world, district_admin, query):
    client.force_login(district_admin)
    for name in [
        "demonstration:designation_list",
        "demonstration:application_list",
        "demonstration:set_list",
    ]:
        assert client.get(reverse(name), query).status_code in (200, 404)
    assert client.get(reverse("demonstration:public_list"), query).status_code == 200


def test_bad_ids_and_values_answer_4xx(client, world, district_admin, secretary_a):
    client.force_login(district_admin)
    huge = 2**63
    assert client.get(f"/demonstration/points/{huge}/").status_code == 404
    assert client.get(f"/demonstration/applications/{huge}/").status_code == 404
    assert client.get("/api/v1/demonstration/designations/99999999999999999999").status_code == 404
    response = client.post(
        reverse("demonstration:set_create"),
        {"org": world.district_org.pk, "level": "county", "name": "十大标准", "year": 9999},
    )
    assert response.status_code == 200 and "year" in response.context["form"].errors
    point = designation(world, world.org_a)
    response = client.post(
        reverse("demonstration:recheck_create", args=[point.pk]),
        {"checked_on": "9999-01-01", "outcome": "keep"},
    )
    assert response.status_code == 200 and "checked_on" in response.context["form"].errors
    api = client.post(
        f"/api/v1/demonstration/designations/{point.pk}/rechecks",
        {"outcome": "keep", "results": [{"item_id": huge, "met": True}]},
        content_type="application/json",
    )
    assert 400 <= api.status_code < 500
    client.force_login(secretary_a)
    api = client.post(
        "/api/v1/demonstration/applications",
        {"org_id": world.org_a.pk, "standard_set_id": None},
        content_type="application/json",
    )
    assert 400 <= api.status_code < 500
    other = other_district(world)
    api = client.post(
        "/api/v1/demonstration/applications",
        {"org_id": other.pk, "standard_set_id": district_set(world).pk},
        content_type="application/json",
    )
    assert api.status_code == 404
