"""The notifications inbox: notices reach only readers whose role carries their permission, each
reader keeps their own read marks, opening re-checks the permission and the record, the navbar
shows an unread badge, and the inbox and the badge cost a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import RoleAssignment
from dangjian.core.models import Notification, NotificationRead
from dangjian.core.notifications import for_user, mark_read, notify, unread_count
from tests.factories import UserFactory, assign

# A permission a secretary holds and a plain party member does not.
MEMBERS = "members.view_partymember"


@pytest.fixture
def member_a1(world):
    """A plain 党员 of 幸福社区第一网格党支部: the party_member role on the branch, nothing more."""
    user = UserFactory(username="member_a1", last_name="党", first_name="员")
    assign(user, BuiltinRole.PARTY_MEMBER, world.branch_a1)
    return user


def _office(world, title: str, *, org=None, permission: str = MEMBERS, **fields) -> Notification:
    return notify(kind="test", title=title, org=org or world.branch_a1, permission=permission, **fields)


def test_the_inbox_shows_the_users_and_their_offices_notifications_unread_first_in_bold(
    client, world, secretary_a, secretary_b
):
    read = _office(world, "已读的提醒")
    mark_read(secretary_a, read)
    _office(world, "社区A的提醒", org=world.org_a)
    notify(kind="test", title="给书记的提醒", user=secretary_a)
    _office(world, "社区B的提醒", org=world.branch_b1)
    notify(kind="test", title="别人的提醒", user=secretary_b)
    client.force_login(secretary_a)

    page = client.get(reverse("core:notification_list")).content.decode()

    assert "社区A的提醒" in page and "给书记的提醒" in page and "已读的提醒" in page
    assert "社区B的提醒" not in page and "别人的提醒" not in page
    assert page.index("社区A的提醒") < page.index("已读的提醒")
    assert page.index("给书记的提醒") < page.index("已读的提醒")
    assert page.count('class="fw-bold"') == 2 and page.count('class="fw-normal"') == 1
    unread = client.get(reverse("core:notification_list"), {"unread": "1"}).content.decode()
    assert "已读的提醒" not in unread and "社区A的提醒" in unread


def test_a_plain_party_member_does_not_receive_the_committees_notices_of_the_branch(
    client, world, member_a1, secretary_a
):
    _office(world, "张三已连续六个月未交党费", permission="dues.view_duespayment")
    _office(world, "李四的发展步骤到期", permission="development.view_applicant")
    mine = notify(kind="test", title="给党员本人的提醒", user=member_a1)

    assert list(for_user(member_a1)) == [mine]
    assert for_user(secretary_a).count() == 2
    client.force_login(member_a1)
    page = client.get(reverse("core:notification_list")).content.decode()
    assert "张三" not in page and "李四" not in page and "给党员本人的提醒" in page


def test_a_notice_whose_permission_the_user_lost_after_it_was_written_is_no_longer_shown(
    client, world, secretary_a
):
    notice = _office(world, "分支提醒", link="/members/")
    client.force_login(secretary_a)
    assert client.get(reverse("core:notification_open", args=[notice.pk])).status_code == 302

    RoleAssignment.objects.filter(user=secretary_a).delete()
    secretary_a._scope_cache = None

    assert not for_user(secretary_a).exists()
    assert "分支提醒" not in client.get(reverse("core:notification_list")).content.decode()
    assert client.get(reverse("core:notification_open", args=[notice.pk])).status_code == 404


def test_an_office_notice_without_a_permission_is_refused_when_written(world):
    with pytest.raises(ValueError, match="permission"):
        notify(kind="test", title="没有权限的提醒", org=world.branch_a1)


def test_each_reader_keeps_their_own_read_mark(client, world, secretary_a):
    other_secretary = UserFactory(username="secretary_a2")
    assign(other_secretary, BuiltinRole.ORG_SECRETARY, world.org_a)
    notice = _office(world, "共享的提醒", link="/members/")
    client.force_login(secretary_a)

    client.get(reverse("core:notification_open", args=[notice.pk]))

    assert unread_count(secretary_a) == 0
    assert unread_count(other_secretary) == 1


def test_opening_follows_the_link_and_marks_read_and_others_answer_404(client, world, secretary_a):
    mine = _office(world, "提醒", link="/members/transfers/")
    theirs = _office(world, "提醒", org=world.branch_b1, link="/members/transfers/")
    client.force_login(secretary_a)

    response = client.get(reverse("core:notification_open", args=[mine.pk]))
    refused = client.get(reverse("core:notification_open", args=[theirs.pk]))
    also_refused = client.post(reverse("core:notification_read", args=[theirs.pk]))

    assert response.status_code == 302 and response["Location"] == "/members/transfers/"
    assert NotificationRead.objects.filter(user=secretary_a, notification=mine).exists()
    assert refused.status_code == 404 and also_refused.status_code == 404
    assert not NotificationRead.objects.filter(notification=theirs).exists()


def test_the_list_open_button_goes_through_the_checking_view(client, world, secretary_a):
    notice = _office(world, "提醒", link="/members/transfers/")
    client.force_login(secretary_a)

    page = client.get(reverse("core:notification_list")).content.decode()
    followed = client.post(reverse("core:notification_read", args=[notice.pk]), {"follow": "1"})

    assert f'href="{reverse("core:notification_open", args=[notice.pk])}"' in page
    assert followed["Location"] == reverse("core:notification_open", args=[notice.pk])


def test_a_notice_whose_record_left_the_readers_scope_explains_instead_of_a_404(client, world, secretary_a):
    # The record the link opens now lies in 社区B (moved after the notice was written).
    notice = _office(
        world, "支部提醒", link=f"/orgs/organizations/{world.branch_b1.pk}/", obj=world.branch_b1
    )
    client.force_login(secretary_a)

    response = client.get(reverse("core:notification_open", args=[notice.pk]))

    assert response.status_code == 200
    assert "支部提醒" in response.content.decode()
    assert response.context["refusal"]
    assert NotificationRead.objects.filter(user=secretary_a, notification=notice).exists()


def test_an_outside_link_is_not_followed(client, world, secretary_a):
    notice = _office(world, "提醒", link="https://example.com/")
    client.force_login(secretary_a)

    response = client.get(reverse("core:notification_open", args=[notice.pk]))

    assert response.status_code == 200 and response.context["refusal"]


def test_mark_all_read_marks_only_what_the_user_sees_and_only_for_them(
    client, world, secretary_a, secretary_b
):
    _office(world, "A")
    notify(kind="test", title="A2", user=secretary_a)
    _office(world, "B", org=world.branch_b1)
    client.force_login(secretary_a)

    response = client.post(reverse("core:notification_read_all"))

    assert response.status_code == 302
    assert unread_count(secretary_a) == 0
    assert unread_count(secretary_b) == 1
    assert NotificationRead.objects.filter(user=secretary_a).count() == 2


def test_the_navbar_shows_the_unread_count_on_the_inbox_entry(client, world, secretary_a):
    client.force_login(secretary_a)
    assert "dj-nav-badge" not in client.get(reverse("core:notification_list")).content.decode()
    for index in range(3):
        _office(world, f"提醒{index}")

    page = client.get(reverse("core:notification_list")).content.decode()

    assert 'dj-nav-badge">3<' in page


def test_the_badge_stops_counting_at_99(client, world, secretary_a):
    Notification.objects.bulk_create(
        Notification(kind="test", title=f"提醒{index}", org_path=world.branch_a1.path, permission=MEMBERS)
        for index in range(120)
    )
    client.force_login(secretary_a)

    assert 'dj-nav-badge">99+<' in client.get(reverse("core:notification_list")).content.decode()


def test_the_menu_has_the_inbox_for_a_logged_in_user(client, resident):
    client.force_login(resident)

    page = client.get(reverse("core:notification_list")).content.decode()

    assert f'href="{reverse("core:notification_list")}"' in page
    assert "暂无消息。" in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_inbox_costs_the_same_number_of_queries_for_3_and_30_notifications(client, world, secretary_a):
    client.force_login(secretary_a)
    url = reverse("core:notification_list")
    for index in range(3):
        _office(world, f"提醒{index}")
    mark_read(secretary_a, Notification.objects.first())
    with_three = _queries(client, url)
    for index in range(3, 30):
        _office(world, f"提醒{index}")
    for notice in Notification.objects.all()[:10]:
        mark_read(secretary_a, notice)

    assert _queries(client, url) == with_three


def test_the_badge_costs_one_query_whatever_the_unread_count(client, world, secretary_a):
    # A page that reads no notifications itself: whatever touches them is the badge.
    url = reverse("accounts:token_list")
    client.force_login(secretary_a)
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as with_none:
        assert client.get(url).status_code == 200
    Notification.objects.bulk_create(
        Notification(kind="test", title=f"提醒{index}", org_path=world.branch_a1.path, permission=MEMBERS)
        for index in range(150)
    )
    with CaptureQueriesContext(connection) as with_many:
        page = client.get(url).content.decode()

    assert len(with_many.captured_queries) == len(with_none.captured_queries)
    assert [q["sql"] for q in with_many.captured_queries if "core_notification" in q["sql"]].__len__() == 1
    assert 'dj-nav-badge">99+<' in page
