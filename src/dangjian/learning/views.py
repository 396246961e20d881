"""Pages of the online party school: courses and lessons for learners and staff, the lesson file
(served with range requests), heartbeats, quizzes, study plans and the completion list with its
Excel export. Views stay thin: every change goes through ``learning.services``."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import prefetch_related_objects
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.errors import RuleViolation
from dangjian.core.excel import Column, export_workbook, record_export
from dangjian.core.excel_views import attachment
from dangjian.core.page_permissions import allowed, require, require_any, run_service
from dangjian.core.pagination import paginate
from dangjian.core.reauth import recent_auth_required
from dangjian.core.scoping import node_in_scope, parse_id, scope_of
from dangjian.core.search import search_queryset
from dangjian.learning import services, study_time
from dangjian.learning.choices import CourseState, LessonKind
from dangjian.learning.forms import CourseForm, LessonForm, PlanForm, QuestionForm
from dangjian.learning.models import Attempt, Course, Lesson, Question, StudyPlan, learner_org_path
from dangjian.learning.ranges import ranged_file_response
from dangjian.learning.selectors import (
    completion_rows,
    course_progress,
    lesson_seconds,
    members_of,
    plans_for,
)
from dangjian.orgs.models import Organization

VIEW = "learning.view_course"
ADD = "learning.add_course"
CHANGE = "learning.change_course"
VIEW_PLAN = "learning.view_studyplan"
ADD_PLAN = "learning.add_studyplan"
CHANGE_PLAN = "learning.change_studyplan"
VIEW_RECORDS = "learning.view_studyrecord"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _one(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _may_learn_or_view(user) -> None:
    if learner_org_path(user) is None and not scope_of(user).has_any(VIEW):
        raise PageForbidden(VIEW)


def _course(request, pk: int) -> Course:
    return _one(Course.objects.visible_to(request.user).select_related("org"), pk)


def _lesson(request, pk: int) -> Lesson:
    return _one(Lesson.objects.visible_to(request.user, VIEW).select_related("course__org"), pk)


def _confirm(request, *, heading, consequence, cancel_url, danger=True):
    return render(
        request,
        "learning/confirm.html",
        {"heading": heading, "consequence": consequence, "cancel_url": cancel_url, "danger": danger},
    )


def _year(request) -> int:
    raw = request.GET.get("year") or ""
    year = parse_id(raw)
    if raw and (year is None or not FIRST_YEAR <= year <= LAST_YEAR):
        raise Http404
    return year or timezone.localdate().year


def _org(request, permission: str) -> Organization:
    raw = request.GET.get("org")
    if raw:
        org = node_in_scope(Organization, raw, request.user, permission)
        if org is None:
            raise Http404
        return org
    org = Organization.objects.visible_to(request.user, permission).order_by("depth", "path").first()
    if org is None:
        raise PageForbidden(permission)
    return org


def _orgs(user, permission: str):
    return Organization.objects.visible_to(user, permission).order_by("path")


# --- courses ----------------------------------------------------------------------------------


@login_required
@require_GET
def course_list(request):
    """The courses a user may study or manage, newest first, with a title search."""
    _may_learn_or_view(request.user)
    courses = Course.objects.visible_to(request.user).select_related("org")
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        courses = search_queryset(courses, query)
    page = paginate(request, courses.order_by("-created_at", "-id"))
    progress = course_progress(getattr(request.user, "person_id", None), list(page.object_list))
    return render(
        request,
        "learning/course_list.html",
        {
            "page": page,
            "rows": [(course, progress[course.pk]) for course in page.object_list],
            "q": query,
            "can_create": scope_of(request.user).has_any(ADD),
        },
    )


@login_required
@require_GET
def course_detail(request, pk: int):
    course = _course(request, pk)
    lessons = list(course.lessons.all())
    person_id = getattr(request.user, "person_id", None)
    seconds = lesson_seconds(person_id, [lesson.pk for lesson in lessons]) if person_id else {}
    can_change = allowed(request.user, CHANGE, course)
    questions = list(course.questions.prefetch_related("choices")) if can_change else []
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "lessons": [
                (lesson, min(100, round(100 * seconds.get(lesson.pk, 0) / lesson.seconds)))
                for lesson in lessons
            ],
            "progress": course_progress(person_id, [course])[course.pk],
            "attempts": _attempts(person_id, course),
            "questions": questions,
            "question_count": len(questions) if can_change else course.questions.count(),
            "can_change": can_change,
        },
    )


def _attempts(person_id, course):
    if not person_id:
        return []
    return list(Attempt.objects.filter(person_id=person_id, course=course, submitted_at__isnull=False)[:5])


def _course_form_page(request, course: Course | None):
    orgs = _orgs(request.user, ADD if course is None else CHANGE)
    initial = {}
    if course is not None:
        initial = {name: getattr(course, name) for name in services.COURSE_FIELDS}
        initial["version"] = course.version
    form = CourseForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        saved = []
        if run_service(
            form, lambda: saved.append(services.save_course(course, by=request.user, version=version, **data))
        ):
            messages.success(request, _("The course is saved."))
            return redirect("learning:course_detail", pk=saved[0].pk)
    title = _("New course") if course is None else _("Edit course")
    return render(
        request,
        "learning/form.html",
        {"form": form, "title": title, "cancel_url": reverse("learning:course_list")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    require_any(request.user, ADD)
    return _course_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk: int):
    course = _course(request, pk)
    require(request.user, CHANGE, course)
    return _course_form_page(request, course)


def _state_page(request, pk: int, state: str, heading: str, consequence: str):
    course = _course(request, pk)
    require(request.user, CHANGE, course)
    back = reverse("learning:course_detail", args=[course.pk])
    if request.method == "POST":
        if run_service(
            None, lambda: services.set_course_state(course, state, by=request.user), request=request
        ):
            messages.success(request, _("The course is updated."))
        return redirect(back)
    return _confirm(
        request,
        heading=heading % {"title": course.title},
        consequence=consequence,
        cancel_url=back,
        danger=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_publish(request, pk: int):
    return _state_page(
        request,
        pk,
        CourseState.PUBLISHED,
        _("Publish “%(title)s”?"),
        _("Learners of the audience see the course and can study it."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_withdraw(request, pk: int):
    return _state_page(
        request,
        pk,
        CourseState.WITHDRAWN,
        _("Withdraw “%(title)s”?"),
        _("Learners no longer see the course; their study records are kept."),
    )


# --- lessons ----------------------------------------------------------------------------------


@login_required
@require_GET
def lesson_detail(request, pk: int):
    """A lesson to study: its text, PDF or video, the heartbeat script, and the course's quiz."""
    lesson = _lesson(request, pk)
    course = lesson.course
    siblings = list(course.lessons.only("pk", "number", "title"))
    position = next((index for index, item in enumerate(siblings) if item.pk == lesson.pk), 0)
    person_id = getattr(request.user, "person_id", None)
    seconds = lesson_seconds(person_id, [lesson.pk]).get(lesson.pk, 0) if person_id else 0
    return render(
        request,
        "learning/lesson_detail.html",
        {
            "lesson": lesson,
            "course": course,
            "previous": siblings[position - 1] if position > 0 else None,
            "next": siblings[position + 1] if position + 1 < len(siblings) else None,
            "minutes_done": seconds // 60,
            "percent": min(100, round(100 * seconds / lesson.seconds)),
            "records": bool(person_id),
            "beat_seconds": study_time.BEAT_SECONDS,
            "idle_seconds": study_time.IDLE_SECONDS,
            "question_count": course.questions.count(),
            "attempts": _attempts(person_id, course),
            "can_change": allowed(request.user, CHANGE, course),
        },
    )


@login_required
@require_GET
def lesson_file(request, pk: int):
    """The lesson's PDF or video, to users who see the lesson, with range requests (206/416)."""
    lesson = _lesson(request, pk)
    if not lesson.file:
        raise Http404
    try:
        handle = lesson.file.open("rb")
        size = lesson.file.size
    except FileNotFoundError as error:
        raise Http404 from error
    return ranged_file_response(
        request,
        handle,
        size=size,
        content_type=lesson.content_type or "application/octet-stream",
        file_name=lesson.original_name or f"lesson-{lesson.pk}",
        attachment=request.GET.get("download") == "1",
    )


@login_required
@require_POST
def lesson_heartbeat(request, pk: int):
    """One heartbeat of the lesson page (JSON ``{"visible": bool, "active": bool}``); answers the
    seconds credited and the lesson's total for the user."""
    lesson = _lesson(request, pk)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"detail": _("A heartbeat is a JSON object.")}, status=400)
    try:
        credited = services.record_heartbeat(
            request.user, lesson, visible=data.get("visible") is True, active=data.get("active") is True
        )
    except RuleViolation as error:
        return JsonResponse({"detail": error.message, "rule": error.rule}, status=400)
    total = lesson_seconds(request.user.person_id, [lesson.pk]).get(lesson.pk, 0)
    return JsonResponse({"credited": credited, "total_seconds": total, "lesson_seconds": lesson.seconds})


def _lesson_form_page(request, course: Course, lesson: Lesson | None):
    initial = {"kind": LessonKind.TEXT}
    if lesson is not None:
        initial = {"title": lesson.title, "kind": lesson.kind, "minutes": lesson.minutes, "body": lesson.body}
    form = LessonForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = []

        def call():
            saved.append(
                services.save_lesson(
                    lesson,
                    course=course,
                    by=request.user,
                    title=data["title"],
                    kind=data["kind"],
                    minutes=data["minutes"],
                    body=data.get("body") or "",
                    upload=data.get("file"),
                )
            )

        if run_service(form, call):
            messages.success(request, _("The lesson is saved."))
            return redirect("learning:course_detail", pk=course.pk)
    title = _("New lesson") if lesson is None else _("Edit lesson")
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "title": title,
            "course": course,
            "cancel_url": reverse("learning:course_detail", args=[course.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lesson_create(request, pk: int):
    course = _course(request, pk)
    require(request.user, CHANGE, course)
    return _lesson_form_page(request, course, None)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request, pk: int):
    lesson = _lesson(request, pk)
    require(request.user, CHANGE, lesson.course)
    return _lesson_form_page(request, lesson.course, lesson)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_delete(request, pk: int):
    lesson = _lesson(request, pk)
    require(request.user, CHANGE, lesson.course)
    back = reverse("learning:course_detail", args=[lesson.course_id])
    if request.method == "POST":
        if run_service(None, lambda: services.delete_lesson(lesson, by=request.user), request=request):
            messages.success(request, _("The lesson is deleted."))
        return redirect(back)
    return _confirm(
        request,
        heading=_("Delete the lesson “%(title)s”?") % {"title": lesson.title},
        consequence=_("The lesson and its file are deleted."),
        cancel_url=back,
    )


# --- question bank and quizzes ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request, pk: int):
    course = _course(request, pk)
    require(request.user, CHANGE, course)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = lambda: services.add_question(  # noqa: E731
            course, by=request.user, kind=data["kind"], text=data["text"], choices=form.parsed_choices()
        )
        if run_service(form, call):
            messages.success(request, _("The question is added."))
            return redirect("learning:course_detail", pk=course.pk)
    return render(
        request,
        "learning/form.html",
        {
            "form": form,
            "title": _("New question"),
            "course": course,
            "cancel_url": reverse("learning:course_detail", args=[course.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, pk: int):
    question = _one(Question.objects.visible_to(request.user, VIEW).select_related("course__org"), pk)
    require(request.user, CHANGE, question.course)
    back = reverse("learning:course_detail", args=[question.course_id])
    if request.method == "POST":
        if run_service(None, lambda: services.delete_question(question, by=request.user), request=request):
            messages.success(request, _("The question is deleted."))
        return redirect(back)
    return _confirm(
        request,
        heading=_("Delete this question?"),
        consequence=_("It is removed from the question bank; submitted attempts keep their scores."),
        cancel_url=back,
    )


@login_required
@require_POST
def quiz_start(request, pk: int):
    """Draw the questions of a new attempt (or reopen the unsubmitted one)."""
    course = _course(request, pk)
    try:
        attempt = services.start_attempt(request.user, course)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("learning:course_detail", pk=course.pk)
    return redirect("learning:attempt_detail", pk=attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request, pk: int):
    """The drawn questions without their answers; after submission, the score and the right answers."""
    person_id = getattr(request.user, "person_id", None)
    attempt = _one(
        Attempt.objects.filter(person_id=person_id).select_related("course__org")
        if person_id
        else Attempt.objects.none(),
        pk,
    )
    if not Course.objects.visible_to(request.user).filter(pk=attempt.course_id).exists():
        raise Http404
    if request.method == "POST" and attempt.submitted_at is None:
        answers = {str(qid): request.POST.getlist(f"q{qid}") for qid in attempt.question_ids}
        try:
            attempt = services.submit_attempt(request.user, attempt, answers)
        except RuleViolation as error:
            messages.error(request, error.message)
        return redirect("learning:attempt_detail", pk=attempt.pk)
    by_pk = {
        q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
    }
    questions = [by_pk[qid] for qid in attempt.question_ids if qid in by_pk]
    submitted = attempt.submitted_at is not None
    rows = []
    for question in questions:
        chosen = set(attempt.answers.get(str(question.pk), [])) if submitted else set()
        rows.append(
            {
                "question": question,
                "choices": [
                    {
                        "pk": c.pk,
                        "text": c.text,
                        "chosen": c.pk in chosen,
                        "right": submitted and c.is_correct,
                    }
                    for c in question.choices.all()
                ],
            }
        )
    return render(
        request,
        "learning/attempt_detail.html",
        {"attempt": attempt, "course": attempt.course, "rows": rows, "submitted": submitted},
    )


# --- study plans and completion ---------------------------------------------------------------


@login_required
@require_GET
def plan_list(request):
    require_any(request.user, VIEW_PLAN)
    plans = StudyPlan.objects.visible_to(request.user).select_related("org").order_by("-year", "org__path")
    year = request.GET.get("year")
    if year:
        plans = plans.filter(year=_year(request))
    return render(
        request,
        "learning/plan_list.html",
        {
            "page": paginate(request, plans),
            "can_create": scope_of(request.user).has_any(ADD_PLAN),
            "year": year or "",
        },
    )


def _plan_form_page(request, plan: StudyPlan | None):
    permission = ADD_PLAN if plan is None else CHANGE_PLAN
    courses = (
        Course.objects.visible_to(request.user)
        .exclude(state=CourseState.WITHDRAWN)
        .order_by("-created_at")[:200]
    )
    initial = {}
    if plan is not None:
        initial = {
            "org": plan.org,
            "year": plan.year,
            "title": plan.title,
            "required_hours": plan.required_hours,
        }
        initial.update({"courses": list(plan.courses.all()), "version": plan.version})
    form = PlanForm(
        request.POST or None,
        orgs=_orgs(request.user, permission),
        courses=Course.objects.filter(pk__in=[c.pk for c in courses]),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen, version = data.pop("courses"), data.pop("version", None)
        saved = []
        call = lambda: saved.append(  # noqa: E731
            services.save_plan(plan, by=request.user, courses=chosen, version=version, **data)
        )
        if run_service(form, call):
            messages.success(request, _("The study plan is saved."))
            return redirect("learning:plan_list")
    title = _("New study plan") if plan is None else _("Edit study plan")
    return render(
        request,
        "learning/form.html",
        {"form": form, "title": title, "cancel_url": reverse("learning:plan_list")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    require_any(request.user, ADD_PLAN)
    return _plan_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = _one(StudyPlan.objects.visible_to(request.user).select_related("org"), pk)
    require(request.user, CHANGE_PLAN, plan)
    return _plan_form_page(request, plan)


def _completion(request):
    require_any(request.user, VIEW_RECORDS)
    org, year = _org(request, VIEW_RECORDS), _year(request)
    plans = plans_for(org, year)
    members = (
        # Names are loaded only for the rows shown (``_with_people``): a district has tens of thousands.
        members_of(org)
        .select_related("org")
        .only("pk", "person_id", "org__path", "org__name")
        .order_by("org__path", "person__name_pinyin", "pk")
    )
    status = request.GET.get("status") or ""
    return org, year, plans, members, status


def _with_people(rows) -> None:
    prefetch_related_objects([row.member for row in rows], "person")


def _filtered(rows, status: str):
    if status == "done":
        return [row for row in rows if row.completed]
    if status == "open":
        return [row for row in rows if not row.completed]
    return rows


@login_required
@require_GET
def completion_list(request):
    """Members of an organization's subtree reached by the year's plans, with their hours and
    required courses: what ``learning.study_completion`` counts."""
    org, year, plans, members, status = _completion(request)
    rows = _filtered(completion_rows(org, year, list(members), plans), status)
    page = paginate(request, rows)
    _with_people(page.object_list)
    return render(
        request,
        "learning/completion_list.html",
        {
            "org": org,
            "year": year,
            "plans": plans,
            "page": page,
            "status": status,
            "done": sum(1 for row in rows if row.completed),
            "total": len(rows),
            "orgs": list(_orgs(request.user, VIEW_RECORDS)[:200]),
        },
    )


COMPLETION_COLUMNS = [
    Column("name", gettext_lazy("Name"), width=12),
    Column("org", gettext_lazy("Organization"), width=30),
    Column("hours", gettext_lazy("Hours studied"), width=12),
    Column("required_hours", gettext_lazy("Required hours"), width=12),
    Column("courses", gettext_lazy("Required courses completed"), width=16),
    Column("completed", gettext_lazy("Completed"), width=10),
]
COMPLETION_TITLE = gettext_lazy("Study completion")


@login_required
@require_GET
@recent_auth_required
def completion_export(request):
    """The completion list as .xlsx, audited."""
    org, year, plans, members, status = _completion(request)
    rows = _filtered(completion_rows(org, year, list(members), plans), status)

    def chunks():
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            _with_people(chunk)
            yield from chunk

    lines = (
        {
            "name": row.member.person.name,
            "org": row.member.org.name,
            "hours": row.hours,
            "required_hours": row.required_hours,
            "courses": f"{row.courses_done}/{row.courses_required}",
            "completed": _("Yes") if row.completed else _("No"),
        }
        for row in chunks()
    )
    file_name = f"{_('Study completion')}-{org.name}-{year}.xlsx"
    counter: list[int] = []
    content = export_workbook(COMPLETION_COLUMNS, lines, title=COMPLETION_TITLE, counter=counter)
    record_export(
        COMPLETION_TITLE,
        by=request.user,
        filters={"org": org.pk, "year": year, "status": status},
        count=counter[0],
        file_name=file_name,
    )
    return attachment(content, file_name)
