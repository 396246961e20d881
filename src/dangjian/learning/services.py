"""State changes of the online party school: courses, lessons and their files, question banks,
heartbeats that record study time, quiz attempts and yearly study plans.

Every change checks the permission over the organization, runs in one transaction and writes its
audit line; heartbeats are the exception to the audit (one every 15 seconds per learner): what
they credit is the study record itself, decided by ``study_time.credit``.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.scoping import check_perm
from dangjian.learning import study_time
from dangjian.learning.choices import CourseState, LessonKind, QuestionKind
from dangjian.learning.models import (
    Attempt,
    Choice,
    Course,
    Lesson,
    Question,
    StudyClock,
    StudyPlan,
    StudyRecord,
)
from dangjian.learning.sanitize import clean_html

ADD_COURSE = "learning.add_course"
CHANGE_COURSE = "learning.change_course"
ADD_PLAN = "learning.add_studyplan"
CHANGE_PLAN = "learning.change_studyplan"
COURSE_FIELDS = ["org", "title", "summary", "audience", "counts_as_training", "quiz_size", "pass_mark"]
PLAN_FIELDS = ["org", "year", "title", "required_hours"]
MEGABYTE = 1024 * 1024
MAX_PDF_BYTES = 20 * MEGABYTE
MAX_VIDEO_BYTES = 300 * MEGABYTE
LESSON_AUDIT_FIELDS = ["number", "title", "kind", "minutes", "original_name", "content_type", "size"]
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


def _refuse(message: str, rule: str, field: str | None = None):
    raise RuleViolation(message, rule=rule, field=field)


def _check_version(obj, version: int | None) -> None:
    if version is not None and int(version) != obj.version:
        raise ConcurrentChange(
            gettext("“%(name)s” was changed by someone else meanwhile; reload the page and try again.")
            % {"name": str(obj)},
            rule="version",
        )


def _save_versioned(
    model, obj, fields: dict, *, by, version: int | None, create_permission: str, change_permission: str
):
    """Create ``obj`` (pk None) or update it with ``fields``: checked, version-locked, audited."""
    with transaction.atomic():
        if obj is None or obj.pk is None:
            obj = model(**fields, created_by=by if getattr(by, "is_authenticated", False) else None)
            check_perm(by, create_permission, obj)
            obj.full_clean(exclude=["created_by"])
            obj.save()
            audit.record(AuditAction.CREATE, obj, by=by, changes=audit.diff({}, audit.snapshot(obj)))
            return obj
        current = model.objects.select_for_update().get(pk=obj.pk)
        check_perm(by, change_permission, current)
        _check_version(current, version)
        before = audit.snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        check_perm(by, change_permission, current)  # still in scope after the change (a moved org)
        current.full_clean(exclude=["created_by"])
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        audit.record(AuditAction.UPDATE, current, by=by, changes=audit.diff(before, audit.snapshot(current)))
        return current


# --- courses ----------------------------------------------------------------------------------


def save_course(course: Course | None, *, by, version: int | None = None, **fields) -> Course:
    """Create a course (a draft) or change it."""
    fields = {name: value for name, value in fields.items() if name in COURSE_FIELDS}
    if "pass_mark" in fields and not 0 < int(fields["pass_mark"]) <= 100:
        _refuse(
            gettext("The pass mark is a percentage between 1 and 100."), "learning_pass_mark", "pass_mark"
        )
    return _save_versioned(
        Course,
        course,
        fields,
        by=by,
        version=version,
        create_permission=ADD_COURSE,
        change_permission=CHANGE_COURSE,
    )


def set_course_state(course: Course, state: str, *, by) -> Course:
    """Publish a course (it needs a lesson) or withdraw it from learners."""
    with transaction.atomic():
        current = Course.objects.select_for_update().select_related("org").get(pk=course.pk)
        check_perm(by, CHANGE_COURSE, current)
        if state == CourseState.PUBLISHED and not current.lessons.exists():
            _refuse(gettext("Add at least one lesson before publishing the course."), "learning_no_lessons")
        before = audit.snapshot(current, ["state"])
        current.state = state
        if state == CourseState.PUBLISHED and current.published_at is None:
            current.published_at = timezone.now()
        current.version += 1
        current.save()
        audit.record(
            AuditAction.UPDATE, current, by=by, changes=audit.diff(before, audit.snapshot(current, ["state"]))
        )
        return current


# --- lessons ----------------------------------------------------------------------------------


def _extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def check_upload(kind: str, upload) -> str:
    """The content type of an uploaded lesson file after checking its kind, size and first bytes
    (the browser's declared type is not trusted); refused with a message naming the limit."""
    name = getattr(upload, "name", "") or ""
    head = upload.read(16)
    upload.seek(0)
    if kind == LessonKind.PDF:
        if upload.size > MAX_PDF_BYTES:
            _refuse(
                gettext("The PDF is larger than %(size)s MB.") % {"size": MAX_PDF_BYTES // MEGABYTE},
                "learning_size",
                "file",
            )
        if not head.startswith(b"%PDF-"):
            _refuse(gettext("“%(name)s” is not a PDF file.") % {"name": name}, "learning_file_type", "file")
        return "application/pdf"
    if kind == LessonKind.VIDEO:
        if upload.size > MAX_VIDEO_BYTES:
            _refuse(
                gettext("The video is larger than %(size)s MB.") % {"size": MAX_VIDEO_BYTES // MEGABYTE},
                "learning_size",
                "file",
            )
        extension = _extension(name)
        is_mp4 = extension == ".mp4" and head[4:8] == b"ftyp"
        is_webm = extension == ".webm" and head.startswith(b"\x1a\x45\xdf\xa3")
        if not (is_mp4 or is_webm):
            _refuse(
                gettext("“%(name)s” is not an MP4 or WebM video.") % {"name": name},
                "learning_file_type",
                "file",
            )
        return VIDEO_TYPES[extension]
    _refuse(gettext("A text lesson has no file."), "learning_file_type", "file")
    return ""


def save_lesson(
    lesson: Lesson | None,
    *,
    course: Course,
    by,
    title: str,
    kind: str,
    minutes: int,
    number: int | None = None,
    body: str = "",
    upload=None,
) -> Lesson:
    """Add a lesson to a course or change one; a PDF or video lesson needs its file."""
    content_type = check_upload(kind, upload) if upload is not None else ""
    with transaction.atomic():
        current_course = Course.objects.select_for_update().select_related("org").get(pk=course.pk)
        check_perm(by, CHANGE_COURSE, current_course)
        creating = lesson is None
        if creating:
            last = current_course.lessons.order_by("-number").values_list("number", flat=True).first() or 0
            lesson = Lesson(course=current_course, number=number or last + 1)
            before = {}
        else:
            lesson = Lesson.objects.select_for_update().get(pk=lesson.pk, course=current_course)
            before = audit.snapshot(lesson, LESSON_AUDIT_FIELDS)
            if number:
                lesson.number = number
        if kind != LessonKind.TEXT and upload is None and (creating or lesson.kind != kind):
            _refuse(gettext("A PDF or video lesson needs its file."), "learning_file_missing", "file")
        lesson.title, lesson.kind, lesson.minutes = title.strip(), kind, max(1, int(minutes))
        lesson.body = clean_html(body) if kind == LessonKind.TEXT else ""
        old_file = lesson.file.name if lesson.file and upload is not None else ""
        if upload is not None:
            lesson.original_name = (getattr(upload, "name", "") or "")[-200:]
            lesson.content_type, lesson.size = content_type, upload.size
            lesson.file.save(upload.name, upload, save=False)
        elif kind == LessonKind.TEXT and lesson.file:
            old_file = lesson.file.name
            lesson.file, lesson.original_name, lesson.content_type, lesson.size = "", "", "", 0
        lesson.save()
        audit.record(
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            lesson,
            by=by,
            changes=audit.diff(before, audit.snapshot(lesson, LESSON_AUDIT_FIELDS)),
        )
        if old_file:
            storage, name = Lesson._meta.get_field("file").storage, old_file
            transaction.on_commit(lambda: storage.delete(name))
    return lesson


def delete_lesson(lesson: Lesson, *, by) -> None:
    """Remove a lesson of a course no learner has studied yet (study records are kept)."""
    with transaction.atomic():
        current = Lesson.objects.select_for_update().select_related("course__org").get(pk=lesson.pk)
        check_perm(by, CHANGE_COURSE, current)
        if StudyRecord.objects.filter(lesson=current).exists():
            _refuse(
                gettext("“%(title)s” has study records; withdraw the course instead of deleting the lesson.")
                % {"title": current.title},
                "learning_lesson_studied",
            )
        audit.record(
            AuditAction.DELETE,
            current,
            by=by,
            changes=audit.diff(audit.snapshot(current, LESSON_AUDIT_FIELDS), {}),
        )
        name = current.file.name if current.file else ""
        current.delete()
        if name:
            storage = Lesson._meta.get_field("file").storage
            transaction.on_commit(lambda: storage.delete(name))


# --- question bank ----------------------------------------------------------------------------


def add_question(
    course: Course, *, by, kind: str, text: str, choices: Iterable[tuple[str, bool]]
) -> Question:
    """Add a question to a course's bank; a true/false question gets 对 and 错."""
    choices = [(label.strip(), bool(right)) for label, right in choices if label and label.strip()]
    if kind == QuestionKind.TRUE_FALSE:
        truth = any(right for label, right in choices if label in ("对", "正确", "true", "True"))
        choices = [("对", truth), ("错", not truth)]
    right = sum(1 for _label, is_right in choices if is_right)
    if len(choices) < 2:
        _refuse(gettext("A question needs at least two answers."), "learning_choices", "choices")
    if right == 0 or (kind != QuestionKind.MULTIPLE and right != 1):
        _refuse(
            gettext("Mark exactly one right answer (several for a multiple-choice question)."),
            "learning_choices",
            "choices",
        )
    with transaction.atomic():
        current = Course.objects.select_for_update().select_related("org").get(pk=course.pk)
        check_perm(by, CHANGE_COURSE, current)
        question = Question.objects.create(course=current, kind=kind, text=text.strip())
        Choice.objects.bulk_create(
            Choice(question=question, text=label, is_correct=is_right) for label, is_right in choices
        )
        audit.record(
            AuditAction.CREATE,
            question,
            by=by,
            changes={
                "text": [None, question.text],
                "choices": [None, [[label, is_right] for label, is_right in choices]],
            },
        )
    return question


def delete_question(question: Question, *, by) -> None:
    with transaction.atomic():
        current = Question.objects.select_for_update().select_related("course__org").get(pk=question.pk)
        check_perm(by, CHANGE_COURSE, current)
        audit.record(AuditAction.DELETE, current, by=by, changes={"text": [current.text, None]})
        current.delete()


# --- study time -------------------------------------------------------------------------------


def _person_id(user) -> int:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        _refuse(
            gettext("Study time is recorded for a person in the ledger; your account is not linked to one."),
            "learning_no_person",
        )
    return person_id


def record_heartbeat(
    user, lesson: Lesson, *, visible: bool, active: bool, now: datetime.datetime | None = None
) -> int:
    """Take one heartbeat of ``user`` on ``lesson`` (which the caller found visible to them) and
    return the seconds credited: see ``study_time`` for the rule."""
    person_id = _person_id(user)
    now = now or timezone.now()
    with transaction.atomic():
        clock, created = StudyClock.objects.select_for_update().get_or_create(
            person_id=person_id, defaults={"last_beat_at": now}
        )
        last = None if created else clock.last_beat_at
        if last is not None and now <= last:
            return 0
        credited = sum(
            StudyRecord.objects.filter(person_id=person_id, lesson=lesson).values_list("seconds", flat=True)
        )
        gained = study_time.credit(
            last, now, visible=visible, active=active, credited=credited, length_seconds=lesson.seconds
        )
        if not created:
            clock.last_beat_at = now
            clock.save(update_fields=["last_beat_at"])
        if gained:
            day = timezone.localdate(now)
            record, _made = StudyRecord.objects.get_or_create(person_id=person_id, lesson=lesson, day=day)
            StudyRecord.objects.filter(pk=record.pk).update(seconds=F("seconds") + gained)
    return gained


# --- quizzes ----------------------------------------------------------------------------------


def start_attempt(user, course: Course, *, rng: random.Random | None = None) -> Attempt:
    """Draw the course's ``quiz_size`` questions (all, when the bank is smaller) for a new attempt;
    an unsubmitted attempt is reused rather than drawing again."""
    person_id = _person_id(user)
    with transaction.atomic():
        open_attempt = (
            Attempt.objects.select_for_update()
            .filter(course=course, person_id=person_id, submitted_at__isnull=True)
            .first()
        )
        if open_attempt is not None:
            return open_attempt
        bank = list(Question.objects.filter(course=course).values_list("pk", flat=True))
        if not bank:
            _refuse(gettext("This course has no quiz questions yet."), "learning_no_questions")
        drawn = (rng or random.SystemRandom()).sample(bank, min(len(bank), max(1, course.quiz_size)))
        return Attempt.objects.create(
            course=course,
            person_id=person_id,
            user=user if user.is_authenticated else None,
            question_ids=drawn,
        )


def score(question_ids: list[int], answers: dict[str, list[int]]) -> tuple[int, dict[int, set[int]]]:
    """The percentage of the drawn questions answered exactly right, and the right answers."""
    right: dict[int, set[int]] = {pk: set() for pk in question_ids}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=question_ids, is_correct=True
    ).values_list("question_id", "pk"):
        right[question_id].add(choice_id)
    good = sum(1 for pk in question_ids if right[pk] and set(answers.get(str(pk), [])) == right[pk])
    return (round(100 * good / len(question_ids)) if question_ids else 0), right


def submit_attempt(user, attempt: Attempt, answers: dict[str, list[int]]) -> Attempt:
    """Mark an attempt: the share of the drawn questions answered exactly right against the pass mark."""
    person_id = _person_id(user)
    with transaction.atomic():
        current = Attempt.objects.select_for_update().select_related("course").get(pk=attempt.pk)
        if current.person_id != person_id:
            _refuse(gettext("This quiz attempt is not yours."), "learning_not_yours")
        if current.submitted_at is not None:
            _refuse(gettext("This attempt was already submitted; start a new one."), "learning_submitted")
        drawn = set(current.question_ids)
        clean = {
            str(pk): sorted({int(c) for c in answers.get(str(pk), []) if str(c).isdigit()})
            for pk in current.question_ids
        }
        # Only choices of the drawn questions count.
        valid = set(Choice.objects.filter(question_id__in=drawn).values_list("question_id", "pk"))
        clean = {key: [c for c in value if (int(key), c) in valid] for key, value in clean.items()}
        current.score, _right = score(current.question_ids, clean)
        current.answers = clean
        current.passed = current.score >= current.course.pass_mark
        current.submitted_at = timezone.now()
        current.save()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=user,
            changes={"score": [None, current.score], "passed": [None, current.passed]},
        )
    return current


# --- study plans ------------------------------------------------------------------------------


def save_plan(
    plan: StudyPlan | None,
    *,
    by,
    courses: Iterable[Course] | None = None,
    version: int | None = None,
    **fields,
) -> StudyPlan:
    """Create or change an organization's yearly study plan and its required courses."""
    fields = {name: value for name, value in fields.items() if name in PLAN_FIELDS}
    if "required_hours" in fields:
        fields["required_hours"] = Decimal(str(fields["required_hours"] or 0))
        if fields["required_hours"] < 0:
            _refuse(gettext("The required hours cannot be negative."), "learning_hours", "required_hours")
    with transaction.atomic():
        if plan is None and StudyPlan.objects.filter(org=fields.get("org"), year=fields.get("year")).exists():
            _refuse(
                gettext("%(org)s already has a study plan for %(year)s; edit it instead.")
                % {"org": fields["org"].name, "year": fields["year"]},
                "learning_plan_year",
                "year",
            )
        saved = _save_versioned(
            StudyPlan,
            plan,
            fields,
            by=by,
            version=version,
            create_permission=ADD_PLAN,
            change_permission=CHANGE_PLAN,
        )
        if courses is not None:
            courses = list(courses)
            before = sorted(saved.courses.values_list("pk", flat=True))
            saved.courses.set(courses)
            after = sorted(course.pk for course in courses)
            if before != after:
                audit.record(AuditAction.UPDATE, saved, by=by, changes={"courses": [before, after]})
    return saved
