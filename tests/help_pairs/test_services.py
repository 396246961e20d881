"""帮扶对子 state changes: rules, rights (scope, the helper's own pairs), versions and audit lines."""

from __future__ import annotations

import datetime

import pytest

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.help_pairs import services
from dangjian.help_pairs.choices import PairKind, PairState
from dangjian.help_pairs.models import HelpPair, Visit
from tests.factories import PersonFactory
from tests.help_pairs.helpers import member_helper, pair, pair_in_a, pair_in_b, today


def test_a_secretary_sets_up_a_family_pair_and_the_first_visit_falls_due_one_interval_later(
    world, secretary_a
):
    helper, head = PersonFactory(name="李干部"), PersonFactory(name="王大爷")
    since = today() - datetime.timedelta(days=5)

    made = services.create_pair(
        by=secretary_a,
        helper=helper,
        kind=PairKind.FAMILY,
        family_head=head,
        area=world.grid_a1,
        org=world.org_a,
        since=since,
        visit_interval_days=30,
    )

    assert made.next_visit_due == since + datetime.timedelta(days=30)
    assert made.target_name == "王大爷"
    assert AuditEntry.objects.filter(
        object_type="help_pairs.helppair", object_id=str(made.pk), action="create"
    ).exists()


def test_a_family_pair_needs_the_head_of_household_and_not_the_helper_himself(world, secretary_a):
    helper = PersonFactory(name="李干部")
    with pytest.raises(RuleViolation) as missing:
        services.create_pair(
            by=secretary_a, helper=helper, kind=PairKind.FAMILY, area=world.grid_a1, org=world.org_a
        )
    assert missing.value.rule == "family_head"
    with pytest.raises(RuleViolation) as himself:
        services.create_pair(
            by=secretary_a,
            helper=helper,
            kind=PairKind.FAMILY,
            family_head=helper,
            area=world.grid_a1,
            org=world.org_a,
        )
    assert himself.value.rule == "self_pair"


def test_an_enterprise_pair_needs_its_name_and_a_second_identical_pair_is_refused(world, secretary_a):
    helper = PersonFactory(name="李干部")
    with pytest.raises(RuleViolation):
        services.create_pair(
            by=secretary_a, helper=helper, kind=PairKind.ENTERPRISE, area=world.grid_a1, org=world.org_a
        )
    services.create_pair(
        by=secretary_a,
        helper=helper,
        kind=PairKind.ENTERPRISE,
        enterprise_name="幸福食品厂",
        area=world.grid_a1,
        org=world.org_a,
    )
    with pytest.raises(RuleViolation) as twice:
        services.create_pair(
            by=secretary_a,
            helper=helper,
            kind=PairKind.ENTERPRISE,
            enterprise_name="幸福食品厂",
            area=world.grid_a1,
            org=world.org_a,
        )
    assert twice.value.rule == "duplicate_pair"


def test_a_secretary_of_another_community_cannot_set_up_a_pair_here(world, secretary_b):
    with pytest.raises(PermissionDenied):
        services.create_pair(
            by=secretary_b, helper=PersonFactory(), kind=PairKind.VILLAGE, area=world.grid_a1, org=world.org_a
        )
    assert not HelpPair.objects.exists()


def test_an_edit_with_a_stale_version_is_refused(world, secretary_a):
    made = pair_in_a(world)
    services.update_pair(made, by=secretary_a, version=made.version, visit_interval_days=15)
    with pytest.raises(ConcurrentChange):
        services.update_pair(made, by=secretary_a, version=made.version, note="过时的修改")
    made.refresh_from_db()
    assert made.visit_interval_days == 15 and made.version == 2
    assert made.next_visit_due == made.since + datetime.timedelta(days=15)


def test_ending_a_pair_stops_visits_being_logged(world, secretary_a):
    made = pair_in_a(world)
    services.end_pair(made, by=secretary_a)
    made.refresh_from_db()
    assert made.state == PairState.ENDED and made.until == today()
    with pytest.raises(RuleViolation) as refused:
        services.log_visit(made, by=secretary_a, findings="再次走访")
    assert refused.value.rule == "pair_ended"


def test_a_visit_moves_the_next_due_date_and_counts_problems(world, secretary_a):
    made = pair(PersonFactory(name="李帮扶"), world.grid_a1, world.org_a, since_days=90, interval=30)
    assert made.is_overdue()

    visit = services.log_visit(
        made,
        by=secretary_a,
        visited_on=today(),
        findings="屋顶漏水",
        problems_raised="屋顶漏水",
        problems_raised_count=1,
        problems_solved="联系物业修好",
        problems_solved_count=1,
    )

    made.refresh_from_db()
    assert made.last_visited_on == today()
    assert made.next_visit_due == today() + datetime.timedelta(days=30)
    assert not made.is_overdue()
    assert visit.problems_solved_count == 1


def test_a_visit_in_the_future_or_before_the_pair_is_refused(world, secretary_a):
    made = pair_in_a(world)
    with pytest.raises(RuleViolation) as future:
        services.log_visit(made, by=secretary_a, visited_on=today() + datetime.timedelta(days=1))
    assert future.value.rule == "future_date"
    with pytest.raises(RuleViolation) as before:
        services.log_visit(made, by=secretary_a, visited_on=made.since - datetime.timedelta(days=1))
    assert before.value.rule == "before_pair"


def test_counted_problems_need_their_description(world, secretary_a):
    with pytest.raises(RuleViolation) as refused:
        services.log_visit(pair_in_a(world), by=secretary_a, problems_solved_count=2)
    assert refused.value.field == "problems_solved"


def test_the_helper_logs_a_visit_on_their_own_pair_and_nobody_elses(world):
    helper_user = member_helper(world)
    own = pair(helper_user.person, world.grid_a1, world.org_a)
    other = pair(PersonFactory(name="别人"), world.grid_a1, world.org_a)

    visit = services.log_visit(own, by=helper_user, findings="上门看望")
    assert visit.logged_by == helper_user
    assert AuditEntry.objects.filter(object_type="help_pairs.visit", object_id=str(visit.pk)).get().note
    with pytest.raises(PermissionDenied):
        services.log_visit(other, by=helper_user, findings="冒名")


def test_a_correction_keeps_what_the_visit_said_before_in_the_audit_log(world, secretary_a):
    made = pair_in_a(world)
    visit = services.log_visit(made, by=secretary_a, findings="初次走访", visited_on=today())

    services.correct_visit(
        visit, by=secretary_a, version=visit.version, reason="记错了", findings="第二次走访"
    )

    visit.refresh_from_db()
    assert visit.findings == "第二次走访" and visit.version == 2
    entry = AuditEntry.objects.filter(object_type="help_pairs.visit", action="update").get()
    assert entry.changes["findings"] == ["初次走访", "第二次走访"]
    assert entry.note == "记错了"
    with pytest.raises(ConcurrentChange):
        services.correct_visit(visit, by=secretary_a, version=1, reason="过时", findings="x")


def test_staff_of_another_community_cannot_log_or_correct_visits_here(world, secretary_b):
    made = pair_in_a(world)
    with pytest.raises(PermissionDenied):
        services.log_visit(made, by=secretary_b, findings="越权")
    assert not Visit.objects.filter(pair=made).exists()
    visit = Visit.objects.create(pair=pair_in_b(world), visited_on=today(), findings="x")
    services.correct_visit(visit, by=secretary_b, reason="更正", findings="y")
