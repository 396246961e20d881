"""Scoping by action: a role held in one place never widens a list read under another permission.

The persona ``secretary_a_grid_worker_b`` is secretary of 社区A党委 and grid worker on 光明社区第一网格
(社区B), which is the jurisdiction of 光明社区第一网格党支部. Before ``visible_to(user, action)``
every subtree where she held any role counted, so the members of that branch appeared in her
ledger, its API and export, and on the dues arrears page, although a grid worker may read
neither members nor dues. Her grid-worker pages in 社区B must keep working.
"""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry, Person
from dangjian.core.scoping import ORG, Grant, Scope, permission_for, scope_of
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.models import Organization
from tests.dues.helpers import add_member, declare
from tests.members.ledger_data import id_number, make_member


def _members_of_both_communities(world) -> tuple[PartyMember, PartyMember]:
    return make_member(world.branch_a1, "安娜", number=1), make_member(world.branch_b1, "白雪", number=2)


def _names(items) -> set[str]:
    return {item["name"] if "name" in item else item["member_name"] for item in items}


# --- The mechanism ----------------------------------------------------------------------------


def test_permission_asked_is_app_action_model_unless_a_full_name_is_given():
    assert permission_for(PartyMember, "view") == "members.view_partymember"
    assert permission_for(PartyMember, "change") == "members.change_partymember"
    assert permission_for(PartyMember, "dues.view_duespayment") == "dues.view_duespayment"


def test_restricted_scope_keeps_only_the_grants_carrying_the_permission():
    secretary = Grant(ORG, "0001", frozenset({"members.view_partymember", "core.view_person"}))
    grid_post = Grant(ORG, "0002", frozenset({"core.view_person"}))
    scope = Scope(grants=(secretary, grid_post))

    assert scope.restricted_to("members.view_partymember").grants == (secretary,)
    assert scope.restricted_to("core.view_person").grants == (secretary, grid_post)
    assert scope.restricted_to("dues.view_duespayment").grants == ()
    assert Scope(is_global=True).restricted_to("anything.at_all").is_global


def test_a_role_held_elsewhere_never_widens_a_list_read_under_another_permission(
    world, secretary_a_grid_worker_b
):
    user = secretary_a_grid_worker_b
    mine, theirs = _members_of_both_communities(world)

    assert list(PartyMember.objects.visible_to(user)) == [mine]
    assert not PartyMember.objects.visible_to(user, "dues.view_duespayment").filter(pk=theirs.pk).exists()
    # The grid post shows 社区B's branch as an organization (orgs.view_organization) …
    assert Organization.objects.visible_to(user).filter(pk=world.branch_b1.pk).exists()
    # … but not as a place whose members she may read.
    assert not (
        Organization.objects.visible_to(user, "members.view_partymember")
        .filter(pk=world.branch_b1.pk)
        .exists()
    )


def test_the_grid_post_still_opens_its_own_residents_and_people(world, secretary_a_grid_worker_b):
    user = secretary_a_grid_worker_b
    resident = Resident.objects.create(person=Person.objects.create(name="光明居民"), area=world.grid_b1)

    assert Resident.objects.visible_to(user).filter(pk=resident.pk).exists()
    assert Person.objects.visible_to(user).filter(pk=resident.person_id).exists()
    # Residents are not read under the member ledger's permission.
    assert not Resident.objects.visible_to(user, "members.view_partymember").filter(pk=resident.pk).exists()


def test_audit_lines_follow_the_same_path_as_every_other_list(
    world, district_admin, secretary_a_grid_worker_b
):
    inside = AuditEntry.objects.create(action="update", org_path=world.org_a.path, object_repr="A")
    in_her_grid = AuditEntry.objects.create(action="update", area_path=world.grid_b1.path, object_repr="B")

    assert set(AuditEntry.objects.visible_to(district_admin)) >= {inside, in_her_grid}
    # Neither a secretary nor a grid worker reads the audit log: two such roles read nothing.
    assert not scope_of(secretary_a_grid_worker_b).has_any("core.view_auditentry")
    assert not AuditEntry.objects.visible_to(secretary_a_grid_worker_b).exists()


# --- The member ledger --------------------------------------------------------------------------


def test_two_role_secretarys_ledger_page_lists_no_member_of_community_b(
    client, world, secretary_a_grid_worker_b
):
    _members_of_both_communities(world)
    client.force_login(secretary_a_grid_worker_b)

    response = client.get(reverse("members:member_list"))

    assert response.status_code == 200
    assert [member.person.name for member in response.context["page"]] == ["安娜"]
    assert "白雪" not in response.content.decode()


def test_two_role_secretarys_ledger_api_lists_no_member_of_community_b(
    client, world, secretary_a_grid_worker_b
):
    _mine, theirs = _members_of_both_communities(world)
    client.force_login(secretary_a_grid_worker_b)

    items = client.get(reverse("api:ledger_member_list")).json()["items"]
    detail = client.get(reverse("api:ledger_member_detail", kwargs={"id": theirs.pk}))

    assert _names(items) == {"安娜"}
    assert detail.status_code == 404


def test_two_role_secretarys_ledger_export_lists_no_member_of_community_b(
    client, world, secretary_a_grid_worker_b
):
    _members_of_both_communities(world)
    client.force_login(secretary_a_grid_worker_b)

    response = client.get(reverse("members:member_export"))

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True))
    exported = {value for row in rows for value in row if isinstance(value, str)}
    assert "安娜" in exported and "白雪" not in exported


def test_two_role_secretary_cannot_pick_community_bs_branch_for_a_new_member(
    client, world, secretary_a_grid_worker_b
):
    client.force_login(secretary_a_grid_worker_b)
    member = {
        "name": "陈静",
        "id_number": id_number(105),
        "status": "full",
        "category": "retired",
        "joined_on": "2005-07-01",
        "regularized_on": "2006-07-01",
    }

    in_b = client.post(
        reverse("api:ledger_member_create"),
        {"org_id": world.branch_b1.pk, **member},
        content_type="application/json",
    )
    in_a = client.post(
        reverse("api:ledger_member_create"),
        {"org_id": world.branch_a1.pk, **member},
        content_type="application/json",
    )

    # Her grid post shows 社区B's branch as an organization, not as one she may add members to.
    assert in_b.status_code == 404
    assert in_a.status_code == 201
    assert list(PartyMember.objects.values_list("org_id", flat=True)) == [world.branch_a1.pk]


# --- Dues -------------------------------------------------------------------------------------


def test_two_role_secretarys_arrears_page_and_api_list_no_member_of_community_b(
    client, world, secretary_a_grid_worker_b
):
    for member in (add_member(world.branch_a1, "本社区欠缴"), add_member(world.branch_b1, "外社区欠缴")):
        declare(member)  # nothing paid: both are in arrears
    client.force_login(secretary_a_grid_worker_b)

    page = client.get(reverse("dues:arrears_list")).content.decode()
    items = client.get(reverse("api:dues_arrears")).json()["items"]

    assert "本社区欠缴" in page and "外社区欠缴" not in page
    assert _names(items) == {"本社区欠缴"}


def test_two_role_secretarys_dues_pages_do_not_open_community_bs_branch(
    client, world, secretary_a_grid_worker_b
):
    client.force_login(secretary_a_grid_worker_b)

    index = client.get(reverse("dues:index"))
    sheet = client.get(reverse("dues:sheet", kwargs={"org_pk": world.branch_b1.pk}))
    arrears_of_b = client.get(reverse("dues:arrears_list"), {"org": world.branch_b1.pk})

    assert world.branch_a1.name in index.content.decode()
    assert world.branch_b1.name not in index.content.decode()
    assert sheet.status_code == 404 and arrears_of_b.status_code == 404


# --- Her grid post in 社区B still works ----------------------------------------------------------


def test_grid_worker_pages_of_her_grid_in_community_b_still_open(client, world, secretary_a_grid_worker_b):
    Resident.objects.create(
        person=Person.objects.create(name="光明居民"), area=world.grid_b1, household="1单元101"
    )
    client.force_login(secretary_a_grid_worker_b)

    households = client.get(reverse("service:grid_households", kwargs={"area_pk": world.grid_b1.pk}))
    report = client.get(reverse("service:grid_report", kwargs={"area_pk": world.grid_b1.pk}))
    home = client.get(reverse("service:grid_home"))

    assert households.status_code == 200 and "光明居民" in households.content.decode()
    assert report.status_code == 200
    assert home.status_code == 200
