"""What the lists give the platform: the figures (needs met, 微心愿 fulfilled) equal the rows
counted by hand and open exactly those rows; the 工作台 to-dos; the 我的 card; the menu; the
portal's links."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure, portal_links, registry, todos_for
from dangjian.volunteering.choices import NeedState, WishState
from dangjian.volunteering.lists import services
from dangjian.volunteering.models import Need, Wish
from tests.volunteering.lists.helpers import member_user, need_a, need_b, wish_a, wish_b

NOW = timezone.now()
LAST_YEAR = NOW - datetime.timedelta(days=400)


@pytest.fixture
def rows(world):
    need_a(world, title="今年办结", state=NeedState.MET, met_at=NOW)
    need_a(world, title="去年办结", state=NeedState.MET, met_at=LAST_YEAR)
    need_a(world, title="未办结")
    need_b(world, title="社区乙办结", state=NeedState.MET, met_at=NOW)
    wish_a(world, title="今年确认", state=WishState.CONFIRMED, confirmed_at=NOW)
    wish_a(world, title="已兑现待确认", state=WishState.FULFILLED)
    wish_b(world, title="社区乙确认", state=WishState.CONFIRMED, confirmed_at=NOW)


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize(
    ("key", "model", "state", "field"),
    [
        ("volunteering.needs_met", Need, NeedState.MET, "met_at"),
        ("volunteering.wishes_fulfilled", Wish, WishState.CONFIRMED, "confirmed_at"),
    ],
)
def test_figures_equal_the_rows_counted_by_hand_and_open_them(
    client, world, secretary_a, key, model, state, field
):
    figure = get_figure(key)
    period = Period.year(timezone.localdate().year)
    client.force_login(secretary_a)
    for node in (world.org_a, world.community_a, world.grid_a1, world.street_org):
        by_hand = {
            row.pk
            for row in model.objects.select_related("org", "area")
            if row.state == state
            and getattr(row, field)
            and period.start <= timezone.localdate(getattr(row, field)) < period.end
            and (row.org.path if node._meta.model_name == "organization" else row.area.path).startswith(
                node.path
            )
        }
        assert figure.compute(node, period) == len(by_hand), node
        if node != world.street_org:  # her own subtree
            response = client.get(figure.records_url(node, period))
            assert response.status_code == 200
            assert {row.pk for row in response.context["page"].object_list} == by_hand
    assert figure.compute(world.org_a, period) == 1


def test_todos_count_what_waits_and_open_exactly_it(client, world, secretary_a):
    wish_a(world, title="待发布")
    wish_a(world, title="待确认", state=WishState.FULFILLED)
    wish_b(world, title="社区乙待发布")
    old = need_a(world, title="老需求")
    Need.objects.filter(pk=old.pk).update(created_at=NOW - datetime.timedelta(days=30))
    need_a(world, title="新需求")
    items = {item.key: item for item in todos_for(secretary_a)}
    assert items["volunteering.wishes_to_publish"].count == 1
    assert items["volunteering.wishes_to_confirm"].count == 1
    assert items["volunteering.stale_needs"].count == 1
    client.force_login(secretary_a)
    page = client.get(items["volunteering.stale_needs"].url).content.decode()
    assert "老需求" in page and "新需求" not in page
    page = client.get(items["volunteering.wishes_to_publish"].url).content.decode()
    assert "待发布" in page and "社区乙待发布" not in page


def test_a_user_without_rights_has_no_list_todos(world, resident):
    wish_a(world)
    assert not [item for item in todos_for(resident) if item.key.startswith("volunteering.")]


def test_mine_card_lists_my_claims_with_the_action(client, world):
    member = member_user(world, "member_a")
    wish = wish_a(world, state=WishState.PUBLISHED)
    services.claim_wish(wish, by=member)
    client.force_login(member)
    page = client.get(reverse("mine:index")).content.decode()
    assert 'data-card="my-wishes"' in page and wish.title in page
    assert reverse("volunteering:wish_fulfil", args=[wish.pk]) in page


def test_menu_and_portal_links_are_registered():
    for name in ("need_list", "resource_list", "project_list", "wish_list", "my_wishes"):
        assert registry["menu"][f"volunteering:{name}"].group == "volunteering"
    assert "volunteering" in registry["menu_groups"]
    urls = {link.url_name for link in portal_links()}
    assert {"volunteering:public_need_list", "volunteering:public_wish_list"} <= urls


def test_the_portal_home_links_the_lists(client, db):
    page = client.get(reverse("portal:index")).content.decode()
    assert (
        reverse("volunteering:public_need_list") in page and reverse("volunteering:public_wish_list") in page
    )


def test_the_generator_step_is_registered_after_the_ledger():
    step = registry["generator_steps"]["volunteering_lists"]
    assert step.order == 75


def test_the_mine_card_costs_the_same_for_few_and_many_claims(world, django_assert_max_num_queries):
    from dangjian.mine.selectors import Me
    from dangjian.volunteering.lists.mine import my_wishes_section

    member = member_user(world, "member_a")
    me = Me(user=member, person=member.person, member=None, applicant=None)
    for number in range(2):
        wish_a(world, title=f"心愿{number}", state=WishState.CLAIMED, claimed_by=member.person)
    with django_assert_max_num_queries(2):
        my_wishes_section(me, member)
    for number in range(20):
        wish_a(world, title=f"更多{number}", state=WishState.CLAIMED, claimed_by=member.person)
    with django_assert_max_num_queries(2):
        assert len(my_wishes_section(me, member)["wishes"]) == 5


def test_the_street_rollup_counts_each_community_and_opens_its_rows(client, world, district_admin):
    from dangjian.core.registry import rollup_for

    wish_a(world, title="甲待发布")
    wish_a(world, title="甲待发布二")
    wish_b(world, title="乙待确认", state=WishState.FULFILLED)
    old = need_b(world, title="乙老需求")
    Need.objects.filter(pk=old.pk).update(created_at=NOW - datetime.timedelta(days=30))
    shown = dict(rollup_for(district_admin, world.street_org, [world.org_a, world.org_b]))
    [columns] = [cols for source, cols in shown.items() if source.key == "volunteering.lists"]
    cells = {column.key: column.cells for column in columns}
    assert cells["volunteering.wishes_to_publish"][world.org_a.pk].count == 2
    assert world.org_b.pk not in cells["volunteering.wishes_to_publish"]
    assert cells["volunteering.wishes_to_confirm"][world.org_b.pk].count == 1
    assert cells["volunteering.stale_needs"][world.org_b.pk].count == 1
    client.force_login(district_admin)
    page = client.get(cells["volunteering.stale_needs"][world.org_b.pk].url).content.decode()
    assert "乙老需求" in page
