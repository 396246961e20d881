"""Notices by e-mail and SMS: each reader's choices and quiet hours are respected, a failed send is
retried with a growing pause and never sent twice, and no message or log names the member, the
address or the phone."""

from __future__ import annotations

import datetime
import logging
import smtplib
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.choices import DeliveryState, NoticeGroup
from dangjian.core.models import Delivery, NoticePreference
from dangjian.core.notice_channels import BACKOFF, plan_deliveries, send_due, update_preferences
from dangjian.core.notifications import notify
from tests.core import notice_sms
from tests.factories import UserFactory, assign

DUES = "dues.view_duespayment"
MOBILE = "13912345678"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Inside the default quiet hours (22:00–07:00) and after them.
NIGHT = datetime.datetime(2026, 11, 24, 23, 30, tzinfo=SHANGHAI)
MORNING = datetime.datetime(2026, 11, 25, 7, 0, tzinfo=SHANGHAI)
NOON = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _recording_sms(settings):
    settings.SMS_BACKEND = "tests.core.notice_sms.backend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    notice_sms.OUTBOX.clear()
    notice_sms.FAILURES[0] = 0


@pytest.fixture
def secretary(secretary_a):
    """社区A's secretary with an e-mail address and a mobile, SMS chosen for deadlines, no quiet hours."""
    secretary_a.email = "li.shuji@example.org"
    secretary_a.mobile = MOBILE
    secretary_a.save()
    _choose(secretary_a, email=list(NoticeGroup.values), sms=[NoticeGroup.DEADLINES], quiet=False)
    return secretary_a


def _choose(user, *, email, sms, quiet=True):
    update_preferences(
        user,
        email_groups=email,
        sms_groups=sms,
        quiet_enabled=quiet,
        quiet_start=datetime.time(22, 0),
        quiet_end=datetime.time(7, 0),
    )


def _arrears(world):
    return notify(
        kind="dues_six_months",
        title="张三 has not paid party dues for 6 months in a row",
        org=world.branch_a1,
        permission=DUES,
        link="/dues/",
    )


def test_notify_sends_after_commit_by_the_channels_each_reader_chose(
    world, secretary, django_capture_on_commit_callbacks
):
    member = UserFactory(username="member_a1", email="member@example.org")
    assign(member, BuiltinRole.PARTY_MEMBER, world.branch_a1)
    colleague = UserFactory(username="deputy_a", email="deputy@example.org")
    assign(colleague, BuiltinRole.ORG_SECRETARY, world.org_a)
    _choose(colleague, email=[NoticeGroup.MEETINGS], sms=[])

    with django_capture_on_commit_callbacks(execute=True):
        notice = _arrears(world)

    assert [message.to for message in mail.outbox] == [["li.shuji@example.org"]]
    assert [phone for phone, _text in notice_sms.OUTBOX] == [MOBILE]
    assert set(
        Delivery.objects.filter(notification=notice).values_list("user__username", "channel", "state")
    ) == {
        ("secretary_a", "email", "sent"),
        ("secretary_a", "sms", "sent"),
    }


def test_quiet_hours_hold_email_and_sms_until_they_end(world, secretary):
    _choose(secretary, email=list(NoticeGroup.values), sms=[NoticeGroup.DEADLINES], quiet=True)
    notice = _arrears(world)
    plan_deliveries(notice.pk, now=NIGHT)

    assert send_due(now=NIGHT) == 0
    assert mail.outbox == [] and notice_sms.OUTBOX == []
    assert set(Delivery.objects.values_list("next_attempt_at", flat=True)) == {MORNING}
    assert send_due(now=MORNING - datetime.timedelta(minutes=1)) == 0

    assert send_due(now=MORNING) == 2
    assert len(mail.outbox) == 1 and len(notice_sms.OUTBOX) == 1


def test_a_failing_gateway_is_retried_with_a_growing_pause_and_what_was_sent_is_never_sent_again(
    world, secretary, caplog
):
    _choose(secretary, email=[], sms=[NoticeGroup.DEADLINES])
    notice = _arrears(world)
    plan_deliveries(notice.pk, now=NOON)
    notice_sms.FAILURES[0] = 2

    with caplog.at_level(logging.INFO):
        assert send_due(now=NOON) == 0
        delivery = Delivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (
            "pending",
            1,
            NOON + BACKOFF[0],
        )
        assert send_due(now=NOON + BACKOFF[0] - datetime.timedelta(seconds=1)) == 0
        assert send_due(now=NOON + BACKOFF[0]) == 0
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.next_attempt_at) == (2, NOON + BACKOFF[0] + BACKOFF[1])

        later = NOON + BACKOFF[0] + BACKOFF[1]
        assert send_due(now=later) == 1
        assert send_due(now=later + datetime.timedelta(days=1)) == 0
        assert plan_deliveries(notice.pk) == 0

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.SENT, 3, "")
    assert len(notice_sms.OUTBOX) == 1
    assert "GatewayDown" in caplog.text and MOBILE not in caplog.text


def test_no_message_error_or_log_line_names_the_member_the_address_or_the_phone(
    world, secretary, caplog, monkeypatch
):
    def refused(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"li.shuji@example.org": (550, b"no such user li.shuji")})

    notice = _arrears(world)
    plan_deliveries(notice.pk, now=NOON)
    monkeypatch.setattr("dangjian.core.notice_channels.send_mail", refused)

    with caplog.at_level(logging.DEBUG):
        send_due(now=NOON)

    email = Delivery.objects.get(channel="email")
    assert email.state == "pending" and email.last_error == "SMTPRecipientsRefused"
    (_phone, text) = notice_sms.OUTBOX[0]
    assert "张三" not in text and "/notifications/" in text and "幸福社区第一网格党支部" in text
    for secret in ("张三", "li.shuji", MOBILE, MOBILE[3:7]):
        assert secret not in caplog.text


def test_the_settings_page_saves_the_channels_and_quiet_hours_in_chinese(client, secretary_a):
    client.force_login(secretary_a)
    url = reverse("core:notification_preferences")

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    response = client.post(
        url,
        {"sms_groups": ["meetings"], "quiet_start": "21:30", "quiet_end": "06:45", "version": "0"},
    )

    assert 'name="sms_groups" value="meetings"' in page and 'value="22:00"' in page
    assert response.status_code == 302
    preference = secretary_a.notice_preference
    assert (preference.email_groups, preference.sms_groups) == ([], ["meetings"])
    assert (preference.quiet_enabled, preference.quiet_start) == (False, datetime.time(21, 30))
    stale = client.post(url, {"quiet_start": "22:00", "quiet_end": "07:00", "version": "0"})
    assert stale.status_code == 200 and 'class="alert alert-danger"' in stale.content.decode()
    assert NoticePreference.objects.get(user=secretary_a).quiet_start == datetime.time(21, 30)


def test_the_api_reads_and_replaces_ones_own_settings_and_refuses_a_stale_version(client, secretary_a):
    client.force_login(secretary_a)
    url = "/api/v1/notifications/preferences"

    before = client.get(url).json()
    saved = client.put(
        url,
        {
            "email_groups": ["mailbox"],
            "sms_groups": [],
            "quiet_enabled": True,
            "quiet_start": "23:00",
            "quiet_end": "06:00",
        },
        content_type="application/json",
    )
    stale = client.put(url, {"email_groups": [], "version": 0}, content_type="application/json")

    assert before["email_groups"] == list(NoticeGroup.values) and before["version"] == 0
    assert saved.status_code == 200 and saved.json()["email_groups"] == ["mailbox"]
    assert saved.json()["quiet_start"] == "23:00"
    assert stale.status_code == 409


def test_the_generator_step_saves_the_demo_logins_choices_once(db):
    from dangjian.core.demo_data import generate_notice_channels

    class Generator:
        def insert(self, model, rows, stage):
            model.objects.bulk_create(rows)

    UserFactory(username="sq_shuji")

    assert generate_notice_channels(Generator()) == 1
    assert generate_notice_channels(Generator()) == 0
    assert NoticePreference.objects.get().sms_groups == ["deadlines", "mailbox"]
