"""A volunteer's page, registering (a person found by search or a new one), editing with the
version check, pausing and leaving, and joining by oneself from 我的."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry, Person
from dangjian.dual_reporting.models import MemberReport
from dangjian.members.models import PartyMember, Resident
from dangjian.volunteering.choices import VolunteerState, slot_bit
from dangjian.volunteering.models import Volunteer
from tests.factories import PersonFactory, UserFactory
from tests.members.ledger_data import nth_id_number
from tests.volunteering.helpers import skill, team, volunteer


def test_the_page_shows_skills_the_availability_grid_the_membership_and_its_report(
    client, world, secretary_a
):
    member = PartyMember.objects.create(person=PersonFactory(name="钱在职"), org=world.branch_b1)
    MemberReport.objects.create(member=member, community=world.community_a, reported_on=timezone.localdate())
    made = volunteer(
        world.building_a1,
        world.org_a,
        person=member.person,
        party_member=member,
        skills=[skill("理发")],
        availability=slot_bit(5, 0) | slot_bit(6, 1),
        interests="书法",
    )
    client.force_login(secretary_a)

    response = client.get(reverse("volunteering:volunteer_detail", args=[made.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "理发" in page and "书法" in page and "幸福社区" in page
    grid = response.context["grid"]
    assert [row["slots"] for row in grid][5] == [True, False, False]
    assert [row["slots"] for row in grid][6] == [False, True, False]
    assert sum(slot for row in grid for slot in row["slots"]) == 2
    # The member's branch lies in 社区B, outside her scope: it is not named.
    assert "光明社区第一网格党支部" not in page
    assert response.context["report_community"] == "幸福社区"


def test_registering_a_new_person_creates_the_person_masked_and_audits(client, world, secretary_a):
    client.force_login(secretary_a)
    haircut = skill()

    response = client.post(
        reverse("volunteering:volunteer_create"),
        {
            "name": "周新来",
            "id_number": nth_id_number(11),
            "mobile": "13900001111",
            "area": world.grid_a2.pk,
            "skills": [haircut.pk],
            "capacity_hours": 8,
            "availability": ["15", "16", "17"],
        },
    )

    made = Volunteer.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/volunteers/{made.pk}/")
    assert made.person.name == "周新来" and made.area == world.grid_a2 and made.org == world.org_a
    assert made.availability == slot_bit(5, 0) | slot_bit(5, 1) | slot_bit(5, 2)
    assert list(made.skills.all()) == [haircut] and made.sort_name.startswith("zhou")
    assert made.person.mobile_masked == "139****1111"
    entry = AuditEntry.objects.get(object_type="volunteering.volunteer", action=AuditAction.CREATE)
    assert entry.changes["skills"] == ["理发"] and "13900001111" not in str(entry.changes)


def test_registering_a_person_found_by_search_uses_their_home(client, world, secretary_a):
    person = PersonFactory(name="吴居民")
    Resident.objects.create(person=person, area=world.building_a1)
    client.force_login(secretary_a)

    found = client.get(reverse("volunteering:volunteer_create"), {"q": "吴居民"})
    assert [pk for pk, _name, _detail in found.context["people"]] == [person.pk]
    response = client.post(
        reverse("volunteering:volunteer_create"), {"person": person.pk, "capacity_hours": 4}
    )

    assert response.status_code == 302
    made = Volunteer.objects.get(person=person)
    assert made.area == world.building_a1 and made.org == world.org_a


def test_a_person_out_of_scope_cannot_be_picked_and_one_entry_per_person(client, world, secretary_a):
    outsider = PersonFactory(name="冯外人")
    Resident.objects.create(person=outsider, area=world.grid_b1)
    already = volunteer(world.grid_a1, world.org_a, "褚已在")
    Resident.objects.create(person=already.person, area=world.grid_a1)
    client.force_login(secretary_a)

    assert client.get(reverse("volunteering:volunteer_create"), {"q": "冯外人"}).context["people"] == []
    assert client.get(reverse("volunteering:volunteer_create"), {"q": "褚已在"}).context["people"] == []
    refused = client.post(
        reverse("volunteering:volunteer_create"), {"person": outsider.pk, "capacity_hours": 4}
    )
    assert refused.status_code == 400 and not Volunteer.objects.filter(person=outsider).exists()
    again = client.post(
        reverse("volunteering:volunteer_create"), {"person": already.person.pk, "capacity_hours": 4}
    )
    assert again.status_code == 400 and Volunteer.objects.filter(person=already.person).count() == 1


def test_an_edit_made_meanwhile_refuses_the_stale_one_with_409(client, world, secretary_a):
    made = volunteer(world.grid_a1, world.org_a, "卫编辑")
    client.force_login(secretary_a)
    url = reverse("volunteering:volunteer_edit", args=[made.pk])
    data = {"capacity_hours": 10, "version": made.version, "area": world.grid_a1.pk}

    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "capacity_hours": 12})

    assert stale.status_code == 409
    made.refresh_from_db()
    assert made.capacity_hours == 10 and made.version == 2


def test_moving_a_volunteer_out_of_scope_is_refused(client, world, secretary_a):
    from dangjian.core.errors import PermissionDenied
    from dangjian.volunteering.ledger import services

    made = volunteer(world.grid_a1, world.org_a, "蒋搬家")
    try:
        services.update_volunteer(
            made, by=secretary_a, expected_version=1, area=world.grid_b1, org=world.org_b
        )
    except PermissionDenied:
        pass
    else:
        raise AssertionError("moved out of scope")
    made.refresh_from_db()
    assert made.area == world.grid_a1 and made.version == 1


def test_pause_leave_and_bring_back_are_audited_and_a_grid_worker_cannot(
    client, world, secretary_a, grid_worker_a
):
    made = volunteer(world.grid_a1, world.org_a, "沈状态")
    url = reverse("volunteering:volunteer_state", args=[made.pk])
    client.force_login(grid_worker_a)
    assert client.post(url, {"state": "paused", "version": 1}).status_code == 403

    client.force_login(secretary_a)
    client.post(url, {"state": "paused", "version": 1})
    client.post(url, {"state": "left", "version": 2, "note": "搬离社区"})
    made.refresh_from_db()
    assert made.state == VolunteerState.LEFT
    client.post(url, {"state": "paused", "version": 3})  # left → paused is not a move
    made.refresh_from_db()
    assert made.state == VolunteerState.LEFT and made.version == 3
    client.post(url, {"state": "active", "version": 3})
    made.refresh_from_db()
    assert made.state == VolunteerState.ACTIVE
    notes = list(
        AuditEntry.objects.filter(object_type="volunteering.volunteer", object_id=str(made.pk)).values_list(
            "note", flat=True
        )
    )
    assert "搬离社区" in notes and len(notes) == 3
    assert "搬离社区" in client.get(reverse("volunteering:volunteer_detail", args=[made.pk])).content.decode()


def test_a_member_joins_by_themself_then_edits_and_pauses(client, world):
    member = PartyMember.objects.create(person=PersonFactory(name="韩党员"), org=world.branch_a1)
    Resident.objects.create(person=member.person, area=world.building_a1)
    user = UserFactory(username="han", person=member.person)
    client.force_login(user)
    url = reverse("volunteering:volunteer_join")

    assert client.get(url).status_code == 200
    response = client.post(url, {"skills": [skill().pk], "capacity_hours": 6, "availability": ["18"]})

    assert response.status_code == 302
    made = Volunteer.objects.get(person=member.person)
    assert made.area == world.building_a1 and made.org == world.org_a and made.party_member == member
    assert made.availability == slot_bit(6, 0)
    client.post(url, {"capacity_hours": 2, "availability": ["18", "19"]})
    made.refresh_from_db()
    assert made.capacity_hours == 2
    client.post(url, {"state": "paused"})
    made.refresh_from_db()
    assert made.state == VolunteerState.PAUSED
    assert AuditEntry.objects.filter(object_type="volunteering.volunteer", username="han").count() == 3


def test_joining_needs_a_recorded_home_or_membership(client, world):
    user = UserFactory(username="nobody", person=Person.objects.create(name="无住址"))
    client.force_login(user)

    assert client.get(reverse("volunteering:volunteer_join")).status_code == 403


def test_teams_offered_on_the_form_are_those_of_the_scope(client, world, secretary_a):
    team(world.grid_a1, world.org_a, "幸福队")
    team(world.community_b, world.org_b, "光明队")
    made = volunteer(world.grid_a1, world.org_a, "杨队员")
    client.force_login(secretary_a)

    url = reverse("volunteering:volunteer_edit", args=[made.pk])
    form = client.get(url).context["form"]

    assert [t.name for t in form.fields["teams"].queryset] == ["幸福队"]
    ours = form.fields["teams"].queryset.get()
    response = client.post(url, {"capacity_hours": 4, "version": made.version, "teams": [ours.pk]})
    assert response.status_code == 302 and list(made.teams.all()) == [ours]
