"""Manual awards and deductions (a reason, audited), reversals that never delete, ranking ties,
the rule table's guard once points are posted, and the points figure."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.member_points import services
from dangjian.member_points.choices import EntryKind
from dangjian.member_points.models import PointEntry
from dangjian.member_points.selectors import rank_of, ranking
from tests.member_points.helpers import MARCH, member, rules, small_world

pytestmark = pytest.mark.django_db
MARCH_END = datetime.date(2026, 3, 31)
DAY = datetime.date(2026, 3, 20)


def test_a_deduction_needs_a_reason_and_is_audited(world, secretary_a):
    zhang = member(world.branch_a1, "张三")
    with pytest.raises(RuleViolation) as refused:
        services.award_points(
            by=secretary_a, member=zhang, points=Decimal("-2"), reason="  ", occurred_on=DAY
        )
    assert refused.value.rule == "reason_required"
    entry = services.award_points(
        by=secretary_a, member=zhang, points=Decimal("-2"), reason="无故缺席主题党日", occurred_on=DAY
    )
    assert entry.kind == EntryKind.MANUAL and entry.points == Decimal("-2.00") and entry.month == MARCH
    line = AuditEntry.objects.get(object_type="member_points.pointentry", object_id=str(entry.pk))
    assert line.user_id == secretary_a.pk and line.note == "无故缺席主题党日"
    assert line.changes["points"] == "-2.00" and line.org_path == world.branch_a1.path


def test_a_secretary_cannot_award_outside_her_subtree(world, secretary_a):
    other = member(world.branch_b1, "乙")
    with pytest.raises(PermissionDenied):
        services.award_points(
            by=secretary_a, member=other, points=Decimal("1"), reason="表现突出", occurred_on=DAY
        )
    assert not PointEntry.objects.exists()


@pytest.mark.parametrize(
    ("points", "day"),
    [(Decimal("0"), DAY), (Decimal("1001"), DAY), (Decimal("1"), datetime.date(9999, 1, 1))],
)
def test_manual_points_out_of_range_are_refused_with_a_message(world, secretary_a, points, day):
    zhang = member(world.branch_a1, "张三")
    with pytest.raises(RuleViolation):
        services.award_points(by=secretary_a, member=zhang, points=points, reason="测试", occurred_on=day)


def test_a_reversal_adds_the_opposite_entry_and_keeps_the_original(world, secretary_a):
    people = small_world(world)
    rules()
    services.post_points(MARCH, MARCH_END)
    posted = PointEntry.objects.get(person_id=people["zhang"].person_id, source_key="dues.on_time")
    reversal = services.reverse_entry(posted, by=secretary_a, reason="党费记录有误")
    assert (
        reversal.points == -posted.points and reversal.month == posted.month and reversal.reverses == posted
    )
    assert PointEntry.objects.filter(pk=posted.pk).exists()
    total = PointEntry.objects.filter(person_id=people["zhang"].person_id).aggregate(total=Sum("points"))[
        "total"
    ]
    assert total == Decimal("8.50")
    with pytest.raises(RuleViolation):
        services.reverse_entry(posted, by=secretary_a, reason="再次冲销")
    with pytest.raises(RuleViolation):
        services.reverse_entry(reversal, by=secretary_a, reason="冲销冲销")
    # Posting again does not bring the reversed entry back.
    assert services.post_points(MARCH, MARCH_END).created == 0
    assert AuditEntry.objects.filter(
        object_type="member_points.pointentry", object_id=str(reversal.pk)
    ).exists()


def test_the_ranking_gives_ties_the_same_rank_and_the_next_rank_without_a_gap(world, secretary_a):
    people = small_world(world)
    rules()
    services.post_points(MARCH, MARCH_END)
    # 王五 10 + 0.5 = 10.5 like 张三; 李四 has nothing.
    services.award_points(
        by=secretary_a, member=people["wang"], points=Decimal("0.5"), reason="主动担当", occurred_on=DAY
    )
    extra = member(world.branch_a1, "赵六")
    services.award_points(
        by=secretary_a, member=extra, points=Decimal("3"), reason="表现突出", occurred_on=DAY
    )
    ranks = {
        row.person.name: (row.rank, row.total) for row in ranking(world.branch_a1, Period.month(2026, 3))
    }
    assert ranks == {
        "张三": (1, Decimal("10.50")),
        "王五": (1, Decimal("10.50")),
        "赵六": (2, Decimal("3.00")),
        "李四": (3, Decimal("0")),
    }
    # One member's rank (我的) agrees with the list.
    assert rank_of(people["wang"], world.branch_a1, Period.month(2026, 3)) == (Decimal("10.50"), 1)
    assert rank_of(people["li"], world.branch_a1, Period.month(2026, 3)) == (Decimal("0"), 3)
    # Another month: nobody has points, everybody shares rank 1.
    assert {row.rank for row in ranking(world.branch_a1, Period.month(2026, 2))} == {1}


def test_a_rule_that_posted_keeps_its_rate_and_a_stale_edit_is_refused(world, district_admin):
    small_world(world)
    made = rules()["life.attendance"]
    services.post_points(MARCH, MARCH_END)
    with pytest.raises(RuleViolation) as refused:
        services.update_rule(made, by=district_admin, version=made.version, points_per_unit=Decimal("5"))
    assert refused.value.rule == "rule_posted"
    ended = services.update_rule(
        made, by=district_admin, version=made.version, active_to=datetime.date(2026, 6, 30)
    )
    assert ended.active_to == datetime.date(2026, 6, 30) and ended.version == 2
    with pytest.raises(ConcurrentChange):
        services.update_rule(made, by=district_admin, version=1, name="旧版本")


def test_a_rule_for_everyone_needs_the_whole_tree_and_a_subtree_rule_its_secretary(
    world, secretary_a, district_admin
):
    fields = {
        "source_key": "life.attendance",
        "name": "加分",
        "points_per_unit": Decimal("1"),
        "active_from": DAY,
    }
    with pytest.raises(PermissionDenied):
        services.create_rule(by=secretary_a, org=None, **fields)
    with pytest.raises(PermissionDenied):
        services.create_rule(by=secretary_a, org=world.org_b, **fields)
    assert services.create_rule(by=secretary_a, org=world.org_a, **fields).org == world.org_a
    assert services.create_rule(by=district_admin, org=None, **fields).org is None
    with pytest.raises(RuleViolation):
        services.create_rule(by=district_admin, org=None, **{**fields, "source_key": "learning.study"})


def test_the_points_figure_equals_the_sum_of_its_entries(world, secretary_a):
    people = small_world(world)
    rules()
    services.post_points(MARCH, MARCH_END)
    services.award_points(
        by=secretary_a, member=people["li"], points=Decimal("-1"), reason="迟到", occurred_on=DAY
    )
    member(world.branch_b1, "乙")
    figure = get_figure("member_points.points_posted")
    period = Period.month(2026, 3)
    expected = sum(
        entry.points
        for entry in PointEntry.objects.all()
        if entry.org.path.startswith(world.org_a.path) and period.contains(entry.occurred_on)
    )
    assert figure.compute(world.org_a, period) == expected == Decimal("19.50")
    assert figure.compute(world.org_b, period) == 0
    assert "start=2026-03-01" in figure.records_url(world.org_a, period)
