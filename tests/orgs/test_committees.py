"""Committees: electing a term (换届), seating and ending members, through services and pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs import services
from dangjian.orgs.choices import CommitteeRole, OrgField, OrgKind
from dangjian.orgs.models import Committee, CommitteeMember
from tests.factories import PersonFactory, add_org


def member(org, name="张伟", status=MemberStatus.FULL):
    return PartyMember.objects.create(person=PersonFactory(name=name), org=org, status=status).person


def test_electing_a_new_committee_retires_the_previous_one(world, secretary_a):
    first = services.elect_committee(world.org_a, by=secretary_a, elected_on=datetime.date(2021, 5, 1))
    second = services.elect_committee(world.org_a, by=secretary_a, elected_on=datetime.date(2026, 5, 1))
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert second.term_years == 5  # a community organization serves five years
    assert AuditEntry.objects.filter(object_type="orgs.committee", action="create").count() == 2
    assert AuditEntry.objects.get(object_id=str(first.pk), action="update").changes == {
        "is_current": [True, False]
    }


def test_term_defaults_to_three_years_for_a_branch_outside_communities_and_villages(world, admin):
    office = add_org(world.district_org, "区教育局机关党支部", "G0001", OrgKind.BRANCH)
    office.field = OrgField.GOVERNMENT
    office.save()
    committee = services.elect_committee(office, by=admin, elected_on=datetime.date(2025, 3, 1))
    assert committee.term_years == 3


def test_a_primary_party_committee_defaults_to_a_five_year_term_even_outside_communities(world, admin):
    """DOMAIN.md: 基层党委 5 years (党和国家机关基层组织工作条例 第五条 and the 2018 rules)."""
    office = add_org(world.district_org, "区教育局机关党委", "G0002", OrgKind.PRIMARY_COMMITTEE)
    office.field = OrgField.GOVERNMENT
    office.save()
    committee = services.elect_committee(office, by=admin, elected_on=datetime.date(2025, 3, 1))
    assert committee.term_years == 5


def test_election_in_the_future_or_before_the_current_term_is_refused(world, secretary_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(RuleViolation) as error:
        services.elect_committee(world.org_a, by=secretary_a, elected_on=tomorrow)
    assert error.value.field == "elected_on"
    services.elect_committee(world.org_a, by=secretary_a, elected_on=datetime.date(2024, 1, 1))
    with pytest.raises(RuleViolation) as error:
        services.elect_committee(world.org_a, by=secretary_a, elected_on=datetime.date(2023, 1, 1))
    assert "须晚于上一届" in error.value.message


def test_secretary_cannot_elect_for_the_sibling_community(world, secretary_a):
    with pytest.raises(PermissionDenied):
        services.elect_committee(world.org_b, by=secretary_a, elected_on=datetime.date(2024, 1, 1))


def test_party_group_has_no_committee(world, secretary_a):
    group = add_org(world.branch_a1, "第一党小组", "G0101", OrgKind.GROUP)
    with pytest.raises(RuleViolation, match="党小组"):
        services.elect_committee(group, by=secretary_a, elected_on=datetime.date(2024, 1, 1))


@pytest.fixture
def committee(world, secretary_a):
    return services.elect_committee(world.branch_a1, by=secretary_a, elected_on=datetime.date(2024, 1, 1))


def test_full_member_of_the_branch_takes_a_seat_and_it_is_audited(world, secretary_a, committee):
    person = member(world.branch_a1)
    seat = services.add_committee_seat(committee, by=secretary_a, person=person, role=CommitteeRole.SECRETARY)
    assert seat.started_on == committee.elected_on
    assert AuditEntry.objects.filter(object_type="orgs.committeemember", object_id=str(seat.pk)).exists()


def test_probationary_member_cannot_take_a_seat(world, secretary_a, committee):
    person = member(world.branch_a1, status=MemberStatus.PROBATIONARY)
    with pytest.raises(RuleViolation, match="不是正式党员"):
        services.add_committee_seat(committee, by=secretary_a, person=person, role=CommitteeRole.MEMBER)


def test_member_of_another_community_cannot_take_a_seat(world, secretary_a, district_admin, committee):
    person = member(world.branch_b1)
    with pytest.raises(PermissionDenied):
        services.add_committee_seat(committee, by=secretary_a, person=person, role=CommitteeRole.MEMBER)
    with pytest.raises(RuleViolation, match="组织关系"):
        services.add_committee_seat(committee, by=district_admin, person=person, role=CommitteeRole.MEMBER)


def test_second_secretary_is_refused_until_the_first_seat_ends(world, secretary_a, committee):
    first = services.add_committee_seat(
        committee, by=secretary_a, person=member(world.branch_a1, "王芳"), role=CommitteeRole.SECRETARY
    )
    second_person = member(world.branch_a1, "李娜")
    with pytest.raises(RuleViolation, match="已有书记王芳"):
        services.add_committee_seat(
            committee, by=secretary_a, person=second_person, role=CommitteeRole.SECRETARY
        )
    services.end_committee_seat(first, by=secretary_a, reason="调离")
    services.add_committee_seat(committee, by=secretary_a, person=second_person, role=CommitteeRole.SECRETARY)
    assert committee.seats.filter(ended_on__isnull=True).get().person == second_person


def test_ending_a_seat_twice_is_refused(world, secretary_a, committee):
    seat = services.add_committee_seat(
        committee, by=secretary_a, person=member(world.branch_a1), role=CommitteeRole.PUBLICITY
    )
    ended = services.end_committee_seat(seat, by=secretary_a, reason="退休")
    assert ended.ended_on == timezone.localdate()
    assert AuditEntry.objects.get(object_id=str(seat.pk), action="update").note == "退休"
    with pytest.raises(RuleViolation, match="任职已于"):
        services.end_committee_seat(seat, by=secretary_a)


def test_past_committee_takes_no_new_seats(world, secretary_a, committee):
    services.elect_committee(world.branch_a1, by=secretary_a, elected_on=datetime.date(2025, 1, 1))
    with pytest.raises(RuleViolation, match="往届"):
        services.add_committee_seat(
            committee, by=secretary_a, person=member(world.branch_a1), role=CommitteeRole.MEMBER
        )


# --- Pages ------------------------------------------------------------------------------------


def test_committee_page_flow_elect_seat_and_end(client, world, secretary_a):
    person = member(world.branch_a1, "赵敏")
    client.force_login(secretary_a)
    create_url = reverse("orgs:committee_create", args=[world.branch_a1.pk])
    assert 'value="5"' in client.get(create_url).content.decode()  # default term of a community branch
    response = client.post(create_url, {"elected_on": "2024-03-01", "term_years": 5})
    committee = Committee.objects.get(org=world.branch_a1, is_current=True)
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("orgs:committee_detail", args=[committee.pk])
    )

    seat_url = reverse("orgs:committee_seat_add", args=[committee.pk])
    assert "赵敏" in client.get(seat_url, {"q": "赵敏"}).content.decode()
    response = client.post(seat_url, {"person": person.pk, "role": CommitteeRole.SECRETARY, "started_on": ""})
    assert response.status_code == 302
    seat = CommitteeMember.objects.get(committee=committee, person=person)

    detail = client.get(reverse("orgs:committee_detail", args=[committee.pk])).content.decode()
    assert "赵敏" in detail and reverse("orgs:committee_seat_end", args=[seat.pk]) in detail
    org_page = client.get(reverse("orgs:org_detail", args=[world.branch_a1.pk])).content.decode()
    assert "赵敏" in org_page

    end_url = reverse("orgs:committee_seat_end", args=[seat.pk])
    response = client.post(end_url, {"ended_on": timezone.localdate().isoformat(), "reason": "调离"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.ended_on == timezone.localdate()


def test_seat_page_shows_the_rule_when_refused(client, world, secretary_a, committee):
    person = member(world.branch_a1, "刘洋", status=MemberStatus.PROBATIONARY)
    client.force_login(secretary_a)
    response = client.post(
        reverse("orgs:committee_seat_add", args=[committee.pk]), {"person": person.pk, "role": "member"}
    )
    assert response.status_code == 200 and "不是正式党员" in response.content.decode()


def test_committee_pages_of_another_community_are_not_found(client, world, secretary_a, secretary_b):
    committee_b = services.elect_committee(world.org_b, by=secretary_b, elected_on=datetime.date(2024, 1, 1))
    seat_b = services.add_committee_seat(
        committee_b, by=secretary_b, person=member(world.branch_b1), role=CommitteeRole.SECRETARY
    )
    client.force_login(secretary_a)
    assert client.get(reverse("orgs:committee_detail", args=[committee_b.pk])).status_code == 404
    assert client.get(reverse("orgs:committee_seat_add", args=[committee_b.pk])).status_code == 404
    assert client.get(reverse("orgs:committee_seat_end", args=[seat_b.pk])).status_code == 404
    assert client.get(reverse("orgs:committee_create", args=[world.org_b.pk])).status_code == 404
