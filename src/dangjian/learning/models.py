"""网络党校 / 空中大讲堂: courses an organization publishes for its subtree (or the whole
district), their lessons (text, PDF, video), question banks with quiz attempts, the study time
recorded from a visible, active lesson page, and yearly study plans (年度学习计划).

Courses and plans sit in the organization tree by the organization that publishes them; staff
reach them through their role grants. A learner (an active party member, or an applicant with
an open development file) reaches the published courses of their organization and of every
organization above it, and district-wide courses, through ``visible_outside_scope``.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.core.search import search_tokens
from dangjian.learning.choices import CourseAudience, CourseState, LessonKind, QuestionKind
from dangjian.orgs.models import Organization

USER = settings.AUTH_USER_MODEL
VIEW_COURSE = "learning.view_course"


def learner_org_path(user) -> str | None:
    """The organization path a user learns in: their active membership's organization, else the
    branch of their open development file (发展对象 study too); None for anyone else. One query,
    remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "person_id", None):
        return None
    if hasattr(user, "_learning_org_path"):
        return user._learning_org_path
    from dangjian.development.choices import OPEN_STATES
    from dangjian.development.models import Applicant
    from dangjian.members.models import PartyMember

    path = (
        PartyMember.objects.filter(person_id=user.person_id, is_active=True)
        .values_list("org__path", flat=True)
        .first()
    )
    if path is None:
        path = (
            Applicant.objects.filter(person_id=user.person_id, state__in=OPEN_STATES)
            .values_list("org__path", flat=True)
            .first()
        )
    user._learning_org_path = path
    return path


def _ancestors_and_self(path: str) -> list[str]:
    step = Organization.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


class CourseQuerySet(ScopedQuerySet):
    def visible_outside_scope(self, user, permission: str) -> Q | None:
        """A learner reads the published courses meant for them (never drafts, never to edit)."""
        if permission != VIEW_COURSE:
            return None
        path = learner_org_path(user)
        if path is None:
            return None
        return Q(state=CourseState.PUBLISHED) & (
            Q(audience=CourseAudience.DISTRICT) | Q(org__path__in=_ancestors_and_self(path))
        )

    def published(self) -> CourseQuerySet:
        return self.filter(state=CourseState.PUBLISHED)


class Course(models.Model):
    """A course (课程) of the online party school, published by an organization."""

    org = models.ForeignKey(
        Organization, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, default="")
    audience = models.CharField(
        _("audience"), max_length=12, choices=CourseAudience.choices, default=CourseAudience.SUBTREE
    )
    counts_as_training = models.BooleanField(
        _("counts as 发展对象 training"),
        default=False,
        help_text=_(
            "Study time of this course counts toward the training of 发展对象 (at least 3 days or 24 hours)."
        ),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=CourseState.choices, default=CourseState.DRAFT
    )
    quiz_size = models.PositiveSmallIntegerField(_("questions per quiz"), default=5)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    search_tokens = models.TextField(blank=True, default="", editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "audience"], name="learning_course_state_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_tokens = search_tokens(self.title, self.summary)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_tokens"}
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def is_published(self) -> bool:
        return self.state == CourseState.PUBLISHED


class LessonQuerySet(ScopedQuerySet):
    def visible_outside_scope(self, user, permission: str) -> Q | None:
        if permission != VIEW_COURSE:
            return None
        path = learner_org_path(user)
        if path is None:
            return None
        return Q(course__state=CourseState.PUBLISHED) & (
            Q(course__audience=CourseAudience.DISTRICT) | Q(course__org__path__in=_ancestors_and_self(path))
        )


def lesson_upload_to(lesson: Lesson, filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"learning/{lesson.course_id}/{uuid.uuid4().hex}{extension}"


class Lesson(models.Model):
    """One lesson (课时) of a course: a text, a PDF or a video, with its length in minutes."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="lessons"
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=LessonKind.choices, default=LessonKind.TEXT)
    body = models.TextField(_("text"), blank=True, default="")
    file = models.FileField(_("file"), upload_to=lesson_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True, default="")
    content_type = models.CharField(_("content type"), max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(_("size"), default=0)
    minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        default=10,
        help_text=_("The video's length, or the time the lesson takes to study."),
    )
    search_tokens = models.TextField(blank=True, default="", editable=False)

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course_id", "number", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_tokens = search_tokens(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_tokens"}
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "course__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.course.audit_scope_paths()

    @property
    def seconds(self) -> int:
        return self.minutes * 60


class Question(models.Model):
    """A question of a course's bank (题库); its choices say which are right."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    text = models.TextField(_("question"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["course_id", "id"]

    def __str__(self) -> str:
        return self.text[:50]

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "course__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.course.audit_scope_paths()


class Choice(models.Model):
    """One answer offered by a question."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question_id", "id"]

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    """One try at a course's quiz: the questions drawn, then the answers, score and verdict."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="attempts"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        USER, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    question_ids = models.JSONField(_("questions"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["person", "course", "passed"], name="learning_attempt_person_idx")]

    def __str__(self) -> str:
        return f"{self.course} · {self.started_at:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "course__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.course.audit_scope_paths()


class StudyRecord(models.Model):
    """Seconds of study credited to a person for one lesson on one day (学习记录).

    Only ``services.record_heartbeat`` adds to it, by the rule of ``study_time.credit``.
    """

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="records"
    )
    day = models.DateField(_("day"))
    seconds = models.PositiveIntegerField(_("seconds"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        ordering = ["-day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "lesson", "day"], name="learning_record_person_lesson_day_uniq"
            )
        ]
        indexes = [models.Index(fields=["person", "day"], name="learning_record_person_day_idx")]

    def __str__(self) -> str:
        return f"{self.lesson} · {self.day} · {self.seconds}s"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "lesson__course__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.lesson.audit_scope_paths()


class StudyClock(models.Model):
    """When a person's last heartbeat arrived, whatever the lesson: each accepted heartbeat
    credits at most the time since the previous one, so two tabs never count the same minute."""

    person = models.OneToOneField(
        "core.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    last_beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("study clock")
        verbose_name_plural = _("study clocks")
        ordering = ["person_id"]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.last_beat_at}"


class StudyPlan(models.Model):
    """A yearly study plan (年度学习计划) of an organization for the members of its subtree:
    required courses and a number of study hours in the year."""

    org = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    required_hours = models.DecimalField(_("required hours"), max_digits=6, decimal_places=1, default=0)
    courses = models.ManyToManyField(
        Course, verbose_name=_("required courses"), blank=True, related_name="plans"
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="learning_plan_org_year_uniq")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")
