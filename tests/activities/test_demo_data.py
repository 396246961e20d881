"""The generator step: activities with sign-ups, the one ledger (双报到 included), points that match
the ledger, a catalogue and 证明 requests — all bulk-inserted."""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

from django.db.models import Sum
from django.utils import timezone

from dangjian.activities import demo_data
from dangjian.activities.choices import ActivityState, HoursSource
from dangjian.activities.models import Activity, HoursRecord, PointAccount, PointEntry, RecordEntry, SignUp
from dangjian.dual_reporting.demo_data import generate_dual_reporting
from dangjian.members.models import Resident
from tests.dual_reporting.helpers import member_living_in
from tests.factories import PersonFactory


class FakeGenerator:
    rng = random.Random(7)
    today = timezone.localdate()
    anchors = SimpleNamespace(member=None, community_org=None)

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_builds_activities_hours_and_points_that_add_up(world, monkeypatch):
    monkeypatch.setattr(demo_data, "ACTIVITIES_PER_COMMUNITY", 12)
    for number in range(8):
        Resident.objects.create(person=PersonFactory(name=f"居民{number}"), area=world.building_a1)
    for number in range(4):
        member_living_in(world.branch_b1, world.building_a1, f"党员{number}")
    generate_dual_reporting(FakeGenerator())

    assert demo_data.generate_activities(FakeGenerator()) > 0

    assert Activity.objects.filter(area=world.community_a).count() == 12
    assert not Activity.objects.filter(state=ActivityState.FINISHED, starts_at__gt=timezone.now()).exists()
    confirmed = SignUp.objects.filter(confirmed_at__isnull=False).count()
    assert HoursRecord.objects.filter(source=HoursSource.ACTIVITY).count() == confirmed
    from dangjian.dual_reporting.models import ServiceLog

    assert (
        HoursRecord.objects.filter(source=HoursSource.DUAL_REPORTING).count()
        == ServiceLog.objects.filter(report__isnull=False, confirmed_at__isnull=False).count()
    )
    assert not HoursRecord.objects.filter(
        served_on__gt=timezone.localdate() + datetime.timedelta(days=1)
    ).exists()
    balances = PointAccount.objects.aggregate(total=Sum("balance"))["total"] or 0
    assert balances == (PointEntry.objects.aggregate(total=Sum("delta"))["total"] or 0)


def test_the_demo_member_has_a_training_and_an_award_of_their_community(world, monkeypatch):
    monkeypatch.setattr(demo_data, "ACTIVITIES_PER_COMMUNITY", 2)
    member = member_living_in(world.branch_a1, world.building_a1, "演示党员")
    generator = FakeGenerator()
    generator.anchors = SimpleNamespace(member=member, community_org=world.org_a)
    demo_data.generate_activities(generator)
    entries = RecordEntry.objects.filter(person_id=member.person_id)
    assert sorted(entries.values_list("kind", flat=True)) == ["award", "training"]
    assert {entry.org_id for entry in entries} == {world.org_a.pk}
    assert RecordEntry.objects.count() == 2
