"""Builders for the online party school tests: a published course in 社区A (and one in 社区B),
its lessons (text, and a video whose file is small but real), a question bank, and learners.

Objects are found again by title, so the permission tables can ask for them several times."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from dangjian.learning.choices import CourseState, LessonKind, QuestionKind
from dangjian.learning.models import Choice, Course, Lesson, Question, StudyPlan
from dangjian.members.models import PartyMember
from tests.factories import PersonFactory, UserFactory

# An MP4 starts with a box whose type (bytes 4-8) is "ftyp"; the rest is padding for ranges.
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def course(
    org, title: str = "学习党章", *, training: bool = False, state=CourseState.PUBLISHED, **fields
) -> Course:
    found = Course.objects.filter(org=org, title=title).first()
    if found is not None:
        return found
    made = Course.objects.create(org=org, title=title, counts_as_training=training, state=state, **fields)
    Lesson.objects.create(
        course=made, number=1, title=f"{title}·第一课", kind=LessonKind.TEXT, body="<p>正文</p>", minutes=10
    )
    video = Lesson(
        course=made,
        number=2,
        title=f"{title}·视频",
        kind=LessonKind.VIDEO,
        minutes=2,
        content_type="video/mp4",
    )
    video.original_name, video.size = "lesson.mp4", len(VIDEO_BYTES)
    video.file.save("lesson.mp4", ContentFile(VIDEO_BYTES), save=False)
    video.save()
    for number in range(3):
        question = Question.objects.create(course=made, kind=QuestionKind.SINGLE, text=f"第{number + 1}题")
        Choice.objects.create(question=question, text="对的", is_correct=True)
        Choice.objects.create(question=question, text="错的", is_correct=False)
    return made


def course_a(world) -> Course:
    return course(world.org_a, "社区A党课")


def course_b(world) -> Course:
    return course(world.org_b, "社区B党课")


def lesson_of(made: Course, kind=LessonKind.TEXT) -> Lesson:
    return made.lessons.get(kind=kind)


def plan(org, year: int, *, hours=1, courses=()) -> StudyPlan:
    made, _ = StudyPlan.objects.get_or_create(
        org=org, year=year, defaults={"title": f"{year}年学习计划", "required_hours": hours}
    )
    made.courses.set(courses)
    return made


def plan_a(world) -> StudyPlan:
    return plan(world.org_a, datetime.date.today().year, courses=[course_a(world)])


def plan_b(world) -> StudyPlan:
    return plan(world.org_b, datetime.date.today().year, courses=[course_b(world)])


def learner(org, name: str = "学员甲", username: str | None = None):
    """A user linked to an active party member of ``org``."""
    person = PersonFactory(name=name)
    PartyMember.objects.create(person=person, org=org)
    return UserFactory(username=username or f"learner{person.pk}", person=person)
