"""Applicants for the permission tables: one in 社区A's branch, one in 社区B's."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.development.choices import ApplicantSource
from dangjian.development.models import Applicant, StepDefinition, StepRecord
from tests.factories import PersonFactory


def applicant_in(branch, *, days_ago: int = 10, name: str = "周入党") -> Applicant:
    """An applicant who handed in the application ``days_ago`` days ago (talk not yet held)."""
    applied_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    applicant = Applicant.objects.create(
        person=PersonFactory(name=name, birth_date=datetime.date(1995, 3, 1)),
        org=branch,
        source=ApplicantSource.LEAGUE,
        applied_on=applied_on,
        next_step=StepDefinition.objects.get(code="application_talk"),
        next_due_on=applied_on + datetime.timedelta(days=30),
        next_due_is_deadline=True,
    )
    StepRecord.objects.create(
        applicant=applicant, step=StepDefinition.objects.get(code="application"), date=applied_on
    )
    return applicant
