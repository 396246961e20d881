"""Batch proposals: the platform's plan is the optimum over the scored pairs, within capacity and
scope; a draft is edited pair by pair and accepted in one transaction, or refused as a whole."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.volunteering.choices import NeedState, VolunteerState, slot_bit
from dangjian.volunteering.matching import assign, total_cost
from dangjian.volunteering.matchmaking import batch, services
from dangjian.volunteering.matchmaking.candidates import current_loads, place_of
from dangjian.volunteering.matchmaking.choices import ProposalState
from dangjian.volunteering.matchmaking.scoring import distance_level, fit
from dangjian.volunteering.models import Need
from tests.volunteering.matching.helpers import need, skill, volunteer

MORNINGS = slot_bit(0, 0) | slot_bit(2, 0) | slot_bit(4, 0)
EVENINGS = slot_bit(0, 2) | slot_bit(1, 2)


def _mixed_street(world, count: int = 6):
    """Needs and volunteers of both communities with varied skills, times and capacity."""
    nursing, repair, law = skill("医疗护理"), skill("水电维修"), skill("法律咨询")
    skill_sets = [[nursing], [repair], [nursing, law], [], [law], [repair, nursing]]
    times = [MORNINGS, EVENINGS, 0, MORNINGS | EVENINGS]
    places = [(world.grid_a1, world.org_a), (world.grid_a2, world.org_a), (world.grid_b1, world.org_b)]
    needs, volunteers = [], []
    for number in range(count):
        area, org = places[number % 3]
        needs.append(need(area, org, skills=skill_sets[number % 6], availability=times[number % 4]))
        area, org = places[(number + 1) % 3]
        volunteers.append(
            volunteer(
                area,
                org,
                skills=skill_sets[(number + 2) % 6],
                availability=times[(number + 1) % 4],
                capacity_hours=2 + 2 * (number % 2),
            )
        )
    return needs, volunteers


def _scalar_cost(need_obj: Need, volunteer_obj, loads) -> int:
    place = place_of(need_obj.area)
    return fit(
        need_skills=set(need_obj.skills.values_list("id", flat=True)),
        volunteer_skills=set(volunteer_obj.skills.values_list("id", flat=True)),
        distance=distance_level(volunteer_obj.area.path, place.grid, place.community, place.street),
        need_availability=need_obj.availability,
        volunteer_availability=volunteer_obj.availability,
        load=loads.get(volunteer_obj.pk, 0),
        capacity_hours=volunteer_obj.capacity_hours,
    ).cost


def test_the_plan_is_the_optimum_of_the_scores_one_need_at_a_time_would_give(world, district_admin):
    needs, volunteers = _mixed_street(world, 7)
    need(world.grid_a1, world.org_a, state=NeedState.ASSIGNED, volunteer=volunteers[1])
    loads = current_loads([v.pk for v in volunteers])
    plan = batch.plan(world.street, district_admin)
    cost = [[_scalar_cost(n, v, loads) for v in volunteers] for n in needs]
    free = [max(0, max(1, v.capacity_hours // 2) - loads.get(v.pk, 0)) for v in volunteers]
    best = assign(cost, free)
    assert plan.open_needs == 7
    assert len(plan.pairs) == len(best)
    assert plan.total_cost == total_cost(cost, best)
    by_pk = {v.pk: j for j, v in enumerate(volunteers)}
    need_index = {n.pk: i for i, n in enumerate(needs)}
    for pair in plan.pairs:
        # Each stored score is the one the single-need scoring gives the same pair.
        assert 100 - pair.score == cost[need_index[pair.need_id]][by_pk[pair.volunteer_id]]


def test_no_volunteer_gets_more_than_their_free_capacity(world, district_admin):
    for _ in range(5):
        need(world.grid_a1, world.org_a)
    one_slot = volunteer(world.grid_a1, world.org_a, capacity_hours=2)
    full = volunteer(world.grid_a1, world.org_a, capacity_hours=2)
    need(world.grid_a1, world.org_a, state=NeedState.ASSIGNED, volunteer=full)
    two_slots = volunteer(world.grid_a2, world.org_a, capacity_hours=4)
    plan = batch.plan(world.street, district_admin)
    taken = [pair.volunteer_id for pair in plan.pairs]
    assert sorted(taken) == sorted([one_slot.pk, two_slots.pk, two_slots.pk])


def test_a_community_secretary_plans_only_her_needs_with_her_volunteers(world, secretary_a):
    mine = need(world.grid_a1, world.org_a)
    need(world.grid_b1, world.org_b)
    helper = volunteer(world.grid_a1, world.org_a)
    volunteer(world.grid_b1, world.org_b)
    plan = batch.plan(world.community_a, secretary_a)
    assert plan.open_needs == 1
    assert [(p.need_id, p.volunteer_id) for p in plan.pairs] == [(mine.pk, helper.pk)]


def test_a_community_secretary_may_not_propose_for_the_whole_street(world, secretary_a):
    need(world.grid_a1, world.org_a)
    with pytest.raises(PermissionDenied):
        services.propose(world.street, by=secretary_a)


def test_a_grid_is_not_a_scope_for_a_proposal(world, secretary_a):
    with pytest.raises(RuleViolation) as refusal:
        services.propose(world.grid_a1, by=secretary_a)
    assert refusal.value.rule == "scope_kind"


def test_a_scope_without_open_needs_is_refused(world, secretary_a):
    volunteer(world.grid_a1, world.org_a)
    with pytest.raises(RuleViolation) as refusal:
        services.propose(world.community_a, by=secretary_a)
    assert refusal.value.rule == "no_open_needs"


def test_proposing_stores_a_draft_with_its_pairs_and_an_audit_line(world, secretary_a):
    first, second = need(world.grid_a1, world.org_a), need(world.grid_a2, world.org_a)
    volunteer(world.grid_a1, world.org_a, capacity_hours=8)
    proposal = services.propose(world.community_a, by=secretary_a)
    assert proposal.state == ProposalState.DRAFT
    assert proposal.open_needs == 2
    assert sorted(proposal.pairs.values_list("need_id", flat=True)) == [first.pk, second.pk]
    assert AuditEntry.objects.filter(object_type="volunteering.matchproposal", action="create").exists()
    # Nothing is assigned before the coordinator accepts.
    assert set(Need.objects.values_list("state", flat=True)) == {NeedState.OPEN}


def test_accepting_assigns_every_pair_in_one_transaction_and_audits_it(world, secretary_a):
    needs = [need(world.grid_a1, world.org_a) for _ in range(3)]
    helper = volunteer(world.grid_a1, world.org_a, capacity_hours=8)
    proposal = services.propose(world.community_a, by=secretary_a)
    services.accept(proposal, by=secretary_a, version=proposal.version)
    for row in Need.objects.filter(pk__in=[n.pk for n in needs]):
        assert (row.state, row.volunteer_id) == (NeedState.ASSIGNED, helper.pk)
        assert row.assigned_at is not None
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == (ProposalState.ACCEPTED, secretary_a)
    assert AuditEntry.objects.filter(object_type="volunteering.need", action="update").count() == 3
    assert AuditEntry.objects.filter(note="volunteering.accept_matching").count() == 1


def test_accepting_is_refused_as_a_whole_when_a_need_is_no_longer_open(world, secretary_a):
    kept, closed = need(world.grid_a1, world.org_a, "送餐"), need(world.grid_a1, world.org_a, "理发")
    volunteer(world.grid_a1, world.org_a, capacity_hours=8)
    proposal = services.propose(world.community_a, by=secretary_a)
    Need.objects.filter(pk=closed.pk).update(state=NeedState.CLOSED)
    with pytest.raises(RuleViolation) as refusal:
        services.accept(proposal, by=secretary_a)
    assert refusal.value.rule == "need_not_open"
    assert "理发" in refusal.value.message
    kept.refresh_from_db()
    assert kept.state == NeedState.OPEN  # nothing was assigned
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT
    # Removing the stale pair lets the rest be accepted.
    services.remove_pair(proposal, proposal.pairs.get(need=closed), by=secretary_a)
    services.accept(proposal, by=secretary_a)
    kept.refresh_from_db()
    assert kept.state == NeedState.ASSIGNED


def test_accepting_is_refused_when_a_volunteer_has_left(world, secretary_a):
    need(world.grid_a1, world.org_a)
    helper = volunteer(world.grid_a1, world.org_a)
    proposal = services.propose(world.community_a, by=secretary_a)
    helper.state = VolunteerState.LEFT
    helper.save()
    with pytest.raises(RuleViolation) as refusal:
        services.accept(proposal, by=secretary_a)
    assert refusal.value.rule == "volunteer_not_active"


def test_a_stale_edit_of_a_proposal_is_refused(world, secretary_a):
    need(world.grid_a1, world.org_a)
    need(world.grid_a1, world.org_a)
    volunteer(world.grid_a1, world.org_a, capacity_hours=8)
    proposal = services.propose(world.community_a, by=secretary_a)
    seen = proposal.version
    services.remove_pair(proposal, proposal.pairs.first(), by=secretary_a, version=seen)
    with pytest.raises(ConcurrentChange):
        services.accept(proposal, by=secretary_a, version=seen)


def test_changing_a_pair_respects_the_new_volunteers_capacity(world, secretary_a):
    first, second = need(world.grid_a1, world.org_a), need(world.grid_a1, world.org_a)
    busy = volunteer(world.grid_a1, world.org_a, "忙人", capacity_hours=2)
    other = volunteer(world.grid_a2, world.org_a, "闲人", capacity_hours=2)
    proposal = services.propose(world.community_a, by=secretary_a)
    pair_of_busy = proposal.pairs.get(volunteer=busy)
    pair_of_other = proposal.pairs.get(volunteer=other)
    with pytest.raises(RuleViolation) as refusal:
        services.change_pair(proposal, pair_of_other, busy, by=secretary_a)
    assert refusal.value.rule == "capacity"
    services.remove_pair(proposal, pair_of_busy, by=secretary_a)
    changed = services.change_pair(proposal, pair_of_other, busy, by=secretary_a)
    assert changed.volunteer == busy
    assert changed.distance in (2, 3)
    assert {first.pk, second.pk} >= {changed.need_id}


def test_a_decided_proposal_cannot_be_changed(world, secretary_a):
    need(world.grid_a1, world.org_a)
    volunteer(world.grid_a1, world.org_a)
    proposal = services.propose(world.community_a, by=secretary_a)
    services.discard(proposal, by=secretary_a)
    with pytest.raises(RuleViolation) as refusal:
        services.accept(proposal, by=secretary_a)
    assert refusal.value.rule == "proposal_not_draft"
    assert Need.objects.get().state == NeedState.OPEN


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context)


def test_planning_costs_the_same_queries_for_3_and_30_needs(world, district_admin):
    _mixed_street(world, 3)
    district_admin._scope_cache = None
    few = _queries(lambda: batch.plan(world.street, district_admin))
    _mixed_street(world, 27)
    district_admin._scope_cache = None
    assert _queries(lambda: batch.plan(world.street, district_admin)) == few


def test_the_proposal_page_shows_totals_and_reasons_at_a_fixed_cost(world, secretary_a, client):
    client.force_login(secretary_a)
    need(world.grid_a1, world.org_a)
    volunteer(world.grid_a1, world.org_a, capacity_hours=80)
    proposal = services.propose(world.community_a, by=secretary_a)
    url = reverse("volunteering:proposal_detail", args=[proposal.pk])
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-total="served">1 / 1<' in page
    services.discard(proposal, by=secretary_a)
    for _ in range(29):
        need(world.grid_a1, world.org_a)
    bigger = services.propose(world.community_a, by=secretary_a)
    assert bigger.pairs.count() == 30
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("volunteering:proposal_detail", args=[bigger.pk]))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_the_suggestions_page_assigns_the_chosen_volunteer(world, secretary_a, client):
    client.force_login(secretary_a)
    wanted = need(world.grid_a1, world.org_a, "陪老人看病")
    helper = volunteer(world.grid_a1, world.org_a, "刘志愿")
    page = client.get(reverse("volunteering:need_suggestions", args=[wanted.pk]))
    assert "刘志愿" in page.content.decode()
    response = client.post(
        reverse("volunteering:need_suggestion_assign", args=[wanted.pk]), {"volunteer": helper.pk}
    )
    assert response.status_code == 302
    wanted.refresh_from_db()
    assert (wanted.state, wanted.volunteer_id) == (NeedState.ASSIGNED, helper.pk)


def test_a_volunteer_outside_the_users_scope_cannot_be_assigned(world, secretary_a, client):
    client.force_login(secretary_a)
    wanted = need(world.grid_a1, world.org_a)
    outsider = volunteer(world.grid_b1, world.org_b)
    response = client.post(
        reverse("volunteering:need_suggestion_assign", args=[wanted.pk]), {"volunteer": outsider.pk}
    )
    assert response.status_code == 404
    wanted.refresh_from_db()
    assert wanted.state == NeedState.OPEN
