"""For applicants: my development steps with their dates, and what comes next with its earliest
date, as the development app's own rules compute it (``development.rules.next_step``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats

from dangjian.development import rules
from dangjian.development.models import Applicant, StepRecord
from dangjian.development.services import active_steps, done_dates, extension_months
from tests.mine.helpers import applicant_user


def test_an_activist_sees_their_dated_steps_and_the_next_one_with_its_earliest_date(client, world):
    user = applicant_user(world)
    applicant = Applicant.objects.get(person=user.person)
    records = list(StepRecord.objects.filter(applicant=applicant).select_related("step"))
    step, due = rules.next_step(active_steps(applicant.org), done_dates(records), extension_months(records))
    assert step is not None and step == applicant.next_step
    client.force_login(user)
    page = client.get(reverse("mine:development")).content.decode()
    assert f'<p class="fw-semibold mb-1" id="mine-next-step">{step.name}</p>' in page
    if due.earliest:
        assert formats.date_format(due.earliest, "DATE_FORMAT") in page
    for record in records:
        assert f'data-step="{record.step.code}" data-status="done"' in page
        assert formats.date_format(record.date, "DATE_FORMAT") in page
    overview = client.get(reverse("mine:index")).content.decode()
    assert 'data-section="development"' in overview
    assert step.name in overview


def test_another_applicants_file_is_not_shown(client, world):
    mine = applicant_user(world, "applicant_a")
    theirs = applicant_user(world, "applicant_b", until="activist", applied_years_ago=0.8)
    Applicant.objects.filter(person=theirs.person).update(note="他人的档案")
    their_dates = {
        formats.date_format(record.date, "DATE_FORMAT")
        for record in StepRecord.objects.filter(applicant__person=theirs.person)
    }
    my_dates = {
        formats.date_format(record.date, "DATE_FORMAT")
        for record in StepRecord.objects.filter(applicant__person=mine.person)
    }
    client.force_login(mine)
    page = client.get(reverse("mine:development")).content.decode()
    assert all(date in page for date in my_dates)
    assert their_dates - my_dates
    assert not [date for date in their_dates - my_dates if date in page]


def test_a_member_without_a_file_sees_an_empty_state(client, world):
    from tests.mine.helpers import member_user

    user = member_user(world.branch_a1, "member_a", "张党员")
    client.force_login(user)
    page = client.get(reverse("mine:development")).content.decode()
    assert "dj-empty" in page
    assert 'data-section="development"' not in client.get(reverse("mine:index")).content.decode()
