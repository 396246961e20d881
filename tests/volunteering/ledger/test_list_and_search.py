"""The ledger list: scoped to the user's subtrees (also for the two-role persona), found by name
(简/pinyin/initials, a common surname) or ID number, filtered, at a fixed number of queries."""

from __future__ import annotations

from django.urls import reverse

from dangjian.members.models import PartyMember
from dangjian.volunteering.choices import VolunteerState, slot_bit
from tests.factories import PersonFactory
from tests.members.ledger_data import nth_id_number
from tests.volunteering.helpers import skill, team, volunteer

LIST = "volunteering:volunteer_list"


def _names(client, **params) -> list[str]:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return [row.person.name for row in response.context["page"]]


def test_a_secretary_sees_the_volunteers_of_her_community_only(client, world, secretary_a):
    volunteer(world.grid_a1, world.org_a, "张一")
    volunteer(world.building_a1, world.org_a, "张二")
    volunteer(world.community_b, world.org_b, "张三")
    client.force_login(secretary_a)

    assert _names(client) == ["张二", "张一"]  # pinyin order: zhang er, zhang yi


def test_the_grid_post_elsewhere_does_not_widen_the_secretarys_ledger(
    client, world, secretary_a_grid_worker_b
):
    volunteer(world.grid_a1, world.org_a, "李甲")
    volunteer(world.grid_b1, world.branch_b1, "李乙")  # in her grid in 社区B: the grid post reads it
    volunteer(world.community_b, world.org_b, "李丙")  # elsewhere in 社区B: nobody of hers reads it
    client.force_login(secretary_a_grid_worker_b)

    names = _names(client)

    assert "李甲" in names and "李丙" not in names


def test_a_grid_worker_sees_the_volunteers_of_the_grid(client, world, grid_worker_a):
    volunteer(world.building_a1, world.org_a, "赵一")
    volunteer(world.grid_a2, world.org_a, "赵二")
    client.force_login(grid_worker_a)

    assert _names(client) == ["赵一"]


def test_search_by_surname_pinyin_initials_and_id_number(client, world, secretary_a):
    for name in ["张伟", "张敏", "王芳", "李娜", "李张"]:
        volunteer(world.grid_a1, world.org_a, name)
    numbered = PersonFactory(name="刘洋")
    numbered.id_number = nth_id_number(77)
    numbered.save()
    volunteer(world.grid_a1, world.org_a, person=numbered)
    client.force_login(secretary_a)

    assert _names(client, q="张") == ["李张", "张敏", "张伟"]
    assert _names(client, q="王") == ["王芳"]
    assert _names(client, q="li") == ["李娜", "李张", "刘洋"]  # a pinyin prefix: li…, liu…
    assert _names(client, q="zw") == ["张伟"]
    assert _names(client, q="zhangwei") == ["张伟"]
    assert _names(client, q=nth_id_number(77)) == ["刘洋"]
    assert _names(client, q="赵") == []


def test_renaming_the_person_renames_the_volunteer_in_the_search(client, world, secretary_a):
    made = volunteer(world.grid_a1, world.org_a, "陈静")
    person = made.person
    person.name = "陈晶"
    person.save()
    client.force_login(secretary_a)

    assert _names(client, q="陈晶") == ["陈晶"]


def test_filters_by_skill_area_team_state_party_and_free_slot(client, world, secretary_a):
    haircut, nursing = skill("理发"), skill("医疗护理", "医疗健康")
    warm = team(world.grid_a1, world.org_a, "第一网格党群温馨小组", kind="warm_group")
    member = PartyMember.objects.create(person=PersonFactory(name="党员甲"), org=world.branch_a1)
    volunteer(
        world.grid_a1,
        world.org_a,
        person=member.person,
        party_member=member,
        skills=[haircut],
        teams=[warm],
        availability=slot_bit(5, 0),
    )
    volunteer(world.grid_a2, world.org_a, "群众乙", skills=[nursing], availability=slot_bit(0, 2))
    volunteer(world.grid_a2, world.org_a, "群众丙", state=VolunteerState.PAUSED)
    volunteer(world.grid_a2, world.org_a, "群众丁", state=VolunteerState.LEFT)
    client.force_login(secretary_a)

    assert _names(client, skill=haircut.pk) == ["党员甲"]
    assert sorted(_names(client, area=world.grid_a2.pk)) == ["群众丙", "群众乙"]
    assert _names(client, team=warm.pk) == ["党员甲"]
    assert _names(client, party="yes") == ["党员甲"]
    assert sorted(_names(client, party="no")) == ["群众丙", "群众乙"]
    assert _names(client, slot=str(5 * 3 + 0)) == ["党员甲"]
    assert _names(client, slot=str(0 * 3 + 2)) == ["群众乙"]
    assert _names(client, state="left") == ["群众丁"]
    assert len(_names(client, state="all")) == 4


def test_the_list_shows_the_mobile_masked_only(client, world, secretary_a):
    person = PersonFactory(name="孙手机")
    person.mobile = "13912345678"
    person.save()
    volunteer(world.grid_a1, world.org_a, person=person)
    client.force_login(secretary_a)

    page = client.get(reverse(LIST)).content.decode()

    assert "13912345678" not in page and "139****5678" in page


def _count(client, django_assert_max_num_queries, queries: int, **params) -> None:
    with django_assert_max_num_queries(queries):
        assert client.get(reverse(LIST), params).status_code == 200


def test_the_list_costs_the_same_queries_for_3_and_30_volunteers(
    client, world, secretary_a, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    haircut = skill()
    client.force_login(secretary_a)

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(LIST), params).status_code == 200
        return len(captured)

    for number in range(3):
        volunteer(world.grid_a1, world.org_a, f"张{number}号", skills=[haircut])
    few, few_search = queries(), queries(q="张")
    for number in range(3, 30):
        volunteer(world.grid_a1, world.org_a, f"张{number}号", skills=[haircut])
    many, many_search = queries(), queries(q="张")

    assert few == many
    assert few_search == many_search


def _queries(client, url: str, **params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_a_volunteers_page_and_the_team_pages_cost_the_same_for_few_and_many(client, world, secretary_a):
    skills = [skill("理发"), skill("医疗护理", "医疗健康"), skill("法律咨询", "法律与政策")]
    ours = team(world.grid_a1, world.org_a, "幸福队")
    member = PartyMember.objects.create(person=PersonFactory(name="党员页"), org=world.branch_a1)
    made = volunteer(
        world.grid_a1, world.org_a, person=member.person, party_member=member, skills=skills[:1], teams=[ours]
    )
    client.force_login(secretary_a)
    detail = reverse("volunteering:volunteer_detail", args=[made.pk])
    team_page = reverse("volunteering:team_detail", args=[ours.pk])
    teams = reverse("volunteering:team_list")

    few = [_queries(client, detail), _queries(client, team_page), _queries(client, teams)]
    made.skills.set(skills)
    for number in range(20):
        volunteer(world.grid_a1, world.org_a, f"队员{number}", teams=[ours])
        team(world.grid_a1, world.org_a, f"队伍{number}")
    many = [_queries(client, detail), _queries(client, team_page), _queries(client, teams)]

    assert few == many


def test_the_area_filter_is_picked_by_a_search_within_the_scope(client, world, secretary_a):
    volunteer(world.grid_a2, world.org_a, "郑二格")
    client.force_login(secretary_a)

    found = client.get(reverse(LIST), {"area_q": "第二网格"}).context["area_found"]
    outside = client.get(reverse(LIST), {"area_q": "光明"}).context["area_found"]

    assert [area.name for area in found] == ["幸福社区第二网格"]
    assert outside == []
    assert _names(client, area=found[0].pk) == ["郑二格"]
