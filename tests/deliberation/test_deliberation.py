"""Deliberation end to end through the services, the pages and the portal: a topic accepted, the
parties invited (with a notice), a moderated discussion, the meeting with attendance and decision,
follow-up tasks with progress public on the portal; scoping, search, figures, personal data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import Notification
from dangjian.core.periods import Period
from dangjian.core.personal import MOBILE, decrypt, lookup_hash
from dangjian.deliberation import figures, personal_data, services
from dangjian.deliberation.choices import PartyKind, RaisedBy, TaskState, TopicState
from dangjian.deliberation.models import Task, Topic
from dangjian.deliberation.workbench import find
from tests.deliberation.helpers import DAY, today, topic_at
from tests.factories import PersonFactory, UserFactory
from tests.portal import sms
from tests.service_posts.helpers import member_of

PHONE = "13912345678"


def _run_to_decision(topic, secretary, invitee=None):
    services.accept_topic(topic, by=secretary)
    invitation = services.invite(
        topic, by=secretary, party_kind=PartyKind.PROPERTY, unit_name="物业服务中心", user=invitee
    )
    services.invite(topic, by=secretary, party_kind=PartyKind.OWNERS_COMMITTEE, unit_name="业委会")
    return invitation


@pytest.mark.django_db
def test_a_deliberation_runs_from_topic_to_public_follow_up(client, world, secretary_a):
    owner = UserFactory(username="wuye")
    topic = services.raise_topic(
        world.org_a,
        by=secretary_a,
        title="地下车库积水整治",
        description="雨季车库积水",
        raised_by_kind=RaisedBy.UNIT,
        unit_name="物业服务中心",
    )
    invitation = _run_to_decision(topic, secretary_a, invitee=owner)
    topic.refresh_from_db()
    assert topic.state == TopicState.DISCUSSING
    assert Notification.objects.filter(user=owner, kind="deliberation").count() == 1
    # The invitee reads the topic and speaks for their party; staff hide an abusive comment.
    client.force_login(owner)
    assert client.get(reverse("deliberation:topic_detail", kwargs={"pk": topic.pk})).status_code == 200
    kept = services.add_comment(topic, by=owner, text="物业同意先疏通排水管")
    assert kept.speaking_for == "物业 · 物业服务中心"
    rude = services.add_comment(topic, by=owner, text="不文明的话")
    services.hide_comment(rude, by=secretary_a, reason="言语不文明")
    meeting = services.record_meeting(
        topic,
        by=secretary_a,
        held_at=timezone.now() - DAY,
        place="社区议事厅",
        decision="物业一个月内完成排水改造，业委会监督。",
        present={invitation.pk: "王经理"},
    )
    assert [(row.unit_name, row.present) for row in meeting.attendances.order_by("party_kind")] == [
        ("业委会", False),
        ("物业服务中心", True),
    ]
    task = services.add_task(
        topic,
        by=secretary_a,
        title="排水管改造",
        owner_party=PartyKind.PROPERTY,
        owner_unit="物业服务中心",
        owner_user=owner,
        deadline=today() + 30 * DAY,
    )
    services.report_progress(task, by=owner, progress=60, text="已完成主管道", version=task.version)
    topic.refresh_from_db()
    assert topic.state == TopicState.FOLLOW_UP
    # The portal: the decision, the task's progress, the kept comment; not the hidden one.
    client.logout()
    page = client.get(reverse("deliberation_portal:topic_detail", kwargs={"pk": topic.pk})).content.decode()
    assert "物业一个月内完成排水改造" in page and "排水管改造" in page and "60%" in page
    assert "已完成主管道" in page and "物业同意先疏通排水管" in page
    assert "不文明的话" not in page
    assert "地下车库积水整治" in client.get(reverse("deliberation_portal:topic_list")).content.decode()
    with pytest.raises(RuleViolation):
        services.close_topic(topic, by=secretary_a)
    task.refresh_from_db()
    services.report_progress(task, by=owner, progress=100, text="完工", version=task.version)
    services.close_topic(topic, by=secretary_a)
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.on_time


@pytest.mark.django_db
def test_a_topic_not_decided_stays_off_the_portal(client, world):
    topic = topic_at(world.org_a, TopicState.DISCUSSING)
    assert client.get(reverse("deliberation_portal:topic_detail", kwargs={"pk": topic.pk})).status_code == 404
    hidden = topic_at(world.org_a, TopicState.DECIDED, title="内部议题", is_public=False)
    assert (
        client.get(reverse("deliberation_portal:topic_detail", kwargs={"pk": hidden.pk})).status_code == 404
    )


@pytest.mark.django_db
def test_a_resident_raises_a_topic_with_a_phone_code_and_is_not_published(client, world, secretary_a, outbox):
    client.post(reverse("portal:send_code"), {"contact_phone": PHONE}, HTTP_HX_REQUEST="true")
    data = {
        "org": world.org_a.pk,
        "title": "广场舞噪音",
        "description": "晚上太吵，电话13912345678",
        "name": "王芳",
        "contact_phone": PHONE,
    }
    assert (
        client.post(reverse("deliberation_portal:topic_raise"), {**data, "code": "000000"}).status_code == 400
    )
    response = client.post(reverse("deliberation_portal:topic_raise"), {**data, "code": sms.last_code(PHONE)})
    assert response.status_code == 302
    topic = Topic.objects.get(title="广场舞噪音")
    assert topic.raised_by_kind == RaisedBy.RESIDENT and topic.state == TopicState.RAISED
    assert decrypt(topic.raiser_phone) == PHONE and topic.phone_hash == lookup_hash(MOBILE, PHONE)
    assert PHONE not in topic.description  # numbers written into the text are removed
    client.force_login(secretary_a)
    page = client.get(reverse("deliberation:topic_detail", kwargs={"pk": topic.pk})).content.decode()
    assert "139****5678" in page and PHONE not in page


@pytest.mark.django_db
def test_out_of_scope_topics_are_neither_shown_nor_run(client, world, secretary_a, secretary_b):
    topic = topic_at(world.org_b)
    client.force_login(secretary_a)
    assert client.get(reverse("deliberation:topic_detail", kwargs={"pk": topic.pk})).status_code == 404
    with pytest.raises(PermissionDenied):
        services.accept_topic(topic, by=secretary_a)
    assert topic.title not in client.get(reverse("deliberation:topic_list")).content.decode()


@pytest.mark.django_db
def test_members_join_only_topics_open_to_them(client, world, secretary_a):
    _member, user = member_of(world.branch_a1)
    closed = topic_at(world.org_a, TopicState.DISCUSSING, title="仅限各方")
    open_topic = topic_at(world.org_a, TopicState.DISCUSSING, title="党群议事", open_to_members=True)
    client.force_login(user)
    assert client.get(reverse("deliberation:topic_detail", kwargs={"pk": closed.pk})).status_code == 404
    assert client.get(reverse("deliberation:topic_detail", kwargs={"pk": open_topic.pk})).status_code == 200
    client.post(reverse("deliberation:comment_add", kwargs={"pk": open_topic.pk}), {"text": "支持"})
    assert open_topic.comments.get().speaking_for
    with pytest.raises(PermissionDenied):
        services.add_comment(closed, by=user, text="我也说两句")


@pytest.mark.django_db
def test_a_member_raises_a_topic_in_their_own_line_only(world):
    _member, user = member_of(world.branch_a1)
    topic = services.raise_topic(
        world.org_a, by=user, title="楼道照明", description="灯坏了", raised_by_kind=RaisedBy.MEMBER
    )
    assert topic.raised_by == user
    with pytest.raises(PermissionDenied):
        services.raise_topic(world.org_b, by=user, title="x", description="y", raised_by_kind=RaisedBy.MEMBER)


@pytest.mark.django_db
def test_two_progress_reports_on_one_version_the_second_is_refused(world, secretary_a):
    topic = topic_at(world.org_a, TopicState.DECIDED)
    task = services.add_task(
        topic,
        by=secretary_a,
        title="公示",
        owner_party=PartyKind.UNIT,
        owner_unit="驻区单位",
        deadline=today() + DAY,
    )
    services.report_progress(task, by=secretary_a, progress=30, text="开始", version=1)
    with pytest.raises(ConcurrentChange):
        services.report_progress(task, by=secretary_a, progress=50, text="继续", version=1)


@pytest.mark.django_db
def test_the_search_source_finds_traditional_input_within_scope_only(world, secretary_a):
    topic_at(world.org_a, title="党建议事会")
    topic_at(world.org_b, title="党建议事会（社区B）")
    topic_at(world.org_a, title="停车管理", description="外来车辆占位")
    hits = find(secretary_a, "黨建", 10)
    assert [hit.title for hit in hits] == ["党建议事会"]


@pytest.mark.django_db
def test_the_figures_equal_a_count_of_the_records(world, secretary_a):
    period = Period(today() - 30 * DAY, today() + DAY)
    topic_at(world.org_a, TopicState.DECIDED, title="一")
    topic_at(world.org_a, TopicState.DECIDED, title="二", decided_on=today() - 60 * DAY)
    follow = topic_at(world.org_a, TopicState.FOLLOW_UP, title="三")
    services.add_task(
        follow,
        by=secretary_a,
        title="t",
        owner_party=PartyKind.PROPERTY,
        owner_unit="物业",
        deadline=today() + DAY,
    )
    task = follow.tasks.get()
    services.report_progress(task, by=secretary_a, progress=100, text="完成")
    assert figures.topics_decided(world.org_a, period) == 2
    assert figures.topics_decided(world.org_b, period) == 0
    assert figures.tasks_done_on_time(world.org_a, period) == 1


@pytest.mark.django_db
def test_personal_data_of_a_resident_is_exported_and_erased(world):
    person = PersonFactory(name="王芳")
    person.mobile = PHONE
    person.save()
    services.raise_by_resident(
        world.org_a,
        name="王芳",
        phone=PHONE,
        phone_hash=lookup_hash(MOBILE, PHONE),
        title="噪音",
        description="太吵",
    )
    assert [row["phone"] for row in personal_data.rows(person)] == ["139****5678"]
    assert personal_data.erase(person) == 1
    topic = Topic.objects.get()
    assert (topic.raiser_name, topic.raiser_phone, topic.phone_hash) == ("", "", "")
    assert personal_data.purge(timezone.now() + datetime.timedelta(days=1), 10, True) == 0


@pytest.mark.django_db
def test_the_list_searches_and_filters_by_state(client, world, secretary_a):
    topic_at(world.org_a, TopicState.RAISED, title="加装电梯")
    topic_at(world.org_a, TopicState.CLOSED, title="停车管理", description="外来车辆占位")
    client.force_login(secretary_a)
    url = reverse("deliberation:topic_list")
    assert "停车管理" not in client.get(url, {"state": "raised"}).content.decode()
    page = client.get(url, {"q": "電梯"}).content.decode()
    assert "加装电梯" in page and "停车管理" not in page


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_lists_read_a_fixed_number_of_queries(client, world, secretary_a):
    def fill(count: int) -> None:
        for number in range(count):
            topic = topic_at(world.org_a, TopicState.FOLLOW_UP, title=f"议题{Topic.objects.count()}-{number}")
            Task.objects.create(
                topic=topic, title="任务", owner_party=PartyKind.PROPERTY, owner_unit="物业", deadline=today()
            )

    client.force_login(secretary_a)
    staff, portal = reverse("deliberation:topic_list"), reverse("deliberation_portal:topic_list")
    fill(3)
    few = (_queries(client, staff), _queries(client, portal))
    fill(27)
    assert (_queries(client, staff), _queries(client, portal)) == few
