"""Recorded study of courses marked as 发展对象 training counts toward the training step's rule
(≥ 3 days or ≥ 24 class hours, 细则第十七条): a 发展对象 reaches the 24-hour rule from study alone."""

from __future__ import annotations

import datetime

import pytest

from dangjian.core.errors import RuleViolation
from dangjian.development import services as development
from dangjian.development.models import StepRecord
from dangjian.learning.models import StudyRecord
from dangjian.learning.selectors import training_hours
from tests.development.helpers import full_members, new_applicant, plus, walk
from tests.learning.helpers import course

pytestmark = pytest.mark.django_db


def _study(person_id: int, lesson, day: datetime.date, hours: float) -> None:
    StudyRecord.objects.create(person_id=person_id, lesson=lesson, day=day, seconds=int(hours * 3600))


def test_a_candidate_reaches_the_24_hour_rule_from_recorded_study(world, secretary_a):
    members = full_members(world.branch_a1)
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="political_review")
    applicant.refresh_from_db()
    training = course(world.district_org, "发展对象培训班", training=True)
    other = course(world.district_org, "一般课程")
    lesson, other_lesson = training.lessons.first(), other.lessons.first()
    # 20 hours of training courses after becoming 发展对象, plus study that does not count: other
    # courses, and training study before the candidate date.
    for offset, hours in ((1, 8), (2, 8), (3, 4)):
        _study(applicant.person_id, lesson, plus(applicant.candidate_on, offset), hours)
    _study(applicant.person_id, other_lesson, plus(applicant.candidate_on, 1), 10)
    _study(applicant.person_id, lesson, plus(applicant.candidate_on, -30), 10)
    on = plus(date, 3)
    assert training_hours(applicant.person_id, applicant.candidate_on, on) == 20
    with pytest.raises(RuleViolation) as refused:
        development.record_step(applicant, "training", on, by=secretary_a)
    assert "20" in refused.value.message
    StudyRecord.objects.filter(
        person_id=applicant.person_id, lesson=lesson, day=plus(applicant.candidate_on, 3)
    ).update(seconds=8 * 3600)
    record = development.record_step(applicant, "training", on, by=secretary_a)
    assert record.values["studied_hours"] == 24.0
    assert StepRecord.objects.filter(applicant=applicant, step__code="training").count() == 1


def test_entered_hours_and_studied_hours_add_up(world, secretary_a):
    members = full_members(world.branch_a1)
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="political_review")
    applicant.refresh_from_db()
    lesson = course(world.district_org, "发展对象培训班", training=True).lessons.first()
    _study(applicant.person_id, lesson, plus(applicant.candidate_on, 1), 10)
    record = development.record_step(applicant, "training", plus(date, 3), by=secretary_a, hours=14)
    assert record.values == {"hours": 14, "studied_hours": 10.0}
