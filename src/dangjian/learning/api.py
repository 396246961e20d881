"""API of the online party school at /api/v1/learning: courses and lessons, heartbeats, quiz
attempts, study plans and completion, through the same services and selectors as the pages.
Rows outside the caller's reach answer 404; a drawn quiz never carries its right answers
before it is submitted."""

from __future__ import annotations

import datetime

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import node_in_scope, scope_of
from dangjian.learning import services
from dangjian.learning.models import Attempt, Course, Lesson, Question, StudyPlan, learner_org_path
from dangjian.learning.selectors import completion_rows, lesson_seconds, members_of, plans_for
from dangjian.orgs.models import Organization

router = Router(tags=["learning"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class CourseOut(Schema):
    id: int
    org_id: int
    title: str
    summary: str
    audience: str
    state: str
    counts_as_training: bool
    quiz_size: int
    pass_mark: int


class CoursePage(Schema):
    items: list[CourseOut]
    next: int | None = None


class LessonOut(Schema):
    id: int
    course_id: int
    number: int
    title: str
    kind: str
    minutes: int
    body: str
    file_url: str | None = None
    studied_seconds: int = 0


class HeartbeatIn(Schema):
    visible: bool
    active: bool


class HeartbeatOut(Schema):
    credited: int
    total_seconds: int
    lesson_seconds: int


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    choices: list[ChoiceOut]


class AttemptOut(Schema):
    id: int
    course_id: int
    questions: list[QuestionOut]
    submitted_at: datetime.datetime | None
    score: int | None
    passed: bool


class AnswersIn(Schema):
    answers: dict[str, list[int]] = Field(default_factory=dict, max_length=200)


class PlanOut(Schema):
    id: int
    org_id: int
    year: int
    title: str
    required_hours: float
    course_ids: list[int]


class PlanPage(Schema):
    items: list[PlanOut]
    next: int | None = None


class CompletionParams(PageParams):
    org_id: int | None = Field(None, ge=1, le=2**63 - 1)
    year: int | None = Field(None, ge=2000, le=2100)


class CompletionRowOut(Schema):
    member_id: int
    name: str
    org_id: int
    hours: float
    required_hours: float
    courses_done: int
    courses_required: int
    completed: bool


class CompletionPage(Schema):
    items: list[CompletionRowOut]
    done: int
    total: int
    next: int | None = None


def _page(rows, params: PageParams) -> dict:
    rows = list(rows[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _deny() -> None:
    raise PermissionDenied(gettext("You do not have permission to do this within this scope."), rule="scope")


def _require_any(request: HttpRequest, permission: str) -> None:
    if not scope_of(request.user).has_any(permission):
        _deny()


def _one(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get("/courses", response=CoursePage, url_name="learning_course_list")
def course_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    if learner_org_path(request.user) is None and not scope_of(request.user).has_any("learning.view_course"):
        _deny()
    return _page(Course.objects.visible_to(request.user).order_by("-created_at", "-id"), params)


@router.get("/courses/{id:id}", response=CourseOut, url_name="learning_course_detail")
def course_detail(request: HttpRequest, id: int) -> Course:
    return _one(Course.objects.visible_to(request.user), id)


def _lesson_out(request: HttpRequest, lesson: Lesson) -> dict:
    from django.urls import reverse

    person_id = getattr(request.user, "person_id", None)
    return {
        "id": lesson.pk,
        "course_id": lesson.course_id,
        "number": lesson.number,
        "title": lesson.title,
        "kind": lesson.kind,
        "minutes": lesson.minutes,
        "body": lesson.body,
        "file_url": reverse("learning:lesson_file", args=[lesson.pk]) if lesson.file else None,
        "studied_seconds": lesson_seconds(person_id, [lesson.pk]).get(lesson.pk, 0) if person_id else 0,
    }


@router.get("/courses/{id:id}/lessons", response=list[LessonOut], url_name="learning_course_lessons")
def course_lessons(request: HttpRequest, id: int) -> list[dict]:
    course = _one(Course.objects.visible_to(request.user), id)
    return [_lesson_out(request, lesson) for lesson in course.lessons.all()]


@router.get("/lessons/{id:id}", response=LessonOut, url_name="learning_lesson_detail")
def lesson_detail(request: HttpRequest, id: int) -> dict:
    return _lesson_out(request, _one(Lesson.objects.visible_to(request.user, "learning.view_course"), id))


@router.post("/lessons/{id:id}/heartbeats", response=HeartbeatOut, url_name="learning_lesson_heartbeat")
def lesson_heartbeat(request: HttpRequest, id: int, payload: HeartbeatIn) -> dict:
    lesson = _one(Lesson.objects.visible_to(request.user, "learning.view_course"), id)
    credited = services.record_heartbeat(request.user, lesson, visible=payload.visible, active=payload.active)
    total = lesson_seconds(request.user.person_id, [lesson.pk]).get(lesson.pk, 0)
    return {"credited": credited, "total_seconds": total, "lesson_seconds": lesson.seconds}


def _attempt_out(attempt: Attempt) -> dict:
    by_pk = {
        q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
    }
    return {
        "id": attempt.pk,
        "course_id": attempt.course_id,
        "questions": [
            {
                "id": question.pk,
                "kind": question.kind,
                "text": question.text,
                "choices": [{"id": c.pk, "text": c.text} for c in question.choices.all()],
            }
            for question in (by_pk[pk] for pk in attempt.question_ids if pk in by_pk)
        ],
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "passed": attempt.passed,
    }


@router.post("/courses/{id:id}/attempts", response=AttemptOut, url_name="learning_attempt_start")
def attempt_start(request: HttpRequest, id: int) -> dict:
    course = _one(Course.objects.visible_to(request.user), id)
    return _attempt_out(services.start_attempt(request.user, course))


@router.post("/attempts/{id:id}/submit", response=AttemptOut, url_name="learning_attempt_submit")
def attempt_submit(request: HttpRequest, id: int, payload: AnswersIn) -> dict:
    person_id = getattr(request.user, "person_id", None)
    attempt = _one(Attempt.objects.filter(person_id=person_id) if person_id else Attempt.objects.none(), id)
    if not Course.objects.visible_to(request.user).filter(pk=attempt.course_id).exists():
        raise Http404
    return _attempt_out(services.submit_attempt(request.user, attempt, payload.answers))


@router.get("/plans", response=PlanPage, url_name="learning_plan_list")
def plan_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    _require_any(request, "learning.view_studyplan")
    page = _page(
        StudyPlan.objects.visible_to(request.user).prefetch_related("courses").order_by("-year", "id"), params
    )
    page["items"] = [
        {
            "id": plan.pk,
            "org_id": plan.org_id,
            "year": plan.year,
            "title": plan.title,
            "required_hours": float(plan.required_hours),
            "course_ids": [course.pk for course in plan.courses.all()],
        }
        for plan in page["items"]
    ]
    return page


@router.get("/completion", response=CompletionPage, url_name="learning_completion")
def completion(request: HttpRequest, params: Query[CompletionParams]) -> dict:
    permission = "learning.view_studyrecord"
    _require_any(request, permission)
    if params.org_id:
        org = node_in_scope(Organization, params.org_id, request.user, permission)
        if org is None:
            raise Http404
    else:
        org = Organization.objects.visible_to(request.user, permission).order_by("depth", "path").first()
        if org is None:
            _deny()
    year = params.year or timezone.localdate().year
    members = list(
        members_of(org).select_related("org").only("pk", "person_id", "org__path").order_by("org__path", "pk")
    )
    rows = completion_rows(org, year, members, plans_for(org, year))
    page = _page(rows, params)
    prefetch_related_objects([row.member for row in page["items"]], "person")
    page["items"] = [
        {
            "member_id": row.member.pk,
            "name": row.member.person.name,
            "org_id": row.member.org_id,
            "hours": float(row.hours),
            "required_hours": float(row.required_hours),
            "courses_done": row.courses_done,
            "courses_required": row.courses_required,
            "completed": row.completed,
        }
        for row in page["items"]
    ]
    page["done"] = sum(1 for row in rows if row.completed)
    page["total"] = len(rows)
    return page
