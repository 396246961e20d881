"""QR-code check-in: only an expected attendee, with the meeting's token, inside the window."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.life import services
from dangjian.life.choices import AttendanceStatus
from dangjian.life.models import Attendance
from tests.life.helpers import member_user, plain_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(world):
    return member_user(world.branch_a1, "member_a", "张三")


@pytest.fixture
def meeting(world, member_a):
    return plain_meeting(world.branch_a1, "主题党日", starts_in=datetime.timedelta(hours=1))


def test_window_opens_30_minutes_before_the_start_and_closes_at_the_end(meeting):
    opens, closes = services.check_in_window(meeting)
    assert meeting.starts_at - opens == datetime.timedelta(minutes=30)
    assert closes == meeting.ends_at


def test_expected_attendee_checks_in_inside_the_window(meeting, member_a):
    now = meeting.starts_at - datetime.timedelta(minutes=5)

    row = services.check_in(meeting, token=meeting.check_in_token, user=member_a, now=now)

    assert row.status == AttendanceStatus.PRESENT
    assert row.checked_in_at == now
    entry = AuditEntry.objects.get(object_type="life.attendance", object_id=str(row.pk))
    assert entry.username == "member_a"


def test_a_second_check_in_keeps_the_first_time(meeting, member_a):
    first = meeting.starts_at
    services.check_in(meeting, token=meeting.check_in_token, user=member_a, now=first)

    row = services.check_in(
        meeting, token=meeting.check_in_token, user=member_a, now=first + datetime.timedelta(minutes=20)
    )

    assert row.checked_in_at == first
    assert AuditEntry.objects.filter(object_type="life.attendance").count() == 1


@pytest.mark.parametrize(
    "offset",
    [datetime.timedelta(minutes=-31), datetime.timedelta(hours=2, minutes=1)],
    ids=["too_early", "after_the_end"],
)
def test_check_in_outside_the_window_is_refused(meeting, member_a, offset):
    with pytest.raises(RuleViolation) as refused:
        services.check_in(
            meeting, token=meeting.check_in_token, user=member_a, now=meeting.starts_at + offset
        )

    assert refused.value.rule == "check_in"
    assert not Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).exists()


def test_check_in_by_someone_not_expected_is_refused(world, meeting):
    outsider = member_user(world.branch_b1, "member_b", "赵六")

    with pytest.raises(RuleViolation) as refused:
        services.check_in(meeting, token=meeting.check_in_token, user=outsider, now=meeting.starts_at)

    assert "应到人员名单" in refused.value.message


def test_check_in_by_a_user_who_is_no_party_member_is_refused(meeting, resident):
    with pytest.raises(RuleViolation):
        services.check_in(meeting, token=meeting.check_in_token, user=resident, now=meeting.starts_at)


def test_check_in_with_a_wrong_token_is_refused(meeting, member_a):
    with pytest.raises(RuleViolation) as refused:
        services.check_in(meeting, token="guessed", user=member_a, now=meeting.starts_at)

    assert refused.value.rule == "check_in_token"


# --- The phone page ------------------------------------------------------------------------------


def _url(meeting, token=None) -> str:
    return reverse(
        "life:meeting_checkin", kwargs={"pk": meeting.pk, "token": token or meeting.check_in_token}
    )


def test_check_in_page_sends_an_anonymous_visitor_to_login_and_back(client, world):
    meeting = plain_meeting(world.branch_a1, "主题党日")

    response = client.get(_url(meeting))

    assert response.status_code == 302
    assert response["Location"].endswith("?next=" + _url(meeting))


def test_member_checks_in_on_the_page(client, world, member_a):
    meeting = plain_meeting(world.branch_a1, "主题党日", starts_in=datetime.timedelta(minutes=10))
    client.force_login(member_a)

    assert 'id="check-in-button"' in client.get(_url(meeting)).content.decode()
    response = client.post(_url(meeting), follow=True)

    row = Attendance.objects.get(meeting=meeting, member__person=member_a.person)
    assert row.status == AttendanceStatus.PRESENT
    assert "alert-success" in response.content.decode()


def test_page_explains_when_check_in_has_not_opened(client, world, member_a):
    meeting = plain_meeting(world.branch_a1, "主题党日", starts_in=datetime.timedelta(days=1))
    client.force_login(member_a)

    body = client.get(_url(meeting)).content.decode()

    assert "alert-warning" in body
    assert 'id="check-in-button"' not in body


def test_page_with_a_wrong_token_answers_404(client, world, member_a):
    meeting = plain_meeting(world.branch_a1, "主题党日")
    client.force_login(member_a)

    assert client.get(_url(meeting, token="guessed")).status_code == 404


def test_meeting_page_shows_the_qr_code_only_while_check_in_is_open(client, world, secretary_a):
    open_meeting = plain_meeting(world.branch_a1, "正在进行", starts_in=datetime.timedelta(minutes=10))
    later = plain_meeting(world.branch_a1, "下周召开", starts_in=datetime.timedelta(days=7))
    client.force_login(secretary_a)

    open_body = client.get(reverse("life:meeting_detail", kwargs={"pk": open_meeting.pk})).content.decode()
    later_body = client.get(reverse("life:meeting_detail", kwargs={"pk": later.pk})).content.decode()

    assert "<svg" in open_body and open_meeting.check_in_token in open_body
    assert "<svg" not in later_body and later.check_in_token not in later_body
    assert timezone.now() < later.starts_at


def test_the_qr_code_note_states_the_day_of_the_window_not_only_its_times(
    client, world, secretary_a, member_a
):
    import re

    from django.conf import settings
    from django.utils import translation
    from django.utils.formats import date_format

    meeting = plain_meeting(world.branch_a1, "支部委员会", starts_in=datetime.timedelta(minutes=10))
    opens, closes = services.check_in_window(meeting)
    client.force_login(secretary_a)
    # The page follows the language switcher's cookie, not the browser's Accept-Language
    # (ChineseFirstLocaleMiddleware); English makes the date's form easy to tell apart.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("life:meeting_detail", args=[meeting.pk])).content.decode()

    note = re.search(r'id="check-in-window">(.*?)</p>', page, re.S).group(1)
    opens, closes = timezone.localtime(opens), timezone.localtime(closes)
    if opens.date() == closes.date():  # "on Dec. 6, 2026, from 09:30 to 11:00"
        with translation.override("en"):
            assert date_format(opens, "DATE_FORMAT") in note
    else:  # a window across midnight: "from 2026-12-06 23:05 to 2026-12-07 01:35"
        assert opens.strftime("%Y-%m-%d") in note and closes.strftime("%Y-%m-%d") in note
    assert opens.strftime("%H:%M") in note and closes.strftime("%H:%M") in note
