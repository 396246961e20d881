"""The online party school's card on 我的: my courses in progress and my study hours this year."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.learning.models import Course
from dangjian.learning.selectors import course_progress, year_hours

SHOWN = 5


def my_learning(me, user) -> dict | None:
    """Six queries: the courses offered, their progress, the hours of the year."""
    person = getattr(me, "person", None)
    if person is None:
        return None
    year = timezone.localdate().year
    courses = list(
        Course.objects.visible_to(user)
        .published()
        .select_related("org")
        .order_by("-published_at", "-id")[:SHOWN]
    )
    progress = course_progress(person.pk, courses)
    return {
        "courses": [progress[course.pk] for course in courses],
        "hours": year_hours(person.pk, year),
        "year": year,
    }


MY_LEARNING_SECTION = Panel(
    key="learning",
    title=_("My study"),
    template="learning/panels/my_learning.html",
    provider=my_learning,
    order=48,
)
