"""The 课程 source of the staff search box: course and lesson titles, scoped like the course list."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.registry import SearchHit, SearchSource
from dangjian.core.search import search_queryset
from dangjian.core.workbench import with_query
from dangjian.learning.models import Course, Lesson

VIEW = "learning.view_course"


def find_courses(user, text: str, limit: int) -> list[SearchHit]:
    courses = list(search_queryset(Course.objects.visible_to(user), text).select_related("org")[:limit])
    hits = [
        SearchHit(course.title, reverse("learning:course_detail", args=[course.pk]), course.org.name)
        for course in courses
    ]
    if len(hits) < limit:
        lessons = search_queryset(Lesson.objects.visible_to(user, VIEW), text).select_related("course")[
            : limit - len(hits)
        ]
        hits.extend(
            SearchHit(lesson.title, reverse("learning:lesson_detail", args=[lesson.pk]), lesson.course.title)
            for lesson in lessons
        )
    return hits


def more_courses(text: str) -> str:
    return with_query(reverse("learning:course_list"), q=text)


COURSES_SOURCE = SearchSource(
    key="courses",
    label=gettext_lazy("Courses"),
    find=find_courses,
    requirement=VIEW,
    more_url=more_courses,
    order=80,
)
