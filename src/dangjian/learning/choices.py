"""Enumerations of the online party school (网络党校 / 空中大讲堂)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseAudience(models.TextChoices):
    SUBTREE = "subtree", _("Members of the organization and those below it")
    DISTRICT = "district", _("Everyone in the district")


class CourseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    PDF = "pdf", _("PDF")
    VIDEO = "video", _("Video")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
