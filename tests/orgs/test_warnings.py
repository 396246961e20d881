"""Structural warnings of 《中国共产党支部工作条例（试行）》 and the 换届 reminders, at their edges."""

from __future__ import annotations

import datetime

import pytest

from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import CommitteeRole, OrgField, OrgKind
from dangjian.orgs.models import Committee, CommitteeMember, Organization
from dangjian.orgs.warnings import due_elections, structural_warnings
from tests.factories import PersonFactory, add_org

TODAY = datetime.date(2026, 11, 24)


def add_members(org, full: int, probationary: int = 0) -> list:
    members = []
    for status, count in ((MemberStatus.FULL, full), (MemberStatus.PROBATIONARY, probationary)):
        for _ in range(count):
            members.append(PartyMember.objects.create(person=PersonFactory(), org=org, status=status))
    return members


def elect(org, *, elected_on=datetime.date(2025, 1, 10), term_years=5, roles=(CommitteeRole.SECRETARY,)):
    committee = Committee.objects.create(org=org, elected_on=elected_on, term_years=term_years)
    for role in roles:
        CommitteeMember.objects.create(committee=committee, person=PersonFactory(), role=role)
    return committee


def rules(org, today=TODAY) -> set[str]:
    return {warning.rule for warning in structural_warnings(org, today=today)}


@pytest.fixture
def branch(world):
    return world.branch_a1


def test_branch_with_two_full_members_is_told_to_join_a_joint_branch(branch):
    add_members(branch, full=2, probationary=3)
    elect(branch)
    found = structural_warnings(branch, today=TODAY)
    warning = next(w for w in found if w.rule == "branch_min_full_members")
    assert warning.level == "danger"
    assert "正式党员仅 2 名" in warning.message and "联合党支部" in warning.message
    assert "《中国共产党支部工作条例（试行）》第四条" in warning.message  # 支部工作条例 第四条: ≥ 3 正式党员


def test_branch_with_three_full_members_has_no_size_warning(branch):
    add_members(branch, full=3)
    elect(branch)
    assert rules(branch) == set()


def test_joint_branch_covering_six_units_is_warned_but_five_is_fine(world):
    joint = add_org(world.org_a, "联合党支部", "J0001", OrgKind.JOINT_BRANCH, unit_count=5)
    add_members(joint, full=3)
    elect(joint)
    assert "joint_branch_max_units" not in rules(joint)
    Organization.objects.filter(pk=joint.pk).update(unit_count=6)
    joint.refresh_from_db()
    assert "joint_branch_max_units" in rules(joint)


def test_branch_with_fifty_members_is_fine_and_fifty_one_is_told_about_a_general_branch(branch):
    add_members(branch, full=45, probationary=5)
    elect(branch, roles=COMMITTEE_FULL)
    assert "branch_max_members" not in rules(branch)
    add_members(branch, full=0, probationary=1)
    warning = next(w for w in structural_warnings(branch, today=TODAY) if w.rule == "branch_max_members")
    assert "党员 51 名" in warning.message and "党总支" in warning.message


def test_branch_with_a_hundred_members_is_told_about_a_primary_committee(branch):
    add_members(branch, full=100)
    elect(branch, roles=COMMITTEE_FULL)
    warning = next(w for w in structural_warnings(branch, today=TODAY) if w.rule == "branch_max_members")
    assert "基层党委" in warning.message


def test_inactive_members_do_not_count(branch):
    members = add_members(branch, full=3)
    elect(branch)
    PartyMember.objects.filter(pk=members[0].pk).update(is_active=False)
    assert "branch_min_full_members" in rules(branch)


COMMITTEE_FULL = (
    CommitteeRole.SECRETARY,
    CommitteeRole.ORGANIZATION,
    CommitteeRole.PUBLICITY,
    CommitteeRole.DISCIPLINE,
)


def test_seven_full_members_with_only_a_secretary_need_a_committee_of_three_to_five(branch):
    add_members(branch, full=7)
    elect(branch, roles=(CommitteeRole.SECRETARY,))
    found = {w.rule: w for w in structural_warnings(branch, today=TODAY)}
    assert "committee_size" in found and "当前 1 名" in found["committee_size"].message
    assert "committee_roles" in found and "组织委员" in found["committee_roles"].message


def test_seven_full_members_with_the_four_roles_have_no_committee_warning(branch):
    add_members(branch, full=7)
    elect(branch, roles=COMMITTEE_FULL)
    assert rules(branch) == set()


def test_committee_of_eight_seats_is_too_large(branch):
    add_members(branch, full=20)
    elect(branch, roles=(*COMMITTEE_FULL, *[CommitteeRole.MEMBER] * 4))
    assert "committee_size" in rules(branch)


def test_six_full_members_may_have_a_secretary_and_a_deputy_only(branch):
    add_members(branch, full=6)
    elect(branch, roles=(CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY))
    assert rules(branch) == set()


def test_six_full_members_with_a_committee_are_told_to_have_only_a_secretary(branch):
    add_members(branch, full=6)
    elect(branch, roles=(CommitteeRole.SECRETARY, CommitteeRole.ORGANIZATION, CommitteeRole.PUBLICITY))
    warning = next(w for w in structural_warnings(branch, today=TODAY) if w.rule == "committee_size")
    assert "不足 7 名" in warning.message and "第二十条" in warning.message


def test_ended_seats_do_not_count_towards_the_committee(branch):
    add_members(branch, full=7)
    committee = elect(branch, roles=COMMITTEE_FULL)
    CommitteeMember.objects.filter(committee=committee, role=CommitteeRole.DISCIPLINE).update(ended_on=TODAY)
    assert "committee_roles" in rules(branch)


def test_organization_without_a_current_committee_is_warned(world):
    assert "no_committee" in rules(world.org_a)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (91, None),
        (90, "term_ends_90"),
        (31, "term_ends_90"),
        (30, "term_ends_30"),
        (0, "term_ends_30"),
        (-1, "term_overdue"),
    ],
)
def test_term_reminders_at_90_and_30_days_and_when_overdue(world, days_left, expected):
    elect(world.org_a, elected_on=datetime.date(2021, 11, 24), term_years=5)  # ends 2026-11-24
    today = datetime.date(2026, 11, 24) - datetime.timedelta(days=days_left)
    term_rules = {rule for rule in rules(world.org_a, today) if rule.startswith("term_")}
    assert term_rules == ({expected} if expected else set())


def test_overdue_term_names_the_end_date_and_is_danger(world):
    elect(world.org_a, elected_on=datetime.date(2020, 6, 1), term_years=5)
    warning = next(w for w in structural_warnings(world.org_a, today=TODAY) if w.rule == "term_overdue")
    assert warning.level == "danger" and "2025年6月1日" in warning.message and "换届" in warning.message


def test_default_term_is_five_years_for_communities_and_primary_committees_and_three_for_other_branches(
    world,
):
    assert world.org_a.default_term_years == 5
    office = add_org(world.district_org, "区财政局机关党委", "G0001", OrgKind.PRIMARY_COMMITTEE)
    Organization.objects.filter(pk=office.pk).update(field=OrgField.GOVERNMENT)
    office.refresh_from_db()
    assert office.default_term_years == 5
    branch = add_org(office, "区财政局第一党支部", "G0002", OrgKind.BRANCH)
    Organization.objects.filter(pk=branch.pk).update(field=OrgField.GOVERNMENT)
    branch.refresh_from_db()
    assert branch.default_term_years == 3


def test_party_groups_get_no_warnings(world):
    group = add_org(world.branch_a1, "第一党小组", "G0101", OrgKind.GROUP)
    assert structural_warnings(group, today=TODAY) == []


def test_warnings_cost_three_queries_whatever_the_size(branch, django_assert_num_queries):
    add_members(branch, full=30)
    elect(branch, roles=COMMITTEE_FULL)
    with django_assert_num_queries(3):
        structural_warnings(branch, today=TODAY)


def test_due_elections_lists_terms_ending_within_90_days_or_overdue(world):
    elect(world.org_a, elected_on=datetime.date(2021, 12, 1), term_years=5)  # ends in 7 days
    elect(world.branch_a1, elected_on=datetime.date(2022, 2, 22), term_years=5)  # ends in 90 days
    elect(world.org_b, elected_on=datetime.date(2022, 2, 23), term_years=5)  # ends in 91 days
    elect(world.branch_b1, elected_on=datetime.date(2023, 1, 5), term_years=3)  # overdue
    due = set(due_elections(Organization.objects.all(), today=TODAY))
    assert due == {world.org_a, world.branch_a1, world.branch_b1}


def test_due_elections_ignores_past_terms(world):
    old = elect(world.org_a, elected_on=datetime.date(2015, 1, 1), term_years=5)
    Committee.objects.filter(pk=old.pk).update(is_current=False)
    elect(world.org_a, elected_on=datetime.date(2025, 1, 1), term_years=5)
    assert not due_elections(Organization.objects.all(), today=TODAY).exists()
