"""Node pages of the two trees: detail, edit (optimistic locking), move, deactivate, history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.models import AuditEntry
from dangjian.members.choices import MemberStatus
from dangjian.members.models import GridWorker, PartyMember
from dangjian.orgs.choices import AreaKind, OrgField, OrgKind
from dangjian.orgs.models import Area, Organization
from tests.factories import PersonFactory, UserFactory, add_area, add_org, assign


def edit_data(org: Organization, **changes) -> dict:
    data = {
        "name": org.name,
        "code": org.code,
        "kind": org.kind,
        "field": org.field,
        "short_name": org.short_name,
        "jurisdiction": org.jurisdiction.code if org.jurisdiction_id else "",
        "unit_count": org.unit_count,
        "demonstration_level": org.demonstration_level,
        "star_rating": org.star_rating or "",
        "established_on": "",
        "phone": org.phone,
        "address": org.address,
        "note": org.note,
        "version": org.version,
    }
    data.update(changes)
    return data


def test_secretary_gets_404_for_sibling_community_org(client, world, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("orgs:org_detail", args=[world.org_b.pk])).status_code == 404
    assert client.get(reverse("orgs:area_detail", args=[world.community_b.pk])).status_code == 404
    assert client.get(reverse("orgs:org_edit", args=[world.branch_b1.pk])).status_code == 404


def test_org_detail_shows_place_counts_warnings_and_actions(client, world, secretary_a):
    for status in (MemberStatus.FULL, MemberStatus.FULL, MemberStatus.PROBATIONARY):
        PartyMember.objects.create(person=PersonFactory(), org=world.branch_a1, status=status)
    client.force_login(secretary_a)
    page = client.get(reverse("orgs:org_detail", args=[world.branch_a1.pk])).content.decode()
    assert "中共幸福社区委员会" in page  # breadcrumb within the scope
    assert "中共和平街道工作委员会" not in page  # ancestors outside the scope are left out
    assert 'data-rule="branch_min_full_members"' in page and 'data-rule="no_committee"' in page
    assert reverse("orgs:org_edit", args=[world.branch_a1.pk]) in page
    assert reverse("orgs:area_detail", args=[world.grid_a1.pk]) in page  # jurisdiction link
    full, probationary = (
        page.split('dj-stat-value">')[3].split("<")[0],
        page.split('dj-stat-value">')[4].split("<")[0],
    )
    assert (full, probationary) == ("2", "1")


def test_actions_are_hidden_from_a_user_without_the_permission(client, world, grid_worker_a):
    client.force_login(grid_worker_a)
    page = client.get(reverse("orgs:org_detail", args=[world.branch_a1.pk])).content.decode()
    assert reverse("orgs:org_edit", args=[world.branch_a1.pk]) not in page
    assert client.get(reverse("orgs:org_edit", args=[world.branch_a1.pk])).status_code == 403
    response = client.post(reverse("orgs:org_deactivate", args=[world.branch_a1.pk]), {"reason": ""})
    assert response.status_code == 403
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.is_active


def test_area_detail_sums_residents_and_counts_grid_workers_of_the_subtree(client, world, secretary_a):
    Area.objects.filter(pk=world.grid_a1.pk).update(resident_count=120)
    Area.objects.filter(pk=world.building_a1.pk).update(resident_count=35)
    Area.objects.filter(pk=world.grid_b1.pk).update(resident_count=999)
    GridWorker.objects.create(person=PersonFactory(), area=world.grid_a1, kind="grid_leader")
    client.force_login(secretary_a)
    page = client.get(reverse("orgs:area_detail", args=[world.community_a.pk])).content.decode()
    values = [part.split("<")[0] for part in page.split('dj-stat-value">')[1:]]
    assert values[:3] == ["155", "1", "2"]  # residents, grid workers, grids
    grid_row = page.split(f'href="/orgs/areas/{world.grid_a1.pk}/"')[1].split("</tr>")[0]
    assert '<td class="text-end">155</td>' in grid_row  # the grid's row counts its buildings too


def test_editing_own_branch_is_saved_and_audited_with_old_and_new_values(client, world, secretary_a):
    client.force_login(secretary_a)
    url = reverse("orgs:org_edit", args=[world.branch_a1.pk])
    response = client.post(url, edit_data(world.branch_a1, name="幸福社区一网格党支部", phone="010-1234"))
    assert response.status_code == 302
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.name == "幸福社区一网格党支部" and world.branch_a1.version == 2
    entry = AuditEntry.objects.get(object_type="orgs.organization", object_id=str(world.branch_a1.pk))
    assert entry.changes["name"] == ["幸福社区第一网格党支部", "幸福社区一网格党支部"]
    assert entry.changes["phone"] == ["", "010-1234"]
    assert entry.username == "secretary_a"


def test_stale_edit_shows_the_concurrent_change_message_and_keeps_the_input(client, world, secretary_a):
    client.force_login(secretary_a)
    url = reverse("orgs:org_edit", args=[world.branch_a1.pk])
    stale = edit_data(world.branch_a1, name="我的改名")
    client.post(url, edit_data(world.branch_a1, name="别人的改名"))
    response = client.post(url, stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已被他人修改" in page and 'value="我的改名"' in page
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.name == "别人的改名"


def test_edit_sets_the_jurisdiction_by_area_code_within_scope(client, world, secretary_a):
    client.force_login(secretary_a)
    url = reverse("orgs:org_edit", args=[world.branch_a1.pk])
    client.post(url, edit_data(world.branch_a1, jurisdiction=world.grid_a2.code))
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.jurisdiction == world.grid_a2
    response = client.post(url, edit_data(world.branch_a1, jurisdiction=world.grid_b1.code))
    assert response.status_code == 200 and "is-invalid" in response.content.decode()


def test_area_lookup_offers_areas_in_scope_by_name(client, world, secretary_a):
    client.force_login(secretary_a)
    options = client.get(reverse("orgs:area_lookup"), {"q": "网格"}).content.decode()
    assert world.grid_a1.code in options and world.grid_b1.code not in options


def test_org_lookup_offers_active_organizations_in_scope_by_name_or_code(client, world, secretary_a):
    client.force_login(secretary_a)
    options = client.get(reverse("orgs:org_lookup"), {"q": "党支部"}).content.decode()
    assert f'value="{world.branch_a1.code}"' in options and world.branch_b1.code not in options
    # htmx sends the typed text under the field's own name
    by_field = client.get(reverse("orgs:org_lookup"), {"handler_org": "B0001"}).content.decode()
    assert "幸福社区第一网格党支部" in by_field
    assert client.get(reverse("orgs:org_lookup")).content.decode().strip() == ""


def test_org_lookup_costs_the_same_queries_for_3_and_30_matches(client, world, secretary_a):
    client.force_login(secretary_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("orgs:org_lookup"), {"q": "党小组"}).status_code == 200
        return len(queries)

    for index in range(3):
        add_org(world.branch_a1, f"第{index}党小组", f"GA{index:03d}", OrgKind.GROUP)
    few = count()
    for index in range(3, 30):
        add_org(world.branch_a1, f"第{index}党小组", f"GA{index:03d}", OrgKind.GROUP)
    assert count() == few


def test_creating_a_child_goes_through_the_rules(client, world, secretary_a):
    client.force_login(secretary_a)
    url = reverse("orgs:org_create", args=[world.branch_a1.pk])
    data = edit_data(world.branch_a1, name="第一党小组", code="G0001", kind=OrgKind.GROUP, jurisdiction="")
    response = client.post(url, data)
    group = Organization.objects.get(code="G0001")
    assert response.status_code == 302 and Organization.objects.get_parent(group) == world.branch_a1
    assert AuditEntry.objects.filter(action="create", object_id=str(group.pk)).exists()
    # A 党小组 belongs under a branch: the form under a 社区党委 does not offer it nor accept it.
    create_under_org = reverse("orgs:org_create", args=[world.org_a.pk])
    assert 'value="group"' not in client.get(create_under_org).content.decode()
    response = client.post(create_under_org, {**data, "code": "G0002"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Organization.objects.filter(code="G0002").exists()


def test_area_child_kind_is_offered_by_the_parent(client, world, secretary_a):
    client.force_login(secretary_a)
    page = client.get(reverse("orgs:area_create", args=[world.grid_a1.pk])).content.decode()
    assert 'value="building"' in page and 'value="grid"' not in page
    response = client.post(
        reverse("orgs:area_create", args=[world.grid_a1.pk]),
        {"name": "2号楼", "code": "110105001001G01B02", "kind": AreaKind.BUILDING},
    )
    assert response.status_code == 302
    assert Area.objects.get_parent(Area.objects.get(code="110105001001G01B02")) == world.grid_a1


def test_move_within_scope_moves_the_subtree(client, world, secretary_a):
    general = add_org(world.org_a, "幸福社区第一党总支", "GB001", OrgKind.GENERAL_BRANCH)
    group = add_org(world.branch_a1, "第一党小组", "G0001", OrgKind.GROUP)
    client.force_login(secretary_a)
    url = reverse("orgs:org_move", args=[world.branch_a1.pk])
    response = client.get(url, {"q": "党总支"})
    assert "幸福社区第一党总支" in response.content.decode()
    assert response.context["moving_along"] == 1  # the page says the group moves along
    response = client.post(url, {"parent": general.pk})
    assert response.status_code == 302
    world.branch_a1.refresh_from_db()
    group.refresh_from_db()
    assert Organization.objects.get_parent(world.branch_a1) == general
    assert group.path.startswith(world.branch_a1.path) and group.depth == general.depth + 2
    assert AuditEntry.objects.filter(action="move", object_id=str(world.branch_a1.pk)).exists()


def test_moving_into_own_subtree_is_refused_with_the_message(client, world, secretary_a):
    client.force_login(secretary_a)
    response = client.post(reverse("orgs:org_move", args=[world.org_a.pk]), {"parent": world.branch_a1.pk})
    assert response.status_code == 200
    assert "不能把节点移动到它自己或它的下级之下" in response.content.decode()
    world.branch_a1.refresh_from_db()
    assert Organization.objects.get_parent(world.branch_a1) == world.org_a


def test_moving_outside_scope_is_not_offered_nor_accepted(client, world, secretary_a):
    client.force_login(secretary_a)
    response = client.post(reverse("orgs:org_move", args=[world.branch_a1.pk]), {"parent": world.org_b.pk})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    world.branch_a1.refresh_from_db()
    assert Organization.objects.get_parent(world.branch_a1) == world.org_a


def test_deactivating_a_node_with_active_children_is_refused(client, world, secretary_a):
    client.force_login(secretary_a)
    response = client.post(reverse("orgs:org_deactivate", args=[world.org_a.pk]), {"reason": "合并"})
    assert response.status_code == 200
    assert "还有 1 个启用中的下级" in response.content.decode()
    world.org_a.refresh_from_db()
    assert world.org_a.is_active


def test_deactivate_then_reactivate_a_leaf_records_the_reason(client, world, secretary_a):
    client.force_login(secretary_a)
    client.post(reverse("orgs:org_deactivate", args=[world.branch_a1.pk]), {"reason": "并入第二网格党支部"})
    world.branch_a1.refresh_from_db()
    assert not world.branch_a1.is_active
    assert AuditEntry.objects.get(action="deactivate").note == "并入第二网格党支部"
    client.post(reverse("orgs:org_reactivate", args=[world.branch_a1.pk]))
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.is_active


def test_history_page_lists_the_changes(client, world, secretary_a):
    client.force_login(secretary_a)
    client.post(
        reverse("orgs:org_edit", args=[world.branch_a1.pk]), edit_data(world.branch_a1, name="改名后")
    )
    client.post(reverse("orgs:org_deactivate", args=[world.branch_a1.pk]), {"reason": "撤并"})
    page = client.get(reverse("orgs:org_history", args=[world.branch_a1.pk])).content.decode()
    assert "<del>幸福社区第一网格党支部</del> → 改名后" in page
    assert "撤并" in page and "secretary_a" in page


def test_history_of_another_community_is_not_found(client, world, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("orgs:org_history", args=[world.org_b.pk])).status_code == 404


def test_higher_node_lists_due_re_elections_of_its_subtree(client, world, district_admin):
    import datetime

    from dangjian.orgs.models import Committee

    Committee.objects.create(org=world.branch_a1, elected_on=datetime.date(2020, 1, 1), term_years=3)
    client.force_login(district_admin)
    page = client.get(reverse("orgs:org_detail", args=[world.street_org.pk])).content.decode()
    assert "幸福社区第一网格党支部" in page and "text-danger" in page
    full = client.get(reverse("orgs:org_elections", args=[world.street_org.pk])).content.decode()
    assert "幸福社区第一网格党支部" in full


@pytest.mark.parametrize("url_name", ["orgs:org_detail", "orgs:area_detail"])
def test_detail_costs_the_same_queries_for_3_and_30_children(client, world, secretary_a, url_name):
    is_org = url_name == "orgs:org_detail"
    parent = world.org_a if is_org else world.community_a
    client.force_login(secretary_a)

    def grow(start: int, count: int) -> None:
        for index in range(start, start + count):
            if is_org:
                child = add_org(parent, f"测试第{index}党支部", f"T{index}", OrgKind.BRANCH)
                PartyMember.objects.create(person=PersonFactory(), org=child)
            else:
                add_area(parent, f"测试第{index}网格", f"TG{index}", AreaKind.GRID)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name, args=[parent.pk])).status_code == 200
        return len(captured)

    grow(0, 3)
    few = queries()
    grow(3, 27)
    assert queries() == few


def test_staff_role_may_edit_but_not_add(client, world):
    user = UserFactory(username="staff_a")
    assign(user, BuiltinRole.ORG_STAFF, world.org_a)
    client.force_login(user)
    assert client.get(reverse("orgs:org_edit", args=[world.branch_a1.pk])).status_code == 200
    assert client.get(reverse("orgs:org_create", args=[world.org_a.pk])).status_code == 403


def test_government_org_form_keeps_its_field(client, world, admin):
    client.force_login(admin)
    data = edit_data(world.district_org, note="区委")
    client.post(reverse("orgs:org_edit", args=[world.district_org.pk]), data)
    world.district_org.refresh_from_db()
    assert world.district_org.field == OrgField.GOVERNMENT and world.district_org.note == "区委"


def test_admin_shows_the_trees_read_only_and_points_to_the_pages(client, world, admin):
    client.force_login(admin)
    assert client.get("/admin/orgs/organization/").status_code == 200
    assert client.get("/admin/members/partymember/").status_code == 200
    change_page = client.get(f"/admin/orgs/organization/{world.org_a.pk}/change/").content.decode()
    assert 'name="_save"' not in change_page
    assert client.post("/admin/orgs/organization/add/", {"name": "绕过服务"}).status_code == 403
    assert not Organization.objects.filter(name="绕过服务").exists()
