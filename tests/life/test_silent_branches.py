"""静默支部: branches without a held or closed meeting for 30 days are flagged to their superior."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import Notification
from dangjian.life.choices import MeetingState
from dangjian.life.models import Meeting
from dangjian.life.silence import silent_branches
from dangjian.life.tasks import flag_silent_branches_now
from dangjian.orgs.choices import OrgKind
from tests.factories import add_org
from tests.life.helpers import plain_meeting

pytestmark = pytest.mark.django_db


def active(org, days_ago: int, state=MeetingState.HELD) -> Meeting:
    meeting = plain_meeting(org, f"{days_ago}天前的会", starts_in=-datetime.timedelta(days=days_ago))
    Meeting.objects.filter(pk=meeting.pk).update(state=state)
    return meeting


def test_a_branch_without_a_meeting_for_30_days_is_silent(world):
    active(world.branch_a1, 5)
    active(world.branch_b1, 45)

    silent = silent_branches([world.district_org])

    assert [branch.org_id for branch in silent] == [world.branch_b1.pk]
    assert silent[0].last_activity is not None


def test_a_planned_meeting_is_not_activity_but_a_group_meeting_is(world):
    plain_meeting(world.branch_a1, "计划中的会", starts_in=-datetime.timedelta(days=1))
    group = add_org(world.branch_b1, "第一党小组", "G0001", OrgKind.GROUP)
    active(group, 3)

    silent = {branch.org_id for branch in silent_branches([world.district_org])}

    assert silent == {world.branch_a1.pk}


def test_a_new_branch_is_not_silent(world):
    add_org(world.org_a, "新成立支部", "B0009", OrgKind.BRANCH, established_on=timezone.localdate())
    silent = {branch.name for branch in silent_branches([world.district_org])}
    assert "新成立支部" not in silent


def test_the_task_notifies_the_superior_once(world):
    active(world.branch_a1, 5)

    assert flag_silent_branches_now() == 1
    assert flag_silent_branches_now() == 0

    note = Notification.objects.get()
    assert note.org_path == world.org_b.path  # 光明社区党委, the superior of the silent branch
    assert world.branch_b1.name in note.title
    assert note.title.startswith("静默支部")
    assert f"org={world.branch_b1.pk}" in note.link


def test_a_branch_silent_again_after_a_meeting_is_flagged_again(world):
    assert flag_silent_branches_now() == 2  # both branches, never active
    active(world.branch_b1, 40)
    assert flag_silent_branches_now() == 1  # b1's new silent spell starts after its meeting
    assert Notification.objects.filter(org_path=world.org_b.path).count() == 2


def test_the_silent_branch_page_lists_the_subtree_at_a_fixed_cost(client, world, district_admin):
    client.force_login(district_admin)
    url = reverse("life:silent_branches")
    made = []

    def count_with(total: int) -> int:
        for index in range(len(made), total):
            made.append(add_org(world.org_a, f"第{index}支部", f"BS{index:03d}", OrgKind.BRANCH))
        client.get(url, {"org": world.street_org.pk})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"org": world.street_org.pk})
        assert response.status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)
    response = client.get(url, {"org": world.street_org.pk})
    assert world.branch_a1.name in response.content.decode()


def test_the_silent_branch_page_of_another_community_answers_404(client, world, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("life:silent_branches"), {"org": world.org_b.pk}).status_code == 404
