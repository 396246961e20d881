"""Pipeline figures in the figures store: steps due in a period and steps late now over a subtree
equal a count of the applicant rows made by hand, and the applicant list shows exactly them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.development.choices import ApplicantState
from dangjian.development.models import Applicant
from tests.development.helpers import new_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicants(world, secretary_a, secretary_b):
    """社区A's branch: due this month; late (deadline passed); due next year; withdrawn though due;
    a date that is no deadline, passed. 社区B's branch: due this month."""
    today = timezone.localdate()

    def made(org, by, *, due, deadline=True, state=ApplicantState.ACTIVE):
        applicant = new_applicant(org, by)
        Applicant.objects.filter(pk=applicant.pk).update(
            next_due_on=due, next_due_is_deadline=deadline, state=state
        )
        return applicant

    made(world.branch_a1, secretary_a, due=today.replace(day=1))
    made(world.branch_a1, secretary_a, due=today - datetime.timedelta(days=40))
    made(world.branch_a1, secretary_a, due=today.replace(year=today.year + 1, day=1))
    made(world.branch_a1, secretary_a, due=today.replace(day=1), state=ApplicantState.WITHDRAWN)
    made(world.branch_a1, secretary_a, due=today - datetime.timedelta(days=3), deadline=False)
    made(world.branch_b1, secretary_b, due=today.replace(day=1))


def _by_hand(node, period: Period) -> dict[str, set[int]]:
    today = timezone.localdate()
    rows = [
        applicant
        for applicant in Applicant.objects.filter(org__path__startswith=node.path)
        if applicant.state in (ApplicantState.ACTIVE, ApplicantState.ADMITTED)
    ]
    return {
        "development.steps_due": {
            a.pk for a in rows if a.next_due_on is not None and period.contains(a.next_due_on)
        },
        "development.steps_late": {
            a.pk
            for a in rows
            if a.next_due_is_deadline and a.next_due_on is not None and a.next_due_on < today
        },
    }


@pytest.mark.usefixtures("applicants")
def test_pipeline_figures_equal_the_applicants_counted_by_hand_and_the_list_shows_them(
    client, world, secretary_a
):
    client.force_login(secretary_a)
    today = timezone.localdate()
    for period in (Period.month(today.year, today.month), Period.year(today.year)):
        expected = _by_hand(world.org_a, period)
        assert expected["development.steps_due"]  # the fixture is not empty
        for key, rows in expected.items():
            figure = get_figure(key)
            assert figure.compute(world.org_a, period) == len(rows), (period, key)
            response = client.get(figure.records_url(world.org_a, period))
            assert response.status_code == 200
            assert {a.pk for a in response.context["page"].object_list} == rows, (period, key)
