"""Yearly study plans and their completion: the list, the Excel export (audited, recent sign-in)
and the ``learning.study_completion`` figure equal to a recomputation from the records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.learning import services
from dangjian.learning.models import Attempt, StudyRecord
from tests.learning.helpers import course_a, learner, plan

pytestmark = pytest.mark.django_db


def _complete(user, made, day):
    for lesson in made.lessons.all():
        StudyRecord.objects.create(person_id=user.person_id, lesson=lesson, day=day, seconds=lesson.seconds)
    Attempt.objects.create(
        course=made,
        person_id=user.person_id,
        question_ids=[],
        score=100,
        passed=True,
        submitted_at=timezone.now(),
    )


def test_completion_counts_members_who_did_the_courses_and_hours(world, secretary_a, client):
    year = timezone.localdate().year
    made = course_a(world)
    services.save_plan(
        None,
        by=secretary_a,
        org=world.org_a,
        year=year,
        title="年度计划",
        required_hours=Decimal("0.1"),
        courses=[made],
    )
    done, studying, idle = (
        learner(world.branch_a1, "甲"),
        learner(world.branch_a1, "乙"),
        learner(world.branch_a1, "丙"),
    )
    learner(world.branch_b1, "外")  # 社区B: no plan reaches them
    _complete(done, made, datetime.date(year, 1, 5))
    StudyRecord.objects.create(
        person_id=studying.person_id, lesson=made.lessons.first(), day=datetime.date(year, 1, 5), seconds=900
    )
    figure = get_figure("learning.study_completion")
    assert figure.compute(world.org_a, Period.year(year)) == Decimal("33.3")
    assert figure.compute(world.org_b, Period.year(year)) is None
    client.force_login(secretary_a)
    url = figure.records_url(world.org_a, Period.year(year))
    page = client.get(url)
    assert page.status_code == 200 and page.context["done"] == 1 and page.context["total"] == 3
    assert client.get(url + "&status=done").context["page"].object_list[0].member.person_id == done.person_id
    assert idle.person_id in {
        row.member.person_id for row in client.get(url + "&status=open").context["page"].object_list
    }


def test_the_completion_export_is_audited(world, secretary_a, client):
    plan(world.org_a, timezone.localdate().year, courses=[course_a(world)])
    learner(world.branch_a1)
    client.force_login(secretary_a)
    response = client.get(reverse("learning:completion_export"), {"org": world.org_a.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_a_plan_is_one_per_organization_and_year(world, secretary_a, secretary_b):
    services.save_plan(None, by=secretary_a, org=world.org_a, year=2026, title="计划", required_hours=10)
    from dangjian.core.errors import PermissionDenied, RuleViolation

    with pytest.raises(RuleViolation):
        services.save_plan(
            None, by=secretary_a, org=world.org_a, year=2026, title="又一个", required_hours=10
        )
    with pytest.raises(PermissionDenied):
        services.save_plan(None, by=secretary_b, org=world.org_a, year=2027, title="越权", required_hours=10)


def test_the_plan_form_saves_courses(world, secretary_a, client):
    made = course_a(world)
    client.force_login(secretary_a)
    response = client.post(
        reverse("learning:plan_create"),
        {"org": world.org_a.pk, "year": 2026, "title": "计划", "required_hours": "12", "courses": [made.pk]},
    )
    assert response.status_code == 302
    assert made.plans.get().required_hours == 12


def test_the_completion_list_costs_the_same_for_3_and_12_members(world, secretary_a, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan(world.org_a, timezone.localdate().year, courses=[course_a(world)])
    client.force_login(secretary_a)
    url = reverse("learning:completion_list") + f"?org={world.org_a.pk}"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for number in range(3):
        learner(world.branch_a1, f"甲{number}")
    count()
    few = count()
    for number in range(3, 12):
        learner(world.branch_a1, f"甲{number}")
    assert count() == few
