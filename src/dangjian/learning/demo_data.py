"""Demo and benchmark data of the online party school: per district committee a handful of
published courses (one marked as 发展对象 training) with text lessons and a question bank, a
course per street for its subtree, a yearly study plan, and study records with passed quizzes
for part of the members (so completion is partial and the figure is neither 0 nor 100 %).

The course and lesson texts are written for the demo and quote no document. Bulk inserts only;
deterministic per seed; runs again through ``generate --add-steps learning``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core.generator.steps import generator_step
from dangjian.core.search import search_tokens
from dangjian.learning.choices import CourseAudience, CourseState, LessonKind, QuestionKind
from dangjian.learning.models import Attempt, Choice, Course, Lesson, Question, StudyPlan, StudyRecord
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

COURSES = [
    ("党章党规学习", False, ["党章总纲导读", "党员的义务和权利", "党的纪律"]),
    ("党的创新理论专题", False, ["理论学习方法", "联系实际谈体会", "学习小结"]),
    ("发展对象集中培训", True, ["党的基本知识", "入党动机与党员标准", "党的优良作风"]),
    ("社区治理与为民服务", False, ["网格化服务", "接诉即办的做法", "志愿服务组织"]),
]
BODY = "<p>本课时为演示内容：请结合本支部实际认真学习，并在组织生活会上交流心得。</p>"
QUESTIONS = [
    ("党员应当按时交纳党费。", QuestionKind.TRUE_FALSE, [("对", True), ("错", False)]),
    (
        "组织生活的基本制度包括哪些？",
        QuestionKind.MULTIPLE,
        [("三会一课", True), ("主题党日", True), ("随意缺席", False)],
    ),
    (
        "党支部党员大会一般多久召开一次？",
        QuestionKind.SINGLE,
        [("每季度", True), ("每五年", False), ("从不", False)],
    ),
    ("党员可以不参加党的组织生活。", QuestionKind.TRUE_FALSE, [("对", False), ("错", True)]),
    (
        "发展对象集中培训时间一般不少于多少学时？",
        QuestionKind.SINGLE,
        [("二十四学时", True), ("八学时", False)],
    ),
]
STUDYING_SHARE = 0.35


def _course(org, title: str, training: bool, audience: str, published: datetime.datetime) -> Course:
    return Course(
        org=org,
        title=title,
        summary=f"{org.name}组织的网络党校课程（演示数据）。",
        audience=audience,
        counts_as_training=training,
        state=CourseState.PUBLISHED,
        published_at=published,
        quiz_size=3,
        pass_mark=60,
        search_tokens=search_tokens(title, f"{org.name}组织的网络党校课程（演示数据）。"),
    )


@generator_step("learning", order=80)
def generate_learning(generator) -> int:
    rng, today = generator.rng, generator.today
    districts = list(Organization.objects.filter(depth=1).order_by("pk"))
    if not districts:
        return 0
    published = timezone.make_aware(
        datetime.datetime.combine(today.replace(month=1, day=1), datetime.time(9))
    )
    courses: list[Course] = []
    lesson_titles: dict[int, list[str]] = {}
    for district in districts:
        for title, training, lessons in COURSES:
            courses.append(_course(district, title, training, CourseAudience.DISTRICT, published))
            lesson_titles[len(courses) - 1] = lessons
    for street in Organization.objects.filter(depth=2).order_by("pk")[:200]:
        courses.append(
            _course(street, f"{street.name[:20]}专题党课", False, CourseAudience.SUBTREE, published)
        )
        lesson_titles[len(courses) - 1] = ["本街道工作要点", "身边的先进典型"]
    generator.insert(Course, courses, "learning")
    courses = list(Course.objects.filter(published_at=published).select_related("org").order_by("pk"))
    lessons = []
    for index, course in enumerate(courses):
        for number, title in enumerate(lesson_titles.get(index, ["导学"]), start=1):
            lessons.append(
                Lesson(
                    course=course,
                    number=number,
                    title=title,
                    kind=LessonKind.TEXT,
                    body=BODY,
                    minutes=rng.choice([20, 30, 45]),
                    search_tokens=search_tokens(title),
                )
            )
    generator.insert(Lesson, lessons, "learning")
    questions = [
        Question(course=course, kind=kind, text=text) for course in courses for text, kind, _c in QUESTIONS
    ]
    generator.insert(Question, questions, "learning")
    made_questions = list(Question.objects.filter(course__in=courses).order_by("pk"))
    answers = {text: choices for text, _k, choices in QUESTIONS}
    generator.insert(
        Choice,
        [
            Choice(question=q, text=label, is_correct=right)
            for q in made_questions
            for label, right in answers[q.text]
        ],
        "learning",
    )
    year = today.year
    plans = [
        StudyPlan(org=district, year=year, title=f"{year}年度党员学习计划", required_hours=Decimal(2))
        for district in districts
    ]
    generator.insert(StudyPlan, plans, "learning")
    district_courses: dict[int, list[Course]] = {}
    for course in courses:
        if course.audience == CourseAudience.DISTRICT:
            district_courses.setdefault(course.org_id, []).append(course)
    through = StudyPlan.courses.through
    generator.insert(
        through,
        [
            through(studyplan_id=plan.pk, course_id=course.pk)
            for plan in StudyPlan.objects.filter(year=year, org__in=districts)
            for course in district_courses.get(plan.org_id, [])[:1]
        ],
        "learning",
    )
    return len(courses) + len(lessons) + len(made_questions) + _study(generator, district_courses)


def _study(generator, district_courses: dict[int, list[Course]]) -> int:
    """Study records (and a passed quiz) for a share of the members, in their district's courses."""
    rng, today = generator.rng, generator.today
    district_of = {org.path[: Organization.steplen]: org.pk for org in Organization.objects.filter(depth=1)}
    lessons_of: dict[int, list[tuple[int, int]]] = {}
    for lesson_id, course_id, minutes in Lesson.objects.filter(
        course__in=[c for cs in district_courses.values() for c in cs]
    ).values_list("pk", "course_id", "minutes"):
        lessons_of.setdefault(course_id, []).append((lesson_id, minutes))
    question_ids: dict[int, list[int]] = {}
    for pk, course_id in Question.objects.filter(course_id__in=list(lessons_of)).values_list(
        "pk", "course_id"
    ):
        question_ids.setdefault(course_id, []).append(pk)
    # The demo logins linked to a member study for sure, so 我的 shows hours.
    anchored = set(
        User.objects.filter(person__membership__is_active=True).values_list("person_id", flat=True)
    )
    records, attempts = [], []
    submitted = timezone.now()
    start = today.replace(month=1, day=1)
    span = max(0, (today - start).days)
    members = PartyMember.objects.filter(is_active=True).values_list("person_id", "org__path").order_by("pk")
    for person_id, path in members.iterator(chunk_size=2000):
        if person_id not in anchored and rng.random() >= STUDYING_SHARE:
            continue
        courses = district_courses.get(district_of.get(path[: Organization.steplen]), [])
        if not courses:
            continue
        for course in rng.sample(courses, rng.randint(1, min(2, len(courses)))):
            complete = rng.random() < 0.7
            for lesson_id, minutes in lessons_of.get(course.pk, []):
                seconds = minutes * 60 if complete else rng.randint(5, minutes) * 60
                day = start + datetime.timedelta(days=rng.randint(0, span))
                records.append(
                    StudyRecord(person_id=person_id, lesson_id=lesson_id, day=day, seconds=seconds)
                )
            if complete and question_ids.get(course.pk):
                drawn = rng.sample(question_ids[course.pk], min(3, len(question_ids[course.pk])))
                attempts.append(
                    Attempt(
                        course=course,
                        person_id=person_id,
                        question_ids=drawn,
                        score=100,
                        passed=True,
                        submitted_at=submitted,
                    )
                )
    generator.insert(StudyRecord, records, "learning")
    generator.insert(Attempt, attempts, "learning")
    return len(records) + len(attempts)
