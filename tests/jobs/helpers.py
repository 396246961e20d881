"""Builders for the 就业 tests: postings, seekers and training written directly, in 社区A
(secretary_a's) and inside 光明社区第一网格 of 社区B (out of her scope, and out of the two-role
persona's, whose grid post there carries no jobs permission)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.core.models import Person
from dangjian.jobs.models import JobPosting, JobSeeker, TrainingAttendance, TrainingSession
from dangjian.members.models import Resident
from dangjian.volunteering.models import Skill
from tests.factories import PersonFactory


def today() -> datetime.date:
    return timezone.localdate()


def skill(name: str) -> Skill:
    return Skill.objects.get_or_create(category="技能", name=name)[0]


def resident_in(area, name: str, mobile: str = "") -> Person:
    person = PersonFactory(name=name)
    if mobile:
        person.mobile = mobile
        person.save()
    Resident.objects.create(person=person, area=area)
    return person


def posting(area, org, title: str = "电工", *, skills=(), positions: int = 2, **fields) -> JobPosting:
    fields.setdefault("enterprise_name", "幸福物业公司")
    fields.setdefault("opens_on", today() - datetime.timedelta(days=10))
    made = JobPosting.objects.create(area=area, org=org, title=title, positions=positions, **fields)
    made.skills.set([skill(name) for name in skills])
    return made


def seeker(area, org, name: str = "求职者", *, skills=(), mobile: str = "", **fields) -> JobSeeker:
    fields.setdefault("registered_on", today() - datetime.timedelta(days=5))
    made = JobSeeker.objects.create(person=resident_in(area, name, mobile), area=area, org=org, **fields)
    made.skills.set([skill(name) for name in skills])
    return made


def training(
    area, org, title: str = "家政服务培训", *, hours_ago: int = 1, capacity: int = 30
) -> TrainingSession:
    return TrainingSession.objects.create(
        area=area,
        org=org,
        title=title,
        starts_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        capacity=capacity,
        place="社区活动室",
    )


def posting_in_a(world) -> JobPosting:
    return JobPosting.objects.filter(org=world.org_a).first() or posting(
        world.grid_a1, world.org_a, skills=["电工"]
    )


def posting_in_b(world) -> JobPosting:
    return JobPosting.objects.filter(area=world.grid_b1).first() or posting(
        world.grid_b1, world.branch_b1, "保洁员", enterprise_name="光明保洁公司"
    )


def seeker_in_a(world) -> JobSeeker:
    return JobSeeker.objects.filter(org=world.org_a).first() or seeker(
        world.building_a1, world.org_a, "钱求职", skills=["电工"], mobile="13812345678"
    )


def seeker_in_b(world) -> JobSeeker:
    return JobSeeker.objects.filter(area=world.grid_b1).first() or seeker(
        world.grid_b1, world.branch_b1, "孙求职"
    )


def training_in_a(world) -> TrainingSession:
    return TrainingSession.objects.filter(org=world.org_a).first() or training(world.grid_a1, world.org_a)


def training_in_b(world) -> TrainingSession:
    return TrainingSession.objects.filter(area=world.grid_b1).first() or training(
        world.grid_b1, world.branch_b1
    )


def enrolled(session: TrainingSession, person: Person) -> TrainingAttendance:
    return TrainingAttendance.objects.get_or_create(session=session, person=person)[0]
