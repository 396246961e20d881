"""A need's suggestions: ranked by score with the reasons in a fixed order, only volunteers the
user may see, at a fixed number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dangjian.volunteering.choices import VolunteerState, slot_bit
from dangjian.volunteering.matchmaking.candidates import suggestions
from dangjian.volunteering.matchmaking.scoring import fit
from tests.volunteering.matching.helpers import need, skill, volunteer

MONDAY_MORNING = slot_bit(0, 0)
MONDAY = slot_bit(0, 0) | slot_bit(0, 1) | slot_bit(0, 2)


def test_the_best_fit_comes_first_and_reasons_follow_skill_distance_time_load(world, secretary_a):
    nursing = skill("医疗护理")
    wanted = need(world.grid_a1, world.org_a, "陪老人看病", skills=[nursing], availability=MONDAY)
    far_nurse = volunteer(world.grid_a2, world.org_a, "远护士", skills=[nursing], availability=MONDAY)
    near_nurse = volunteer(world.building_a1, world.org_a, "近护士", skills=[nursing], availability=MONDAY)
    near_other = volunteer(world.grid_a1, world.org_a, "近邻居", availability=MONDAY_MORNING)
    with translation.override("en"):
        ranked = suggestions(wanted, secretary_a)
        reasons = [[str(reason) for reason in c.reasons] for c in ranked]  # lazy texts read in English
    assert [c.volunteer for c in ranked] == [near_nurse, far_nurse, near_other]
    assert [c.score for c in ranked] == [100, 90, 46]
    assert reasons[0] == [
        "Has 1 of 1 skills asked (医疗护理)",
        "Lives in the same grid",
        "Free in 3 slots when the need can be served",
        "Holds 0 of 2 needs",
    ]
    assert reasons[1][1] == "Lives in the same community"
    assert reasons[2][0] == "Has none of the 1 skills asked"
    assert reasons[2][2] == "Free in 1 slot when the need can be served"


def test_a_busy_volunteer_ranks_below_a_free_one(world, secretary_a):
    wanted = need(world.grid_a1, world.org_a)
    busy = volunteer(world.grid_a1, world.org_a, "忙人", capacity_hours=2)
    free = volunteer(world.grid_a1, world.org_a, "闲人", capacity_hours=2)
    need(world.grid_a1, world.org_a, state="assigned", volunteer=busy)
    ranked = suggestions(wanted, secretary_a)
    assert [c.volunteer for c in ranked] == [free, busy]
    assert ranked[1].fit.is_full


def test_only_active_volunteers_the_user_may_see_are_suggested(world, secretary_a):
    wanted = need(world.grid_a1, world.org_a)
    mine = volunteer(world.grid_a1, world.org_a)
    volunteer(world.grid_a1, world.org_a, state=VolunteerState.PAUSED)
    # Same street, but in 社区B: outside secretary_a's scope.
    volunteer(world.grid_b1, world.org_b)
    assert [c.volunteer for c in suggestions(wanted, secretary_a)] == [mine]


def test_a_street_wide_reader_also_gets_volunteers_of_the_other_community(world, district_admin):
    wanted = need(world.grid_a1, world.org_a)
    near = volunteer(world.grid_a1, world.org_a)
    other = volunteer(world.grid_b1, world.org_b)
    ranked = suggestions(wanted, district_admin)
    assert [c.volunteer for c in ranked] == [near, other]
    assert ranked[1].fit.distance == 1  # same street


def test_at_most_ten_are_suggested(world, secretary_a):
    wanted = need(world.grid_a1, world.org_a)
    for _ in range(12):
        volunteer(world.grid_a1, world.org_a)
    assert len(suggestions(wanted, secretary_a)) == 10


def _queries_for_suggestions(need_obj, user) -> int:
    user._scope_cache = None
    with CaptureQueriesContext(connection) as context:
        ranked = suggestions(need_obj, user)
        [c.reasons for c in ranked]
    return len(context)


def test_suggestions_cost_the_same_queries_for_3_and_30_volunteers(world, secretary_a):
    nursing = skill("医疗护理")
    wanted = need(world.grid_a1, world.org_a, skills=[nursing], availability=MONDAY)

    def add(count: int) -> None:
        for number in range(count):
            helper = volunteer(
                world.grid_a1 if number % 2 else world.grid_a2,
                world.org_a,
                skills=[nursing],
                availability=MONDAY,
            )
            need(world.grid_a1, world.org_a, state="assigned", volunteer=helper)

    add(3)
    few = _queries_for_suggestions(wanted, secretary_a)
    add(27)
    assert _queries_for_suggestions(wanted, secretary_a) == few
    assert few <= 16  # two of them find the areas and organizations under the grants (InTwoTrees)


def test_fit_scores_a_need_asking_nothing_at_any_time_fully_but_for_distance_and_load():
    result = fit(
        need_skills=set(),
        volunteer_skills={1},
        distance=1,
        need_availability=0,
        volunteer_availability=0,
        load=1,
        capacity_hours=4,
    )
    assert (result.skill_points, result.distance_points, result.time_points, result.load_points) == (
        40,
        10,
        20,
        5,
    )
    assert result.cost == 100 - result.score
