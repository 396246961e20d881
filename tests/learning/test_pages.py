"""The learner's and the staff's pages: course list and lesson page for a member at a fixed
query count, drafts hidden from learners, 我的 card, search source, sanitized text."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.registry import registry
from dangjian.learning import services
from dangjian.learning.choices import CourseState, LessonKind
from dangjian.learning.sanitize import clean_html
from tests.learning.helpers import course, course_a, course_b, learner, lesson_of

pytestmark = pytest.mark.django_db


def test_a_member_sees_the_courses_of_their_organizations_and_the_district(world, client):
    course_a(world)
    course_b(world)
    course(world.district_org, "全区课程", audience="district")
    course(world.org_a, "草稿课程", state=CourseState.DRAFT)
    client.force_login(learner(world.branch_a1))
    titles = {c.title for c, _p in client.get(reverse("learning:course_list")).context["rows"]}
    assert titles == {"社区A党课", "全区课程"}
    draft = course(world.org_a, "草稿课程")
    assert client.get(reverse("learning:course_detail", args=[draft.pk])).status_code == 404


def test_the_course_list_costs_the_same_for_3_and_12_courses(world, client):
    user = learner(world.branch_a1)
    client.force_login(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("learning:course_list")).status_code == 200
        return len(queries)

    for number in range(3):
        course(world.org_a, f"课程{number}")
    count()  # the first request of a session fills caches
    few = count()
    for number in range(3, 12):
        course(world.org_a, f"课程{number}")
    assert count() == few


def test_the_lesson_page_loads_the_study_script_and_the_quiz_card(world, client):
    lesson = lesson_of(course_a(world))
    client.force_login(learner(world.branch_a1))
    page = client.get(reverse("learning:lesson_detail", args=[lesson.pk])).content.decode()
    assert "learning/study.js" in page and "data-heartbeat-url" in page and "data-quiz" in page
    assert "<script>" not in page.replace("<script src", "")


def test_staff_without_a_person_see_the_lesson_without_recording(world, secretary_a, client):
    lesson = lesson_of(course_a(world), LessonKind.VIDEO)
    client.force_login(secretary_a)
    page = client.get(reverse("learning:lesson_detail", args=[lesson.pk])).content.decode()
    assert "<video" in page and "data-heartbeat-url" not in page


def test_the_mine_card_shows_my_hours(world, client):
    made = course_a(world)
    user = learner(world.branch_a1)
    from django.utils import timezone

    from dangjian.learning.models import StudyRecord

    StudyRecord.objects.create(
        person_id=user.person_id, lesson=made.lessons.first(), day=timezone.localdate(), seconds=5400
    )
    client.force_login(user)
    page = client.get(reverse("mine:index")).content.decode()
    assert 'data-section="learning"' in page and "1.5" in page


def test_the_search_source_finds_traditional_input_and_nothing_out_of_scope(world, secretary_a):
    course(world.org_a, "党建基础知识")
    course(world.org_b, "党建工作实务")
    find = registry["search_sources"]["courses"].find
    titles = [hit.title for hit in find(secretary_a, "黨建", 10)]
    assert "党建基础知识" in titles and all(title.startswith("党建基础知识") for title in titles)


def test_rich_text_is_neutralised(world, secretary_a):
    dirty = '<p onclick="x()">好</p><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">链</a><a href="https://example.org">外</a>'
    assert (
        clean_html(dirty) == '<p>好</p><a rel="noopener noreferrer nofollow">链</a>'
        '<a href="https://example.org" rel="noopener noreferrer nofollow">外</a>'
    )
    lesson = services.save_lesson(
        None, course=course_a(world), by=secretary_a, title="文", kind=LessonKind.TEXT, minutes=5, body=dirty
    )
    assert "script" not in lesson.body and "onerror" not in lesson.body and "javascript" not in lesson.body


def test_a_course_is_created_published_and_withdrawn_by_its_secretary(
    world, secretary_a, secretary_b, client
):
    client.force_login(secretary_a)
    response = client.post(
        reverse("learning:course_create"),
        {"org": world.org_a.pk, "title": "新课", "audience": "subtree", "quiz_size": 5, "pass_mark": 60},
    )
    assert response.status_code == 302
    from dangjian.learning.models import Course

    made = Course.objects.get(title="新课")
    assert client.post(reverse("learning:course_publish", args=[made.pk])).status_code == 302
    made.refresh_from_db()
    assert made.state == CourseState.DRAFT  # no lesson yet: refused with a message
    services.save_lesson(
        None, course=made, by=secretary_a, title="一", kind=LessonKind.TEXT, minutes=5, body="<p>x</p>"
    )
    client.post(reverse("learning:course_publish", args=[made.pk]))
    made.refresh_from_db()
    assert made.state == CourseState.PUBLISHED
    client.force_login(secretary_b)
    assert client.get(reverse("learning:course_edit", args=[made.pk])).status_code == 404
