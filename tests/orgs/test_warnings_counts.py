"""The structural warnings count real party members: active ones, 正式 and 预备 apart, those of a
branch's party groups with the branch, and for many organizations in one grouped query."""

from __future__ import annotations

import datetime

from dangjian.members.models import PartyMember
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.warnings import member_counts, structural_warnings, structural_warnings_for
from tests.factories import add_org
from tests.orgs.test_warnings import COMMITTEE_FULL, add_members, elect

TODAY = datetime.date(2026, 11, 24)


def test_members_of_a_branchs_party_groups_count_for_the_branch(world):
    group = add_org(world.branch_a1, "第一党小组", "G0101", OrgKind.GROUP)
    add_members(world.branch_a1, full=1)
    add_members(group, full=2, probationary=1)
    assert member_counts([world.branch_a1]) == {world.branch_a1.pk: (3, 1)}
    elect(world.branch_a1)
    rules = {w.rule for w in structural_warnings(world.branch_a1, today=TODAY)}
    assert "branch_min_full_members" not in rules


def test_members_of_a_branch_below_do_not_count_for_the_committee_above(world):
    add_members(world.branch_a1, full=4)
    add_members(world.org_a, full=1)
    counts = member_counts([world.org_a, world.branch_a1])
    assert counts == {world.org_a.pk: (1, 0), world.branch_a1.pk: (4, 0)}


def test_inactive_members_and_empty_orgs_count_zero(world):
    members = add_members(world.branch_b1, full=2, probationary=1)
    PartyMember.objects.filter(pk__in=[m.pk for m in members]).update(is_active=False)
    assert member_counts([world.branch_a1, world.branch_b1]) == {
        world.branch_a1.pk: (0, 0),
        world.branch_b1.pk: (0, 0),
    }


def test_counts_of_many_organizations_cost_one_query(world, django_assert_num_queries):
    orgs = [world.branch_a1, world.branch_b1]
    for index in range(8):
        branch = add_org(world.org_a, f"第{index}支部", f"BX{index:03d}", OrgKind.BRANCH)
        add_members(branch, full=index, probationary=1)
        orgs.append(branch)
    with django_assert_num_queries(1):
        counts = member_counts(orgs)
    assert [counts[org.pk] for org in orgs[2:]] == [(index, 1) for index in range(8)]


def test_warnings_of_many_organizations_cost_three_queries_and_match_one_by_one(
    world, django_assert_num_queries
):
    add_members(world.branch_a1, full=2)
    elect(world.branch_a1)
    add_members(world.branch_b1, full=8)
    elect(world.branch_b1, roles=COMMITTEE_FULL)
    orgs = [world.org_a, world.org_b, world.branch_a1, world.branch_b1]
    with django_assert_num_queries(3):
        many = structural_warnings_for(orgs, today=TODAY)
    for org in orgs:
        assert many[org.pk] == structural_warnings(org, today=TODAY)
    assert "branch_min_full_members" in {w.rule for w in many[world.branch_a1.pk]}
    assert many[world.branch_b1.pk] == []


def test_probationary_members_do_not_make_a_committee_due(world):
    add_members(world.branch_a1, full=6, probationary=5)
    elect(world.branch_a1)
    assert member_counts([world.branch_a1])[world.branch_a1.pk] == (6, 5)
    assert "committee_size" not in {w.rule for w in structural_warnings(world.branch_a1, today=TODAY)}
