"""Announcements end to end: who reads what (audience, portal, anonymous), scheduled publishing,
read receipts and the unread list, notices to the audience, the read-rate figure and search."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry, Notification
from dangjian.core.periods import Period
from dangjian.core.registry import registry
from dangjian.publicity import selectors, services
from dangjian.publicity.choices import AnnouncementState, Audience
from dangjian.publicity.models import Announcement, Read
from dangjian.publicity.tasks import notify_due_announcements
from tests.publicity.helpers import HOUR, announcement_at, member_of

DETAIL = "publicity:announcement_detail"


def _publish(secretary, org, audience=Audience.SUBTREE, **fields) -> Announcement:
    draft = services.create_announcement(
        by=secretary, org=org, title="关于召开党员大会的通知", audience=audience, **fields
    )
    return services.publish_announcement(draft, by=secretary)


def test_members_read_what_is_addressed_to_their_organizations_and_nothing_else(world, client):
    _in_a, reader = member_of(world.branch_a1, "王一")
    _in_b, other = member_of(world.branch_b1, "赵二")
    subtree = announcement_at(world.org_a, "社区A全体党员通知")
    org_only = announcement_at(world.org_a, "社区A党委委员通知", audience=Audience.ORG)
    branch = announcement_at(world.branch_a1, "支部通知", audience=Audience.ORG)
    draft = announcement_at(world.org_a, "草稿", state=AnnouncementState.DRAFT)

    assert set(selectors.for_member(reader)) == {subtree, branch}
    assert list(selectors.for_member(other)) == []
    client.force_login(other)
    assert client.get(reverse(DETAIL, args=[subtree.pk])).status_code == 404
    client.force_login(reader)
    for hidden in (org_only, draft):
        assert client.get(reverse(DETAIL, args=[hidden.pk])).status_code == 404
    page = client.get(reverse("publicity:my_announcements"))
    assert "社区A全体党员通知" in page.content.decode() and "草稿" not in page.content.decode()


def test_anonymous_visitors_see_only_live_public_announcements_on_the_portal(world, client):
    public = announcement_at(world.org_a, "党费收缴情况公示", audience=Audience.PUBLIC)
    members = announcement_at(world.org_a, "党员内部通知")
    withdrawn = announcement_at(
        world.org_a, "已撤回公示", audience=Audience.PUBLIC, state=AnnouncementState.WITHDRAWN
    )
    later = announcement_at(
        world.org_a,
        "明天的公示",
        audience=Audience.PUBLIC,
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    archive = client.get(reverse("publicity_portal:archive"), {"org": world.org_a.pk}).content.decode()
    assert "党费收缴情况公示" in archive
    for hidden in (members, withdrawn, later):
        assert hidden.title not in archive
        assert client.get(reverse("publicity_portal:announcement", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("publicity_portal:announcement", args=[public.pk])).status_code == 200
    year = client.get(
        reverse("publicity_portal:archive"), {"year": public.publish_at.year - 1}
    ).content.decode()
    assert "党费收缴情况公示" in year  # an unknown year shows all years


def test_a_scheduled_announcement_is_hidden_until_its_time_and_the_job_then_tells_the_members(
    world, secretary_a
):
    _member, reader = member_of(world.branch_a1, "王一")
    at = timezone.now() + datetime.timedelta(days=2)
    scheduled = _publish(secretary_a, world.org_a, publish_at=at)
    assert scheduled.state == AnnouncementState.PUBLISHED and scheduled.is_scheduled
    assert list(selectors.for_member(reader)) == []
    assert notify_due_announcements.call() == 0
    assert not Notification.objects.filter(user=reader).exists()

    Announcement.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - HOUR)  # its time came
    assert list(selectors.for_member(reader)) == [scheduled]
    assert notify_due_announcements.call() == 1
    assert notify_due_announcements.call() == 0  # idempotent
    assert Notification.objects.filter(user=reader).count() == 1


def test_publishing_for_members_tells_each_member_of_the_audience_once_and_is_audited(world, secretary_a):
    _a, reader = member_of(world.branch_a1, "王一")
    _b, outsider = member_of(world.branch_b1, "赵二")
    announcement = _publish(secretary_a, world.org_a)
    notice = Notification.objects.get(user=reader)
    assert notice.link == reverse(DETAIL, args=[announcement.pk])
    assert not Notification.objects.filter(user=outsider).exists()
    assert services.notify_audience(announcement) == 0
    actions = AuditEntry.objects.filter(object_type="publicity.announcement", object_id=str(announcement.pk))
    assert actions.count() == 2  # written, published
    public = _publish(secretary_a, world.org_a, audience=Audience.PUBLIC)
    assert not Notification.objects.filter(object_id=public.pk, kind="publicity").exists()


def test_opening_records_one_read_and_staff_see_the_rate_and_who_has_not_read(world, secretary_a, client):
    _one, reader = member_of(world.branch_a1, "王一")
    member_of(world.branch_a1, "李未读")
    announcement = announcement_at(world.org_a)
    client.force_login(reader)
    for _ in range(2):
        assert client.get(reverse(DETAIL, args=[announcement.pk])).status_code == 200
    assert Read.objects.filter(announcement=announcement).count() == 1
    assert selectors.read_counts(announcement) == (1, 2)

    client.force_login(secretary_a)
    detail = client.get(reverse(DETAIL, args=[announcement.pk])).content.decode()
    rate = re.search(r"data-read-rate>([^<]*)<", detail).group(1)
    assert re.findall(r"\d+", rate) in (["1", "2"], ["2", "1"])
    unread = client.get(reverse("publicity:announcement_unread", args=[announcement.pk])).content.decode()
    assert "李未读" in unread and "王一" not in unread


def test_withdrawing_takes_it_off_the_members_list_and_needs_a_reason(world, secretary_a):
    _member, reader = member_of(world.branch_a1, "王一")
    announcement = announcement_at(world.org_a)
    with pytest.raises(services.RuleViolation):
        services.withdraw_announcement(announcement, by=secretary_a, reason=" ")
    services.withdraw_announcement(announcement, by=secretary_a, reason="内容有误")
    assert list(selectors.for_member(reader)) == []


def test_an_edit_on_an_old_version_is_refused(world, secretary_a):
    announcement = announcement_at(world.org_a, state=AnnouncementState.DRAFT)
    services.update_announcement(announcement, by=secretary_a, version=1, title="改一")
    with pytest.raises(services.ConcurrentChange):
        services.update_announcement(announcement, by=secretary_a, version=1, title="改二")


def test_the_read_rate_figure_equals_reads_over_members_addressed(world):
    members = [member_of(world.branch_a1, f"党员{index}")[0] for index in range(4)]
    org_member, _user = member_of(world.org_a, "委员")
    subtree = announcement_at(world.org_a, "全体")  # 5 addressed
    org_only = announcement_at(world.org_a, "委员会", audience=Audience.ORG)  # 1 addressed
    announcement_at(world.org_a, "公开", audience=Audience.PUBLIC)  # not counted
    for member in members[:2]:
        Read.objects.create(announcement=subtree, person=member.person)
    Read.objects.create(announcement=org_only, person=org_member.person)
    today = timezone.localdate()
    period = Period(today.replace(day=1), today + datetime.timedelta(days=1))
    figure = registry["figures"]["publicity.read_rate"]
    assert figure.compute(world.org_a, period) == pytest.approx(3 / 6)
    assert figure.compute(world.org_b, period) is None
    assert f"org={world.org_a.pk}" in figure.records_url(world.org_a, period)


def test_search_finds_an_announcement_in_scope_by_traditional_characters_and_never_one_outside(
    world, secretary_a
):
    announcement_at(world.org_a, "党建工作通知")
    announcement_at(world.org_b, "党建工作安排")
    find = registry["search_sources"]["announcements"].find
    hits = find(secretary_a, "黨建", 10)
    assert [hit.title for hit in hits] == ["党建工作通知"]


def test_the_api_sanitizes_publishes_and_records_a_members_read(world, secretary_a, client):
    _member, reader = member_of(world.branch_a1, "王一")
    client.force_login(secretary_a)
    created = client.post(
        reverse("api:announcement_create"),
        {"org_id": world.org_a.pk, "title": "通知", "body": '<p>开会</p><img src="/x" onerror="alert(1)">'},
        content_type="application/json",
    ).json()
    assert created["body"] == '<p>开会</p><img src="/x">' and created["state"] == "draft"
    published = client.post(reverse("api:announcement_publish", args=[created["id"]])).json()
    assert published["is_live"] is True
    client.force_login(reader)
    assert [row["id"] for row in client.get(reverse("api:announcement_mine")).json()["items"]] == [
        created["id"]
    ]
    assert client.post(reverse("api:announcement_read", args=[created["id"]])).json() == {"first_time": True}
    assert client.post(reverse("api:announcement_read", args=[created["id"]])).json() == {"first_time": False}
    client.force_login(secretary_a)
    assert client.get(reverse("api:announcement_reads", args=[created["id"]])).json() == {
        "read": 1,
        "total": 1,
        "rate": 1.0,
    }
