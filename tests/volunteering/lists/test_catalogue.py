"""资源清单 and 项目清单: recording and editing in scope, the rules, stale edits, scoped lists at a
flat query count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.volunteering.choices import ProjectState, ResourceKind, WishState
from dangjian.volunteering.lists import services
from tests.volunteering.lists.helpers import project_in, resource_in, wish_a

TODAY = timezone.localdate()


def test_resources_are_recorded_and_edited_in_scope(secretary_a, world):
    resource = services.create_resource(
        by=secretary_a,
        area=world.community_a,
        kind=ResourceKind.VENUE,
        name="党群服务中心多功能厅",
        capacity="80人",
    )
    assert resource.org == world.org_a
    services.update_resource(resource, by=secretary_a, version=1, is_available=False)
    assert not resource.is_available and resource.version == 2
    with pytest.raises(ConcurrentChange):
        services.update_resource(resource, by=secretary_a, version=1, name="改名")
    with pytest.raises(PermissionDenied):
        services.create_resource(by=secretary_a, area=world.community_b, kind=ResourceKind.VENUE, name="x")
    with pytest.raises(RuleViolation):
        services.create_resource(by=secretary_a, area=world.community_a, kind="nonsense", name="x")
    assert AuditEntry.objects.filter(object_type="volunteering.resource").count() == 2


def test_projects_keep_their_period_in_order(secretary_a, world):
    with pytest.raises(RuleViolation) as refusal:
        services.create_project(
            by=secretary_a,
            area=world.community_a,
            title="四点半课堂",
            starts_on=TODAY,
            ends_on=TODAY - datetime.timedelta(days=1),
        )
    assert refusal.value.rule == "end_before_start"
    project = services.create_project(
        by=secretary_a, area=world.community_a, title="四点半课堂", starts_on=TODAY
    )
    services.update_project(project, by=secretary_a, state=ProjectState.RUNNING)
    assert project.state == ProjectState.RUNNING
    with pytest.raises(PermissionDenied):
        services.update_project(project, by=secretary_a, area=world.community_b)


def test_lists_stay_in_scope_and_filter(client, secretary_a, world):
    resource_in(world.community_a, world.org_a, name="甲活动室")
    resource_in(world.community_a, world.org_a, name="甲物资", kind=ResourceKind.MATERIAL)
    resource_in(world.community_b, world.org_b, name="乙活动室")
    client.force_login(secretary_a)
    page = client.get(reverse("volunteering:resource_list")).content.decode()
    assert "甲活动室" in page and "甲物资" in page and "乙活动室" not in page
    page = client.get(reverse("volunteering:resource_list"), {"kind": "material"}).content.decode()
    assert "甲物资" in page and "甲活动室" not in page


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        (
            "volunteering:resource_list",
            lambda world, n: resource_in(world.community_a, world.org_a, name=f"资源{n}"),
        ),
        (
            "volunteering:project_list",
            lambda world, n: project_in(world.community_a, world.org_a, title=f"项目{n}"),
        ),
        (
            "volunteering:wish_list",
            lambda world, n: wish_a(
                world, title=f"心愿{n}", state=WishState.CLAIMED, claimed_by=world_person(n)
            ),
        ),
    ],
)
def test_lists_cost_the_same_for_3_and_30_rows(
    client, secretary_a, world, django_assert_max_num_queries, url_name, make
):
    for number in range(3):
        make(world, number)
    client.force_login(secretary_a)
    client.get(reverse(url_name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name))
    for number in range(3, 30):
        make(world, number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(url_name))


def world_person(number):
    from tests.factories import PersonFactory

    return PersonFactory(name=f"党员{number}")
