"""What the ledger contributes through the registry: the figure of active volunteers (both trees,
opening exactly its records), the person panel, the 工作台 card, the 我的 card and the menu."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure, panels, registry
from dangjian.members.models import PartyMember, Resident
from dangjian.volunteering.choices import VolunteerState
from dangjian.volunteering.ledger.registry import mine_section, staff_card
from tests.factories import PersonFactory, UserFactory
from tests.volunteering.helpers import volunteer


def _period() -> Period:
    today = timezone.localdate()
    return Period(today.replace(month=1, day=1), today)


def _world_of_volunteers(world):
    volunteer(world.grid_a1, world.org_a, "甲")
    volunteer(world.building_a1, world.branch_a1, "乙")
    volunteer(world.grid_a2, world.org_a, "丙", state=VolunteerState.PAUSED)
    volunteer(world.community_b, world.org_b, "丁")


def test_the_figure_counts_active_volunteers_in_both_trees_and_opens_them(client, world, secretary_a):
    _world_of_volunteers(world)
    figure = get_figure("volunteering.volunteers")
    client.force_login(secretary_a)

    assert figure.compute(world.community_a, _period()) == 2
    assert figure.compute(world.grid_a1, _period()) == 2
    assert figure.compute(world.street, _period()) == 3
    assert figure.compute(world.org_a, _period()) == 2
    assert figure.compute(world.branch_a1, _period()) == 1
    for node, count in ((world.community_a, 2), (world.org_a, 2), (world.branch_a1, 1)):
        listed = client.get(figure.records_url(node, _period())).context["page"]
        assert len(listed) == count


def test_the_person_panel_shows_the_entry_to_who_may_see_it(world, secretary_a, secretary_b):
    made = volunteer(world.grid_a1, world.org_a, "戊")
    shown = {panel.key: context for panel, context in panels("person_panels", made.person, secretary_a)}
    hidden = {panel.key: context for panel, context in panels("person_panels", made.person, secretary_b)}

    assert shown["volunteering.ledger"]["volunteer"] == made
    assert "volunteering.ledger" not in hidden


def test_the_workbench_card_counts_volunteers_new_ones_and_party_members(world, secretary_a):
    member = PartyMember.objects.create(person=PersonFactory(name="党员己"), org=world.branch_a1)
    volunteer(world.grid_a1, world.org_a, person=member.person, party_member=member)
    volunteer(
        world.grid_a1,
        world.org_a,
        "庚",
        registered_on=timezone.localdate().replace(day=1) - datetime.timedelta(days=1),
    )
    volunteer(world.community_b, world.org_b, "辛")

    card = staff_card(secretary_a)

    assert (card["total"], card["new"], card["members"], card["share"]) == (2, 1, 1, 50)
    assert registry["dashboard_cards"]["volunteering.volunteers"].permission == "volunteering.view_volunteer"


def test_the_workbench_card_is_hidden_from_a_resident(world, resident):
    assert staff_card(resident) is None


def test_the_mine_card_invites_a_member_to_join_then_shows_the_record(client, world):
    member = PartyMember.objects.create(person=PersonFactory(name="党员壬"), org=world.branch_a1)
    Resident.objects.create(person=member.person, area=world.building_a1)
    user = UserFactory(username="ren", person=member.person)

    class Me:
        person = member.person

    assert mine_section(Me, user) == {"volunteer": None}
    made = volunteer(world.building_a1, world.org_a, person=member.person)
    assert mine_section(Me, user) == {"volunteer": made}
    client.force_login(user)
    page = client.get(reverse("mine:index"))
    assert page.status_code == 200 and reverse("volunteering:volunteer_join") in page.content.decode()


def test_the_menu_offers_joining_only_to_who_can_join(world, resident):
    entry = registry["menu"]["volunteering:volunteer_join"]
    member = PartyMember.objects.create(person=PersonFactory(name="党员癸"), org=world.branch_a1)
    assert entry.condition(UserFactory(username="gui", person=member.person))
    assert not entry.condition(resident)
    assert registry["menu_groups"]["volunteering"].order == 45
