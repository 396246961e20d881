"""What the online party school holds about a person: study time per lesson and day, and quiz
attempts. Both are records of the person's own study that completion figures count; there is
nothing free-text to anonymize, so the source gives them back but erases nothing."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, register_personal_data_source
from dangjian.learning.models import Attempt, StudyRecord


def study_rows(person) -> list[dict]:
    rows = (
        StudyRecord.objects.filter(person=person)
        .values("lesson__course__title", "lesson__title")
        .annotate(seconds=Sum("seconds"))
        .order_by("lesson__course__title", "lesson__title")
    )
    return [
        {
            "course": row["lesson__course__title"],
            "lesson": row["lesson__title"],
            "minutes": row["seconds"] // 60,
        }
        for row in rows
    ]


def attempt_rows(person) -> list[dict]:
    return [
        {"course": attempt.course.title, "submitted_at": attempt.submitted_at, "score": attempt.score}
        for attempt in Attempt.objects.filter(person=person).select_related("course")
    ]


STUDY_SOURCE = PersonalDataSource(
    key="learning.study",
    label=_("Study records"),
    columns=(("course", _("course")), ("lesson", _("lesson")), ("minutes", _("minutes"))),
    rows=study_rows,
)
ATTEMPT_SOURCE = PersonalDataSource(
    key="learning.attempts",
    label=_("Quiz attempts"),
    columns=(("course", _("course")), ("submitted_at", _("submitted at")), ("score", _("score (%)"))),
    rows=attempt_rows,
)


def register() -> None:
    register_personal_data_source(STUDY_SOURCE)
    register_personal_data_source(ATTEMPT_SOURCE)
