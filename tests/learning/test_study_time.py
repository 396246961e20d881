"""Study time is recorded honestly: only heartbeats of a visible, active page count, each for at
most the time since the previous heartbeat (capped), never more than wall-clock time across
tabs, never past the lesson's length × the factor. The rule alone, the service, the page's
endpoint and the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.learning import services, study_time
from dangjian.learning.choices import LessonKind
from dangjian.learning.models import StudyRecord
from dangjian.learning.selectors import lesson_seconds
from tests.learning.helpers import course_a, learner, lesson_of

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def at(seconds: float) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


def credit(last, now, *, visible=True, active=True, credited=0, length=600):
    return study_time.credit(
        last, now, visible=visible, active=active, credited=credited, length_seconds=length
    )


def test_the_rule_credits_the_interval_since_the_last_heartbeat_only_when_visible_and_active():
    assert credit(at(0), at(15)) == 15
    assert credit(at(0), at(15), visible=False) == 0
    assert credit(at(0), at(15), active=False) == 0
    assert credit(None, at(15)) == 0  # the first heartbeat only starts the clock


def test_the_rule_caps_one_heartbeat_and_the_lesson_total():
    assert credit(at(0), at(3600)) == study_time.CAP_SECONDS
    assert credit(at(0), at(30), credited=890, length=600) == 10  # 600 × 1.5 = 900
    assert credit(at(0), at(30), credited=900, length=600) == 0
    assert credit(at(30), at(0)) == 0  # a clock going backwards adds nothing


@pytest.fixture
def setup(world):
    made = course_a(world)
    return learner(world.branch_a1), lesson_of(made), lesson_of(made, LessonKind.VIDEO)


def test_a_hidden_or_idle_tab_adds_no_study_time(setup):
    user, lesson, _video = setup
    services.record_heartbeat(user, lesson, visible=True, active=False, now=at(0))
    for second in range(15, 301, 15):
        services.record_heartbeat(user, lesson, visible=False, active=True, now=at(second))
    for second in range(315, 601, 15):
        services.record_heartbeat(user, lesson, visible=True, active=False, now=at(second))
    assert lesson_seconds(user.person_id, [lesson.pk]) == {}
    # Back and active: only the time since the last (idle) heartbeat counts, not the time away.
    assert services.record_heartbeat(user, lesson, visible=True, active=True, now=at(615)) == 15
    assert lesson_seconds(user.person_id, [lesson.pk]) == {lesson.pk: 15}


def test_a_visible_active_page_is_credited_its_wall_clock_time(setup):
    user, lesson, _video = setup
    services.record_heartbeat(user, lesson, visible=True, active=False, now=at(0))
    for second in range(15, 181, 15):
        services.record_heartbeat(user, lesson, visible=True, active=True, now=at(second))
    assert lesson_seconds(user.person_id, [lesson.pk])[lesson.pk] == 180


def test_a_long_gap_is_capped_and_two_tabs_never_count_the_same_minute(setup):
    user, lesson, video = setup
    services.record_heartbeat(user, lesson, visible=True, active=False, now=at(0))
    assert services.record_heartbeat(user, lesson, visible=True, active=True, now=at(3600)) == 60
    # Two tabs, two lessons, beating alternately every 7.5 s: 60 s of wall clock, 60 s in all.
    for step in range(1, 9):
        target = lesson if step % 2 else video
        services.record_heartbeat(user, target, visible=True, active=True, now=at(3600 + step * 7.5))
    total = sum(lesson_seconds(user.person_id, [lesson.pk, video.pk]).values())
    assert total <= 60 + 60


def test_a_video_is_never_credited_past_its_length_times_the_factor(setup):
    user, _lesson, video = setup  # two minutes long
    services.record_heartbeat(user, video, visible=True, active=False, now=at(0))
    for second in range(15, 3601, 15):
        services.record_heartbeat(user, video, visible=True, active=True, now=at(second))
    assert lesson_seconds(user.person_id, [video.pk])[video.pk] == int(120 * study_time.LENGTH_FACTOR)


def test_the_page_endpoint_credits_nothing_for_a_hidden_tab_and_refuses_a_stranger(setup, client, world):
    user, lesson, _video = setup
    client.force_login(user)
    url = reverse("learning:lesson_heartbeat", args=[lesson.pk])
    first = client.post(url, {"visible": True, "active": False}, content_type="application/json")
    assert first.status_code == 200 and first.json()["credited"] == 0
    clock = timezone.now() - datetime.timedelta(seconds=20)
    from dangjian.learning.models import StudyClock

    StudyClock.objects.filter(person_id=user.person_id).update(last_beat_at=clock)
    hidden = client.post(url, {"visible": False, "active": True}, content_type="application/json")
    assert hidden.json()["credited"] == 0
    StudyClock.objects.filter(person_id=user.person_id).update(last_beat_at=clock)
    shown = client.post(url, {"visible": True, "active": True}, content_type="application/json")
    assert 19 <= shown.json()["credited"] <= 21
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    # A member of 社区B does not see 社区A's course: 404, nothing recorded.
    client.force_login(learner(world.branch_b1, "学员乙"))
    assert (
        client.post(url, {"visible": True, "active": True}, content_type="application/json").status_code
        == 404
    )


def test_the_api_heartbeat_follows_the_same_rule(setup, client):
    user, lesson, _video = setup
    client.force_login(user)
    url = f"/api/v1/learning/lessons/{lesson.pk}/heartbeats"
    assert (
        client.post(url, {"visible": True, "active": True}, content_type="application/json").json()[
            "credited"
        ]
        == 0
    )
    from dangjian.learning.models import StudyClock

    StudyClock.objects.filter(person_id=user.person_id).update(
        last_beat_at=timezone.now() - datetime.timedelta(seconds=30)
    )
    idle = client.post(url, {"visible": True, "active": False}, content_type="application/json")
    assert idle.status_code == 200 and idle.json()["credited"] == 0
    assert not StudyRecord.objects.filter(person_id=user.person_id).exists()
