"""双报到 through the services: who reports where, the 在职 rule, hours, confirmation, feedback."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry, Notification
from dangjian.dual_reporting import services
from dangjian.dual_reporting.choices import ClaimKind, ClaimState, FeedbackRating, ReportState
from dangjian.dual_reporting.models import MemberReport, ServiceLog, UnitPairing, YearlyFeedback
from dangjian.members.choices import MemberCategory
from tests.dual_reporting.helpers import member_living_in, member_login, pairing, report

TODAY = timezone.localdate


def test_a_member_reports_themself_to_the_community_of_their_home(world):
    member = member_living_in(world.branch_b1, world.building_a1)
    user = member_login(member, "zaizhi")

    made = services.report_member(member, by=user, skills="法律咨询")

    assert made.community == world.community_a
    assert made.community_org == world.org_a
    assert made.state == ReportState.ACTIVE
    assert AuditEntry.objects.filter(
        object_type="dual_reporting.memberreport", object_id=str(made.pk)
    ).exists()


def test_a_member_cannot_report_someone_else(world):
    member = member_living_in(world.branch_b1, world.building_a1)
    other = member_living_in(world.branch_b1, world.building_a1, "另一人")
    user = member_login(member, "zaizhi")

    with pytest.raises(PermissionDenied):
        services.report_member(other, by=user)


def test_a_retired_member_is_refused_unless_confirmed(world, secretary_a):
    member = member_living_in(world.branch_a1, world.building_a1, category=MemberCategory.RETIRED)

    with pytest.raises(RuleViolation) as refused:
        services.report_member(member, by=secretary_a)
    assert refused.value.rule == "employed_only"
    assert "在职" in refused.value.message and "离退休" in refused.value.message

    made = services.report_member(member, by=secretary_a, confirm_not_employed=True)
    assert made.pk


def test_one_active_report_per_member(world, secretary_a):
    member = member_living_in(world.branch_a1, world.building_a1)
    services.report_member(member, by=secretary_a)

    with pytest.raises(RuleViolation) as refused:
        services.report_member(member, by=secretary_a)
    assert refused.value.rule == "one_active_report"


def test_a_member_without_a_recorded_home_needs_a_community(world, secretary_a):
    from dangjian.members.models import PartyMember
    from tests.factories import PersonFactory

    member = PartyMember.objects.create(person=PersonFactory(name="无住址"), org=world.branch_a1)
    with pytest.raises(RuleViolation) as refused:
        services.report_member(member, by=secretary_a)
    assert refused.value.rule == "community_required"
    with pytest.raises(RuleViolation) as refused:
        services.report_member(member, world.grid_a1, by=secretary_a)
    assert refused.value.rule == "community_kind"


def test_an_outsider_cannot_report_a_member(world, secretary_a):
    member = member_living_in(world.branch_b1, world.grid_b1)
    with pytest.raises(PermissionDenied):
        services.report_member(member, by=secretary_a)


@pytest.mark.parametrize("hours", ["0", "-1", "24.5"])
def test_hours_must_be_more_than_zero_and_at_most_a_day(world, secretary_a, hours):
    made = report(member_living_in(world.branch_a1, world.building_a1), world.community_a)
    with pytest.raises(RuleViolation) as refused:
        services.log_service(made, by=secretary_a, served_on=TODAY(), hours=hours, description="清扫楼道")
    assert refused.value.field == "hours"
    assert not ServiceLog.objects.exists()


def test_service_in_the_future_is_refused(world, secretary_a):
    made = report(member_living_in(world.branch_a1, world.building_a1), world.community_a)
    with pytest.raises(RuleViolation) as refused:
        services.log_service(
            made,
            by=secretary_a,
            served_on=TODAY() + datetime.timedelta(days=1),
            hours="2",
            description="清扫楼道",
        )
    assert refused.value.rule == "future_date"


def test_the_member_logs_and_the_community_confirms(world, secretary_a, secretary_b):
    member = member_living_in(world.branch_b1, world.building_a1)
    user = member_login(member, "zaizhi")
    made = report(member, world.community_a)
    claim = services.add_claim(made, by=user, kind=ClaimKind.POST, title="楼道清洁岗")
    log = services.log_service(made, by=user, served_on=TODAY(), hours="2.5", description="清扫", claim=claim)
    assert log.hours == Decimal("2.5")

    with pytest.raises(PermissionDenied):
        services.confirm_log(log, by=user)
    with pytest.raises(PermissionDenied):  # the unit side does not confirm for the community
        services.confirm_log(log, by=secretary_b)
    services.confirm_log(log, by=secretary_a)
    log.refresh_from_db()
    assert log.confirmed_by == secretary_a
    with pytest.raises(RuleViolation):
        services.confirm_log(log, by=secretary_a)

    services.set_claim_state(claim, ClaimState.DONE, by=user)
    claim.refresh_from_db()
    assert claim.state == ClaimState.DONE


def test_feedback_goes_once_a_year_to_the_members_unit_org(world, secretary_a, secretary_b):
    made = report(member_living_in(world.branch_b1, world.building_a1), world.community_a, days_ago=400)
    year = TODAY().year - 1

    with pytest.raises(PermissionDenied):
        services.send_feedback(made, by=secretary_b, year=year, rating=FeedbackRating.GOOD)
    feedback = services.send_feedback(
        made, by=secretary_a, year=year, rating=FeedbackRating.EXCELLENT, text="积极"
    )

    assert feedback.to_org == world.branch_b1
    note = Notification.objects.get()
    assert note.org_path == world.branch_b1.path
    assert "优秀" in note.title
    with pytest.raises(RuleViolation) as refused:
        services.send_feedback(made, by=secretary_a, year=year, rating=FeedbackRating.GOOD)
    assert refused.value.rule == "feedback_once_a_year"
    assert YearlyFeedback.objects.count() == 1


def test_a_unit_pairs_with_a_community_and_gets_feedback(world, secretary_a):
    made = services.pair_unit(world.branch_b1, world.community_a, by=secretary_a, agreement="共建文明社区")
    assert made.community_org == world.org_a
    with pytest.raises(RuleViolation):
        services.pair_unit(world.branch_b1, world.community_a, by=secretary_a)
    services.log_service(made, by=secretary_a, served_on=TODAY(), hours="8", description="义诊")
    feedback = services.send_feedback(made, by=secretary_a, year=TODAY().year, rating=FeedbackRating.GOOD)
    assert feedback.to_org == world.branch_b1
    services.end_pairing(made, by=secretary_a)
    assert UnitPairing.objects.get().state == ReportState.ENDED


def test_an_ended_report_takes_no_more_claims(world, secretary_a):
    made = report(member_living_in(world.branch_a1, world.building_a1), world.community_a)
    services.end_report(made, by=secretary_a)
    with pytest.raises(RuleViolation) as refused:
        services.add_claim(made, by=secretary_a, title="岗位")
    assert refused.value.rule == "subject_ended"


def test_both_sides_see_a_report_and_others_do_not(world, secretary_a, secretary_b, grid_worker_a):
    made = report(member_living_in(world.branch_b1, world.building_a1), world.community_a)
    other = report(member_living_in(world.branch_b1, world.grid_b1, "乙"), world.community_b)

    assert set(MemberReport.objects.visible_to(secretary_a)) == {made}
    assert set(MemberReport.objects.visible_to(secretary_b)) == {made, other}


def test_residential_community_climbs_from_the_building(world):
    member = member_living_in(world.branch_b1, world.building_a1)
    assert services.residential_community(member) == world.community_a
    assert pairing(world.branch_a1, world.community_b).community == world.community_b
