"""The skill taxonomy (seeded with a Chinese default, edited by the organization department) and
teams (志愿服务队, 党群温馨小组) with their members."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.volunteering.choices import VolunteerState
from dangjian.volunteering.ledger import services
from dangjian.volunteering.models import Skill, Team
from tests.volunteering.helpers import team, volunteer


def test_the_default_taxonomy_is_seeded_in_chinese(db):
    names = set(Skill.objects.values_list("name", flat=True))
    assert {
        "医疗护理",
        "法律咨询",
        "家电维修",
        "水电维修",
        "教育辅导",
        "心理疏导",
        "理发",
        "助老陪护",
    } <= names


def test_only_the_organization_department_edits_the_taxonomy(world, district_admin, secretary_a):
    with pytest.raises(PermissionDenied):
        services.create_skill(by=secretary_a, name="手语翻译", category="专业技能")
    made = services.create_skill(by=district_admin, name="手语翻译", category="专业技能")
    with pytest.raises(RuleViolation):
        services.create_skill(by=district_admin, name="手语翻译", category="专业技能")
    services.update_skill(made, by=district_admin, name="手语", category="专业技能", order=5)
    assert AuditEntry.objects.filter(object_type="volunteering.skill", object_id=str(made.pk)).count() == 2


def test_a_skill_out_of_use_is_kept_by_volunteers_but_not_offered(client, world, district_admin, secretary_a):
    haircut = Skill.objects.get(name="理发")
    made = volunteer(world.grid_a1, world.org_a, "朱理发", skills=[haircut])
    client.force_login(district_admin)
    client.post(reverse("volunteering:skill_active", args=[haircut.pk]), {"active": "0"})

    haircut.refresh_from_db()
    assert not haircut.is_active and list(made.skills.all()) == [haircut]
    client.force_login(secretary_a)
    form = client.get(reverse("volunteering:volunteer_edit", args=[made.pk])).context["form"]
    assert haircut not in form.fields["skills"].queryset
    with pytest.raises(RuleViolation):
        services.update_volunteer(made, by=secretary_a, expected_version=None, skills=[haircut])
    page = client.get(reverse("volunteering:skill_list")).content.decode()
    assert "理发" in page


def test_a_team_is_created_in_scope_and_gains_and_loses_members(client, world, secretary_a):
    member = volunteer(world.grid_a1, world.org_a, "秦队员")
    client.force_login(secretary_a)

    response = client.post(
        reverse("volunteering:team_create"),
        {"name": "第一网格党群温馨小组", "kind": "warm_group", "area": world.grid_a1.pk},
    )
    made = Team.objects.get()
    assert response.status_code == 302 and made.org == world.org_a and made.kind == "warm_group"

    found = client.get(reverse("volunteering:team_detail", args=[made.pk]), {"q": "秦"}).context["candidates"]
    assert [row.person.name for row in found] == ["秦队员"]
    client.post(reverse("volunteering:team_member_add", args=[made.pk]), {"volunteer": member.pk})
    assert list(made.volunteers.all()) == [member]
    listed = client.get(reverse("volunteering:team_list")).context["page"]
    assert [(row.name, row.member_count) for row in listed] == [("第一网格党群温馨小组", 1)]
    client.post(reverse("volunteering:team_member_remove", args=[made.pk, member.pk]))
    assert not made.volunteers.exists()
    assert AuditEntry.objects.filter(object_type="volunteering.team", object_id=str(made.pk)).count() == 3


def test_a_team_outside_the_scope_cannot_be_created_nor_joined(world, secretary_a):
    with pytest.raises(PermissionDenied):
        services.create_team(by=secretary_a, name="光明队", area=world.community_b)
    theirs = team(world.community_b, world.org_b, "光明队")
    mine = volunteer(world.grid_a1, world.org_a, "许队员")
    with pytest.raises(PermissionDenied):
        services.add_team_member(theirs, mine, by=secretary_a)


def test_a_volunteer_who_left_cannot_join_a_team(world, secretary_a):
    ours = team(world.grid_a1, world.org_a)
    gone = volunteer(world.grid_a1, world.org_a, "何离开", state=VolunteerState.LEFT)
    with pytest.raises(RuleViolation):
        services.add_team_member(ours, gone, by=secretary_a)


def test_a_stale_team_edit_is_refused(client, world, secretary_a):
    ours = team(world.grid_a1, world.org_a)
    client.force_login(secretary_a)
    url = reverse("volunteering:team_edit", args=[ours.pk])
    data = {"name": "新名字", "kind": "service_team", "version": 1, "is_active": "on"}

    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "name": "再改"}).status_code == 409
    ours.refresh_from_db()
    assert ours.name == "新名字"
