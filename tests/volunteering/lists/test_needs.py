"""需求清单: recording (by staff, a grid worker, from a service request), editing with a stale
version refused, assigning by hand, taking back, marking met, closing — and the refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.volunteering.choices import NeedCategory, NeedSource, NeedState, VolunteerState
from dangjian.volunteering.lists import services
from dangjian.volunteering.models import Need
from tests.volunteering.lists.helpers import need_a, need_b, project_in, volunteer_in


def _audited(obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)))


def test_secretary_records_a_need_in_her_community(secretary_a, world):
    need = services.create_need(
        by=secretary_a,
        area=world.grid_a1,
        title="修理水龙头",
        category=NeedCategory.REPAIR,
        availability=0b111,
    )
    assert need.org == world.org_a  # the community's party organization records it
    assert need.source == NeedSource.STAFF and need.state == NeedState.OPEN
    assert [entry.action for entry in _audited(need)] == ["create"]


def test_a_need_outside_her_scope_is_refused(secretary_a, world):
    with pytest.raises(PermissionDenied):
        services.create_need(by=secretary_a, area=world.grid_b1, title="修门锁", category=NeedCategory.REPAIR)


def test_grid_worker_records_needs_in_their_grid_only(grid_worker_a, world):
    need = services.create_need(
        by=grid_worker_a,
        area=world.grid_a1,
        title="楼道清扫",
        category=NeedCategory.CLEANING,
        source=services.need_source_for(grid_worker_a),
    )
    assert need.source == NeedSource.GRID_WORKER
    with pytest.raises(PermissionDenied):
        services.create_need(
            by=grid_worker_a, area=world.grid_a2, title="楼道清扫", category=NeedCategory.CLEANING
        )


def test_a_need_without_title_or_with_a_bad_category_is_refused(secretary_a, world):
    with pytest.raises(RuleViolation) as refusal:
        services.create_need(by=secretary_a, area=world.grid_a1, title=" ", category=NeedCategory.REPAIR)
    assert refusal.value.field == "title"
    with pytest.raises(RuleViolation):
        services.create_need(by=secretary_a, area=world.grid_a1, title="x", category="nonsense")


def test_a_project_of_another_organization_is_refused(secretary_a, world):
    project = project_in(world.community_b, world.org_b)
    with pytest.raises(RuleViolation) as refusal:
        services.create_need(
            by=secretary_a, area=world.grid_a1, title="x", category=NeedCategory.OTHER, project=project
        )
    assert refusal.value.rule == "project_place"


def test_edit_with_a_stale_version_is_refused(secretary_a, world):
    need = need_a(world)
    services.update_need(need, by=secretary_a, version=1, title="修理厨房水龙头")
    assert need.version == 2
    with pytest.raises(ConcurrentChange):
        services.update_need(need, by=secretary_a, version=1, title="又改了")
    assert Need.objects.get(pk=need.pk).title == "修理厨房水龙头"


def test_assign_take_back_and_mark_met(secretary_a, world):
    need = need_a(world)
    volunteer = volunteer_in(world.grid_a1, world.org_a)
    services.assign_need(need, volunteer, secretary_a)
    assert need.state == NeedState.ASSIGNED and need.volunteer == volunteer and need.assigned_at
    with pytest.raises(RuleViolation):
        services.assign_need(need, volunteer, secretary_a)  # not open any more
    services.unassign_need(need, secretary_a)
    assert need.state == NeedState.OPEN and need.volunteer is None
    services.assign_need(need, volunteer, secretary_a)
    with pytest.raises(RuleViolation) as refusal:
        services.mark_need_met(need, by=secretary_a, outcome="")
    assert refusal.value.field == "outcome"
    services.mark_need_met(need, by=secretary_a, outcome="已上门更换")
    assert need.state == NeedState.MET and need.met_at and need.outcome == "已上门更换"
    with pytest.raises(RuleViolation):
        services.close_need(need, by=secretary_a, reason="重复")
    with pytest.raises(RuleViolation):
        services.update_need(need, by=secretary_a, title="改")
    assert len(_audited(need)) == 4


def test_an_inactive_volunteer_cannot_be_assigned(secretary_a, world):
    need = need_a(world)
    volunteer = volunteer_in(world.grid_a1, world.org_a, state=VolunteerState.PAUSED)
    with pytest.raises(RuleViolation) as refusal:
        services.assign_need(need, volunteer, secretary_a)
    assert refusal.value.rule == "volunteer_active"


def test_close_needs_a_reason_and_unassign_needs_an_assigned_need(secretary_a, world):
    need = need_a(world)
    with pytest.raises(RuleViolation):
        services.unassign_need(need, secretary_a)
    with pytest.raises(RuleViolation):
        services.close_need(need, by=secretary_a, reason=" ")
    services.close_need(need, by=secretary_a, reason="居民已搬走")
    assert need.state == NeedState.CLOSED and need.outcome == "居民已搬走"


def test_out_of_scope_changes_are_refused(secretary_a, world):
    need = need_b(world)
    volunteer = volunteer_in(world.grid_a1, world.org_a)
    for call in (
        lambda: services.assign_need(need, volunteer, secretary_a),
        lambda: services.mark_need_met(need, by=secretary_a, outcome="x"),
        lambda: services.close_need(need, by=secretary_a, reason="x"),
        lambda: services.update_need(need, by=secretary_a, title="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_the_page_records_a_need_with_skills_and_times(client, secretary_a, world):
    from dangjian.volunteering.models import Skill

    skill = Skill.objects.create(name="水电维修", category="生活服务")
    client.force_login(secretary_a)
    response = client.post(
        reverse("volunteering:need_create"),
        {
            "title": "修理水龙头",
            "category": "repair",
            "area": world.grid_a1.pk,
            "skills": [skill.pk],
            "availability": ["0", "5"],
            "is_public": "on",
        },
    )
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "volunteering:need_detail", args=[need.pk]
    )
    assert list(need.skills.all()) == [skill] and need.availability == (1 << 0) | (1 << 5) and need.is_public


def test_the_edit_page_says_when_someone_else_changed_the_need(client, secretary_a, world):
    need = need_a(world)
    services.update_need(need, by=secretary_a, title="别人先改了")
    client.force_login(secretary_a)
    response = client.post(
        reverse("volunteering:need_edit", args=[need.pk]),
        {"title": "我的修改", "category": "repair", "area": world.grid_a1.pk, "version": 1},
    )
    assert response.status_code == 200
    assert "刷新页面后重试" in response.content.decode()
    assert Need.objects.get(pk=need.pk).title == "别人先改了"


def test_assign_page_finds_volunteers_by_name_and_assigns(client, secretary_a, world):
    need = need_a(world)
    volunteer = volunteer_in(world.grid_a1, world.org_a, name="刘志愿")
    volunteer_in(world.community_b, world.org_b, name="刘社区乙")  # out of her scope: not offered
    client.force_login(secretary_a)
    page = client.get(reverse("volunteering:need_assign", args=[need.pk]), {"q": "刘"}).content.decode()
    assert "刘志愿" in page and "刘社区乙" not in page
    response = client.post(
        reverse("volunteering:need_assign", args=[need.pk]),
        {"volunteer": volunteer.pk, "version": need.version},
    )
    assert response.status_code == 302
    assert Need.objects.get(pk=need.pk).volunteer == volunteer


def test_need_list_filters_and_stays_in_scope(client, secretary_a, world):
    need_a(world, title="甲需求", state=NeedState.MET)
    need_a(world, title="乙需求")
    need_b(world, title="社区乙的需求")
    client.force_login(secretary_a)
    page = client.get(reverse("volunteering:need_list")).content.decode()
    assert "甲需求" in page and "乙需求" in page and "社区乙的需求" not in page
    page = client.get(reverse("volunteering:need_list"), {"state": "met"}).content.decode()
    assert "甲需求" in page and "乙需求" not in page
    page = client.get(reverse("volunteering:need_list"), {"q": "乙"}).content.decode()
    assert "乙需求" in page and "甲需求" not in page
    page = client.get(reverse("volunteering:need_list"), {"area": world.community_b.pk}).content.decode()
    assert "社区乙的需求" not in page


def test_two_role_persona_sees_no_need_of_community_b_through_her_grid_post(
    client, secretary_a_grid_worker_b, world
):
    need_b(world, title="社区乙的需求")
    need_in_grid = need_b(world, title="网格乙的需求")
    need_in_grid.area = world.grid_b1
    need_in_grid.save()
    need_a(world, title="甲需求")
    client.force_login(secretary_a_grid_worker_b)
    page = client.get(reverse("volunteering:need_list")).content.decode()
    # Her grid post (a grid worker's view_need) covers her grid's needs, and only those.
    assert "甲需求" in page and "网格乙的需求" in page and "社区乙的需求" not in page
    assert client.get(reverse("volunteering:need_detail", args=[need_b(world).pk])).status_code == 404


def test_need_list_costs_the_same_for_3_and_30_rows(
    client, secretary_a, world, django_assert_max_num_queries
):
    volunteer = volunteer_in(world.grid_a1, world.org_a)
    for index in range(3):
        need_a(world, title=f"需求{index}", volunteer=volunteer, state=NeedState.ASSIGNED)
    client.force_login(secretary_a)
    client.get(reverse("volunteering:need_list"))  # warm the session and scope caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("volunteering:need_list"))
    for index in range(27):
        need_a(world, title=f"更多{index}", volunteer=volunteer, state=NeedState.ASSIGNED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("volunteering:need_list"))
