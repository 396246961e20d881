"""时间银行: points by the configured rules, posted once whatever the reruns, and a balance that never
goes below 0 — neither by a redemption nor by a correction taking points back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from dangjian.activities.models import PointAccount, PointEntry, PointRule
from dangjian.activities.services import ledger, points
from dangjian.core.errors import RuleViolation
from tests.activities.helpers import record_at, reward_in, volunteer


def test_points_follow_the_rule_and_its_cap(world):
    rule = PointRule.objects.get(source="manual")
    assert points.points_for(Decimal("2.5"), rule) == 25
    assert points.points_for(Decimal("12"), rule) == 80  # at most 80 per record
    rule.is_active = False
    assert points.points_for(Decimal("2"), rule) == 0


def test_rerunning_the_posting_job_never_counts_twice(world):
    person = volunteer().person
    record_at(world.org_a, person, hours=2)
    record_at(world.org_a, person, hours=1)
    assert points.post_pending_points() == 2
    assert points.post_pending_points() == 0
    points.post_points_for(ledger.HoursRecord.objects.first())
    assert PointAccount.objects.get(person=person).balance == 30
    assert PointEntry.objects.count() == 2


def test_a_correction_moves_the_points_with_the_hours(world, secretary_a):
    person = volunteer().person
    original = record_at(world.org_a, person, hours=3)
    points.post_points_for(original)
    ledger.correct_hours(original, by=secretary_a, hours="1", reason="更正")
    assert PointAccount.objects.get(person=person).balance == 10


def test_redeeming_takes_the_points_and_one_from_stock(world):
    user = volunteer()
    points.post_points_for(record_at(world.org_a, user.person, hours=3))
    item = reward_in(world.org_a, world.community_a, cost=20, stock=1)
    points.redeem(item, by=user)
    item.refresh_from_db()
    assert item.stock == 0
    assert PointAccount.objects.get(person=user.person).balance == 10
    with pytest.raises(RuleViolation) as refused:
        points.redeem(item, by=user)
    assert refused.value.rule == "out_of_stock"


def test_a_redemption_beyond_the_balance_is_refused(world):
    user = volunteer()
    points.post_points_for(record_at(world.org_a, user.person, hours=1))
    item = reward_in(world.org_a, world.community_a, cost=20)
    with pytest.raises(RuleViolation) as refused:
        points.redeem(item, by=user)
    assert refused.value.rule == "balance_too_low"
    assert PointAccount.objects.get(person=user.person).balance == 10


def test_a_correction_after_redeeming_takes_back_only_what_is_left(world, secretary_a):
    user = volunteer()
    original = record_at(world.org_a, user.person, hours=3)
    points.post_points_for(original)
    points.redeem(reward_in(world.org_a, world.community_a, cost=25), by=user)
    ledger.correct_hours(original, by=secretary_a, hours="0", reason="未实际参加")
    assert PointAccount.objects.get(person=user.person).balance == 0


def test_the_database_refuses_a_negative_balance(world):
    account = PointAccount.objects.create(person=volunteer().person, balance=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointAccount.objects.filter(pk=account.pk).update(balance=-1)
