"""Builders for the activities tests: an activity of 社区A党委 in 幸福社区 running now, volunteers
with accounts, and a confirmed 双报到 log. Rows are written directly; services are what is tested."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.activities.choices import ActivityState, HoursSource, RecordEntryKind
from dangjian.activities.models import Activity, HoursRecord, RecordEntry, RewardItem, SignUp
from dangjian.core.models import Person
from tests.factories import PersonFactory, UserFactory


def activity_in(
    org,
    area,
    *,
    title: str = "周末清洁家园",
    capacity: int = 10,
    state=ActivityState.OPEN,
    starts_in_hours: float = -1,
    hours: float = 3,
    **fields,
) -> Activity:
    starts_at = timezone.now() + datetime.timedelta(hours=starts_in_hours)
    return Activity.objects.create(
        org=org,
        area=area,
        title=title,
        place="幸福社区广场",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        capacity=capacity,
        state=state,
        **fields,
    )


def activity_a(world, **fields) -> Activity:
    found = Activity.objects.filter(org=world.org_a).first() if not fields else None
    return found or activity_in(world.org_a, world.community_a, **fields)


def activity_b(world) -> Activity:
    found = Activity.objects.filter(org=world.org_b).first()
    return found or activity_in(world.org_b, world.community_b, title="光明社区义诊")


def volunteer(username: str = "vol", name: str = "王志愿") -> User:
    """A logged-in person with no role at all: volunteers need none."""
    return UserFactory(username=username, person=PersonFactory(name=name))


def signed_up(activity: Activity, person: Person, **fields) -> SignUp:
    fields.setdefault("signed_up_at", timezone.now())
    return SignUp.objects.create(activity=activity, person=person, **fields)


def record_at(org, person: Person, *, hours=2, days_ago: int = 3, content: str = "助老服务") -> HoursRecord:
    return HoursRecord.objects.create(
        person=person,
        org=org,
        served_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        content=content,
        hours=hours,
        source=HoursSource.MANUAL,
        confirmed_at=timezone.now(),
    )


def reward_in(org, area, *, cost: int = 20, stock: int = 5, name: str = "环保袋") -> RewardItem:
    return RewardItem.objects.create(org=org, area=area, name=name, cost=cost, stock=stock)


def entry_at(org, person: Person, *, title: str = "急救知识培训", days_ago: int = 5, **fields) -> RecordEntry:
    """A training entry by default; pass ``kind`` and the kind's fields for an award or evaluation."""
    fields.setdefault("kind", RecordEntryKind.TRAINING)
    if fields["kind"] == RecordEntryKind.TRAINING:
        fields.setdefault("training_hours", 4)
    return RecordEntry.objects.create(
        person=person,
        org=org,
        occurred_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        title=title,
        recorded_at=timezone.now(),
        **fields,
    )
