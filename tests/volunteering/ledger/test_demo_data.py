"""The generator step at a small scale: about one resident in seven volunteers, about 30% of them
party members linked to their membership, skills, availability, a warm group per grid and service
teams per community, all inside the community of the volunteer's home."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.core.person_scope import refresh_scope_keys
from dangjian.core.search import search_in_name_order
from dangjian.members.models import PartyMember, Resident
from dangjian.volunteering.choices import TeamKind
from dangjian.volunteering.demo_data import generate_volunteers
from dangjian.volunteering.models import Team, Volunteer
from tests.factories import PersonFactory


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_writes_volunteers_with_skills_teams_and_members(world):
    homes = [world.building_a1, world.grid_a2, world.grid_b1]
    for number in range(210):
        person = PersonFactory(name=f"居民{number}")
        Resident.objects.create(person=person, area=homes[number % 3])
        if number % 5 == 0:
            PartyMember.objects.create(person=person, org=world.branch_a1 if number % 2 else world.branch_b1)

    written = generate_volunteers(FakeGenerator())
    refresh_scope_keys()  # the generator's last step, after every bulk insert

    volunteers = list(Volunteer.objects.select_related("area", "org", "person"))
    assert written > len(volunteers) and 25 <= len(volunteers) <= 35  # 210 / 7 = 30
    members = [v for v in volunteers if v.party_member_id]
    assert 0.2 <= len(members) / len(volunteers) <= 0.4
    assert all(PartyMember.objects.get(pk=v.party_member_id).person_id == v.person_id for v in members)
    for made in volunteers:
        assert made.area.path.startswith(made.org.jurisdiction.path)
        assert made.sort_name and made.search_tokens
    assert Volunteer.skills.through.objects.exists()
    assert Team.objects.filter(kind=TeamKind.WARM_GROUP).count() == 3  # one per grid
    assert Team.objects.filter(kind=TeamKind.SERVICE_TEAM).count() == 4  # two per community
    assert Volunteer.teams.through.objects.exists()
    # The copies of the names are filled after the bulk insert, so the ledger's search finds them.
    sample = volunteers[0]
    found = search_in_name_order(Volunteer.objects.all(), sample.person.name, key="sort_name")
    assert sample.pk in [row.pk for row in found[:50]]
