"""Matching seekers and postings: shared skills first, then the same community, then the same
street, with the reasons; a fixed number of queries whatever the number of candidates."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.jobs.matching import postings_for, seekers_for
from dangjian.jobs.models import JobPosting, JobSeeker
from dangjian.orgs.choices import AreaKind
from tests.factories import add_area
from tests.jobs.helpers import posting, seeker


def test_postings_are_ranked_by_shared_skills_then_place(world):
    me = seeker(world.building_a1, world.org_a, "钱求职", skills=["电工", "焊工"])
    two_skills_far = posting(world.grid_b1, world.org_b, "电焊工", skills=["电工", "焊工"])
    one_skill_same_community = posting(world.grid_a2, world.org_a, "电工", skills=["电工"])
    one_skill_same_street = posting(world.grid_b1, world.org_b, "维修电工", skills=["电工"])
    nothing_shared_same_community = posting(world.grid_a1, world.org_a, "保洁员", skills=["保洁"])
    other_district = add_area(None, "另一区", "990000", AreaKind.DISTRICT)
    posting(other_district, world.org_a, "厨师", skills=["烹饪"])  # no skill, no place: left out
    posting(world.grid_a1, world.org_a, "已关闭", skills=["电工"], state="closed")  # closed: left out

    matches = postings_for(me, JobPosting.objects.all())

    assert [m.candidate for m in matches] == [
        two_skills_far,
        one_skill_same_community,
        one_skill_same_street,
        nothing_shared_same_community,
    ]
    assert [m.score for m in matches] == [7, 5, 4, 2]
    assert matches[0].shared_skills == sorted(["电工", "焊工"])
    assert matches[1].place == "community" and matches[2].place == "street" and matches[0].place == "street"
    assert len(matches[1].reasons) == 2


def test_seekers_are_ranked_for_a_posting_and_placed_people_are_left_out(world):
    job = posting(world.grid_a1, world.org_a, "电工", skills=["电工"])
    near = seeker(world.building_a1, world.org_a, "近", skills=["电工"])
    far = seeker(world.grid_b1, world.org_b, "远", skills=["电工"])
    seeker(world.building_a1, world.org_a, "已就业", skills=["电工"], state="placed")

    assert [m.candidate for m in seekers_for(job, JobSeeker.objects.all())] == [near, far]


def test_matching_costs_the_same_for_few_and_many_candidates(world):
    me = seeker(world.building_a1, world.org_a, "钱求职", skills=["电工"])

    def cost(total: int) -> int:
        while JobPosting.objects.count() < total:
            posting(world.grid_a1, world.org_a, f"岗位{JobPosting.objects.count()}", skills=["电工", "焊工"])
        with CaptureQueriesContext(connection) as queries:
            postings_for(me, JobPosting.objects.all())
        return len(queries)

    assert cost(3) == cost(30)
