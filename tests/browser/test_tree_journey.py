"""A 社区 secretary browses the organization tree, adds a sub-unit and finds its creation in the history.

The journey of the tree pages, at desktop width and at 375 px, with the accessibility check on
every page visited: tree → expand a node → node page → add-a-sub-unit form → the new node's
page → its history, where the creation is recorded under the secretary's name.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dangjian.core.models import AuditEntry
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import add_org

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_secretary_adds_a_party_group_from_the_tree_and_sees_it_in_the_history(
    width, request, transactional_db, live_server, world, secretary_a
):
    # The live server's thread must see the rows: transactional_db comes before the world.
    page = request.getfixturevalue(f"{width}_page")
    add_org(world.branch_a1, "幸福社区第一网格党支部第一党小组", "G0001", OrgKind.GROUP)
    log_in(page, "secretary_a", PASSWORD)

    # The tree opens on the secretary's own organization; its branch is collapsed.
    page.goto("/orgs/organizations/")
    tree = page.locator("#dj-tree")
    expect(tree.get_by_role("link", name=world.org_a.name)).to_be_visible()
    assert_accessible(page)

    branch_row = tree.locator(f"li[data-node='{world.branch_a1.pk}']")
    twisty = branch_row.locator("button.dj-tree-twisty").first
    expect(twisty).to_have_attribute("aria-expanded", "false")
    twisty.click()
    expect(twisty).to_have_attribute("aria-expanded", "true")
    expect(branch_row.get_by_role("link", name="幸福社区第一网格党支部第一党小组")).to_be_visible()
    assert_accessible(page)

    # The branch's page, then the form to add a sub-unit under it.
    branch_row.get_by_role("link", name=world.branch_a1.name).first.click()
    expect(page).to_have_url(re.compile(rf"/orgs/organizations/{world.branch_a1.pk}/$"))
    expect(page.locator("h1")).to_contain_text(world.branch_a1.name)
    assert_accessible(page)

    page.locator(f"a[href$='/orgs/organizations/{world.branch_a1.pk}/add/']").click()
    expect(page.locator("form input[name=name]")).to_be_visible()
    assert_accessible(page)
    page.locator("form input[name=name]").fill("幸福社区第一网格党支部第二党小组")
    page.locator("form input[name=code]").fill("G0002")
    page.locator("form select[name=kind]").select_option(OrgKind.GROUP.value)
    page.locator("form:has(input[name=code]) button[type=submit]").click()

    # The new group's page says it was created.
    expect(page.locator("h1")).to_contain_text("第二党小组")
    group = Organization.objects.get(code="G0002")
    expect(page).to_have_url(re.compile(rf"/orgs/organizations/{group.pk}/$"))
    assert Organization.objects.get_parent(group) == world.branch_a1
    assert_accessible(page)

    # Its history shows the creation, by the secretary.
    page.locator(f"a[href$='/orgs/organizations/{group.pk}/history/']").click()
    expect(page).to_have_url(re.compile(rf"/orgs/organizations/{group.pk}/history/$"))
    entry = AuditEntry.objects.get(action="create", object_type="orgs.organization", object_id=str(group.pk))
    row = page.locator("main table tbody tr").filter(has_text="secretary_a")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(entry.get_action_display())
    assert_accessible(page)
