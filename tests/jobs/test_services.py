"""就业 state changes: postings, the register, placements (never beyond the positions), training
capacity and the roll; each refused with its rule, each change audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.jobs import services
from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.jobs.models import Placement, TrainingAttendance
from tests.jobs.helpers import posting, posting_in_a, resident_in, seeker, skill, today, training


def test_a_posting_is_recorded_with_its_skills_and_audited(world, secretary_a):
    made = services.create_posting(
        by=secretary_a,
        enterprise_name="幸福物业公司",
        title="电工",
        area=world.grid_a1,
        org=world.org_a,
        positions=3,
        skills=[skill("电工")],
        salary_min=Decimal("4000"),
        salary_max=Decimal("6000"),
    )
    assert [s.name for s in made.skills.all()] == ["电工"]
    entry = AuditEntry.objects.get(object_type="jobs.jobposting", action="create")
    assert entry.changes["skills"] == [None, ["电工"]]


def test_a_reversed_salary_range_is_refused(world, secretary_a):
    with pytest.raises(RuleViolation) as refused:
        services.create_posting(
            by=secretary_a,
            enterprise_name="厂",
            title="工",
            area=world.grid_a1,
            org=world.org_a,
            salary_min=Decimal("6000"),
            salary_max=Decimal("4000"),
        )
    assert refused.value.rule == "salary_range"


def test_staff_of_another_community_cannot_record_a_posting_here(world, secretary_b):
    with pytest.raises(PermissionDenied):
        services.create_posting(
            by=secretary_b, enterprise_name="厂", title="工", area=world.grid_a1, org=world.org_a
        )


def test_a_stale_posting_edit_is_refused(world, secretary_a):
    made = posting_in_a(world)
    services.update_posting(made, by=secretary_a, version=1, positions=5)
    with pytest.raises(ConcurrentChange):
        services.update_posting(made, by=secretary_a, version=1, positions=9)
    made.refresh_from_db()
    assert made.positions == 5


def test_a_person_registers_once_while_seeking(world, secretary_a):
    person = resident_in(world.building_a1, "钱求职")
    services.register_seeker(
        by=secretary_a, person=person, area=world.grid_a1, org=world.org_a, skills=[skill("电工")]
    )
    with pytest.raises(RuleViolation) as twice:
        services.register_seeker(by=secretary_a, person=person, area=world.grid_a1, org=world.org_a)
    assert twice.value.rule == "already_seeking"


def test_placing_a_seeker_fills_a_position_and_never_more_than_offered(world, secretary_a):
    job = posting(world.grid_a1, world.org_a, positions=1)
    first = seeker(world.building_a1, world.org_a, "甲")
    second = seeker(world.building_a1, world.org_a, "乙")

    placement = services.place_seeker(first, job, by=secretary_a)
    first.refresh_from_db()
    assert first.state == SeekerState.PLACED and placement.placed_on == today()
    assert AuditEntry.objects.filter(object_type="jobs.placement", action="create").exists()

    with pytest.raises(RuleViolation) as full:
        services.place_seeker(second, job, by=secretary_a)
    assert full.value.rule == "posting_full"
    with pytest.raises(RuleViolation) as again:
        services.place_seeker(first, posting(world.grid_a1, world.org_a, "保安"), by=secretary_a)
    assert again.value.rule == "seeker_state"
    assert Placement.objects.count() == 1


def test_a_closed_posting_takes_nobody(world, secretary_a):
    job = posting_in_a(world)
    services.close_posting(job, by=secretary_a)
    job.refresh_from_db()
    assert job.state == PostingState.CLOSED
    with pytest.raises(RuleViolation) as refused:
        services.place_seeker(seeker(world.building_a1, world.org_a), job, by=secretary_a)
    assert refused.value.rule == "posting_closed"


def test_a_withdrawn_seeker_can_register_again(world, secretary_a):
    first = seeker(world.building_a1, world.org_a, "周")
    services.withdraw_seeker(first, by=secretary_a)
    again = services.register_seeker(by=secretary_a, person=first.person, area=world.grid_a1, org=world.org_a)
    assert again.state == SeekerState.SEEKING


def test_a_training_takes_no_more_people_than_its_capacity(world, secretary_a):
    session = training(world.grid_a1, world.org_a, capacity=1)
    services.enrol(session, resident_in(world.building_a1, "甲"), by=secretary_a)
    with pytest.raises(RuleViolation) as full:
        services.enrol(session, resident_in(world.building_a1, "乙"), by=secretary_a)
    assert full.value.rule == "training_full"


def test_the_roll_marks_who_attended_and_is_audited(world, secretary_a):
    session = training(world.grid_a1, world.org_a)
    came = services.enrol(session, resident_in(world.building_a1, "甲"), by=secretary_a)
    absent = services.enrol(session, resident_in(world.building_a1, "乙"), by=secretary_a)

    assert services.take_roll(session, {came.pk: True, absent.pk: False}, by=secretary_a) == 2
    assert services.take_roll(session, {came.pk: True}, by=secretary_a) == 0
    assert dict(TrainingAttendance.objects.values_list("pk", "attended")) == {came.pk: True, absent.pk: False}
    assert AuditEntry.objects.filter(object_type="jobs.trainingattendance", action="update").count() == 2


def test_the_roll_waits_until_the_training_starts(world, secretary_a):
    session = training(world.grid_a1, world.org_a)
    session.starts_at = timezone.now() + datetime.timedelta(days=1)
    session.save()
    row = services.enrol(session, resident_in(world.building_a1, "甲"), by=secretary_a)
    with pytest.raises(RuleViolation) as early:
        services.take_roll(session, {row.pk: True}, by=secretary_a)
    assert early.value.rule == "not_started"
