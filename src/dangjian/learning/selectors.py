"""Reading study progress: a learner's lessons and courses, hours in a year, training hours for
the development pipeline, and the completion of yearly study plans per organization.

Each function runs a fixed number of grouped queries, whatever the number of people or lessons.
A course is *completed* when every lesson has its full length recorded and, if the course has
questions, a quiz attempt passed. A member *completes* the study plans that apply to them (their
organization's and those of the organizations above it, for the year) when they completed every
required course and recorded the required hours in that year.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from dangjian.learning.models import Attempt, Course, Lesson, Question, StudyPlan, StudyRecord
from dangjian.members.models import PartyMember

HOUR = Decimal(3600)


def hours(seconds: int | None) -> Decimal:
    return (Decimal(seconds or 0) / HOUR).quantize(Decimal("0.1"))


def lesson_seconds(person_id: int, lesson_ids: Iterable[int]) -> dict[int, int]:
    """Seconds recorded per lesson for one person (one query)."""
    rows = (
        StudyRecord.objects.filter(person_id=person_id, lesson_id__in=list(lesson_ids))
        .values("lesson_id")
        .annotate(total=Sum("seconds"))
    )
    return {row["lesson_id"]: row["total"] for row in rows}


def seconds_between(
    person_id: int, since: datetime.date, until: datetime.date, *, training_only: bool = False
) -> int:
    records = StudyRecord.objects.filter(person_id=person_id, day__gte=since, day__lte=until)
    if training_only:
        records = records.filter(lesson__course__counts_as_training=True)
    return records.aggregate(total=Sum("seconds"))["total"] or 0


def training_hours(person_id: int, since: datetime.date, until: datetime.date) -> Decimal:
    """Hours studied in courses marked as 发展对象 training on the days ``[since, until]``: what the
    development pipeline's training rule reads through ``core.registry.training_hours``."""
    return hours(seconds_between(person_id, since, until, training_only=True))


def year_hours(person_id: int, year: int) -> Decimal:
    return hours(seconds_between(person_id, datetime.date(year, 1, 1), datetime.date(year, 12, 31)))


@dataclass
class CourseProgress:
    course: Course
    lessons_done: int = 0
    lessons: int = 0
    has_quiz: bool = False
    passed: bool = False

    @property
    def completed(self) -> bool:
        return self.lessons > 0 and self.lessons_done == self.lessons and (self.passed or not self.has_quiz)


def _completed_courses(person_ids, course_ids: list[int]) -> dict[int, set[int]]:
    """For each person, the courses among ``course_ids`` they completed (three queries);
    ``person_ids`` is a list or a subquery of person ids."""
    if not course_ids:
        return {}
    lengths = dict(Lesson.objects.filter(course_id__in=course_ids).values_list("pk", "minutes"))
    lesson_course = dict(Lesson.objects.filter(course_id__in=course_ids).values_list("pk", "course_id"))
    lesson_count: dict[int, int] = defaultdict(int)
    for course_id in lesson_course.values():
        lesson_count[course_id] += 1
    with_quiz = set(
        Question.objects.filter(course_id__in=course_ids)
        .values_list("course_id", flat=True)
        .order_by()
        .distinct()
    )
    done: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        StudyRecord.objects.filter(person_id__in=person_ids, lesson_id__in=list(lengths))
        .values("person_id", "lesson_id")
        .annotate(total=Sum("seconds"))
    )
    for row in rows:
        if row["total"] >= lengths[row["lesson_id"]] * 60:
            done[(row["person_id"], lesson_course[row["lesson_id"]])] += 1
    passed = set(
        Attempt.objects.filter(person_id__in=person_ids, course_id__in=course_ids, passed=True).values_list(
            "person_id", "course_id"
        )
    )
    result: dict[int, set[int]] = defaultdict(set)
    for (person_id, course_id), count in done.items():
        if count == lesson_count[course_id] and (
            course_id not in with_quiz or (person_id, course_id) in passed
        ):
            result[person_id].add(course_id)
    return result


def course_progress(person_id: int | None, courses: list[Course]) -> dict[int, CourseProgress]:
    """Progress of one person in each course (four queries)."""
    course_ids = [course.pk for course in courses]
    progress = {course.pk: CourseProgress(course) for course in courses}
    if not course_ids:
        return progress
    lessons = list(Lesson.objects.filter(course_id__in=course_ids).values_list("pk", "course_id", "minutes"))
    for _pk, course_id, _minutes in lessons:
        progress[course_id].lessons += 1
    for course_id in (
        Question.objects.filter(course_id__in=course_ids)
        .values_list("course_id", flat=True)
        .order_by()
        .distinct()
    ):
        progress[course_id].has_quiz = True
    if person_id is None:
        return progress
    seconds = lesson_seconds(person_id, [pk for pk, _c, _m in lessons])
    for pk, course_id, minutes in lessons:
        if seconds.get(pk, 0) >= minutes * 60:
            progress[course_id].lessons_done += 1
    for course_id in Attempt.objects.filter(
        person_id=person_id, course_id__in=course_ids, passed=True
    ).values_list("course_id", flat=True):
        progress[course_id].passed = True
    return progress


# --- plan completion --------------------------------------------------------------------------


@dataclass
class CompletionRow:
    member: PartyMember
    hours: Decimal
    required_hours: Decimal
    courses_done: int
    courses_required: int
    plans: list[StudyPlan] = field(default_factory=list)

    @property
    def completed(self) -> bool:
        return self.hours >= self.required_hours and self.courses_done >= self.courses_required


def plans_for(org, year: int) -> list[StudyPlan]:
    """The year's plans that reach members of ``org``'s subtree: those of ``org``, of the
    organizations above it and of those below it (one query, two with the courses)."""
    step = type(org).steplen
    above = [org.path[:end] for end in range(step, len(org.path), step)]
    return list(
        StudyPlan.objects.filter(year=year)
        .filter(Q(org__path__startswith=org.path) | Q(org__path__in=above))
        .select_related("org")
        .prefetch_related("courses")
        .order_by("org__path")
    )


def members_of(org):
    return PartyMember.objects.filter(is_active=True, org__path__startswith=org.path)


def completion_rows(
    org, year: int, members: list[PartyMember], plans: list[StudyPlan] | None = None
) -> list[CompletionRow]:
    """The completion of each of ``members`` (who belong to ``org``'s subtree) for the year's plans
    that apply to them; a member no plan reaches gets no row. Five queries at most."""
    plans = plans_for(org, year) if plans is None else plans
    if not plans or not members:
        return []
    # The subtree's members as a subquery, not a list: a district holds tens of thousands, more
    # than SQLite accepts as query parameters.
    person_ids = members_of(org).values("person_id")
    year_seconds = dict(
        StudyRecord.objects.filter(
            person_id__in=person_ids, day__gte=datetime.date(year, 1, 1), day__lte=datetime.date(year, 12, 31)
        )
        .values("person_id")
        .annotate(total=Sum("seconds"))
        .values_list("person_id", "total")
    )
    all_courses = sorted({course.pk for plan in plans for course in plan.courses.all()})
    completed = _completed_courses(person_ids, all_courses)
    rows = []
    for member in members:
        path = member.org.path
        mine = [plan for plan in plans if path.startswith(plan.org.path)]
        if not mine:
            continue
        required = {course.pk for plan in mine for course in plan.courses.all()}
        rows.append(
            CompletionRow(
                member=member,
                hours=hours(year_seconds.get(member.person_id)),
                required_hours=max(plan.required_hours for plan in mine),
                courses_done=len(required & completed.get(member.person_id, set())),
                courses_required=len(required),
                plans=mine,
            )
        )
    return rows


def completion_summary(org, year: int) -> tuple[int, int]:
    """(members a plan reaches, of whom completed) in ``org``'s subtree for ``year``."""
    plans = plans_for(org, year)
    if not plans:
        return 0, 0
    members = list(members_of(org).select_related("org").only("pk", "person_id", "org__path"))
    rows = completion_rows(org, year, members, plans)
    return len(rows), sum(1 for row in rows if row.completed)


def course_counts(courses: list[Course]) -> dict[int, int]:
    return dict(
        Lesson.objects.filter(course__in=courses)
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
