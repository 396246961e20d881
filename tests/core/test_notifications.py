"""The notifications inbox: scoped contents, unread first, marking read, a fixed query count."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.models import Notification
from dangjian.core.notifications import notify


def test_the_inbox_shows_the_users_and_their_organizations_notifications_unread_first(
    client, world, secretary_a, secretary_b
):
    read = notify(kind="test", title="已读的提醒", org=world.branch_a1)
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00Z")
    notify(kind="test", title="社区A的提醒", org=world.org_a)
    notify(kind="test", title="给书记的提醒", user=secretary_a)
    notify(kind="test", title="社区B的提醒", org=world.branch_b1)
    notify(kind="test", title="别人的提醒", user=secretary_b)
    client.force_login(secretary_a)

    page = client.get(reverse("core:notification_list")).content.decode()

    assert "社区A的提醒" in page and "给书记的提醒" in page and "已读的提醒" in page
    assert "社区B的提醒" not in page and "别人的提醒" not in page
    assert page.index("社区A的提醒") < page.index("已读的提醒")
    assert page.index("给书记的提醒") < page.index("已读的提醒")
    unread = client.get(reverse("core:notification_list"), {"unread": "1"}).content.decode()
    assert "已读的提醒" not in unread and "消息提醒" in unread


def test_marking_one_read_follows_its_link_and_others_answer_404(client, world, secretary_a):
    mine = notify(kind="test", title="提醒", org=world.branch_a1, link="/members/transfers/")
    theirs = notify(kind="test", title="提醒", org=world.branch_b1)
    client.force_login(secretary_a)

    response = client.post(reverse("core:notification_read", kwargs={"pk": mine.pk}), {"follow": "1"})
    refused = client.post(reverse("core:notification_read", kwargs={"pk": theirs.pk}))

    assert response.status_code == 302 and response["Location"] == "/members/transfers/"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert refused.status_code == 404 and theirs.read_at is None
    assert client.get(reverse("core:notification_read", kwargs={"pk": mine.pk})).status_code == 405


def test_an_outside_link_is_not_followed(client, world, secretary_a):
    notification = notify(kind="test", title="提醒", org=world.branch_a1, link="https://example.com/")
    client.force_login(secretary_a)

    response = client.post(reverse("core:notification_read", kwargs={"pk": notification.pk}), {"follow": "1"})

    assert response["Location"] == reverse("core:notification_list")


def test_mark_all_read_touches_only_what_the_user_sees(client, world, secretary_a):
    notify(kind="test", title="A", org=world.branch_a1)
    notify(kind="test", title="A2", user=secretary_a)
    other = notify(kind="test", title="B", org=world.branch_b1)
    client.force_login(secretary_a)

    response = client.post(reverse("core:notification_read_all"))

    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).get() == other


def test_the_menu_has_the_inbox_for_a_logged_in_user(client, resident):
    client.force_login(resident)

    page = client.get(reverse("core:notification_list")).content.decode()

    assert f'href="{reverse("core:notification_list")}"' in page
    assert "暂无消息。" in page


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:notification_list")).status_code == 200
    return len(queries.captured_queries)


def test_the_inbox_costs_the_same_number_of_queries_for_3_and_30_notifications(client, world, secretary_a):
    client.force_login(secretary_a)
    for index in range(3):
        notify(kind="test", title=f"提醒{index}", org=world.branch_a1)
    with_three = _queries(client)
    for index in range(3, 30):
        notify(kind="test", title=f"提醒{index}", org=world.branch_a1)

    assert _queries(client) == with_three
