"""The navbar offers each persona only pages it can open, assembled from what apps registered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from dangjian.core.context_processors import group_entries, menu_for

# Every persona of tests/conftest.py (a fixture returning a User), so a persona added there is
# checked here too without editing this file.
PERSONAS = re.findall(
    r"^def (\w+)\([^)]*\) -> User:", (Path(__file__).parents[1] / "conftest.py").read_text(), re.M
)


def _menu(user):
    request = RequestFactory().get("/")
    request.user = user
    return menu_for(request)


def test_the_personas_are_found_in_conftest():
    assert {"admin", "district_admin", "secretary_a", "grid_worker_a", "resident"} <= set(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_entry_a_persona_is_shown_opens_for_them(persona, client, world, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    refused = {}
    for entry in _menu(user):
        status = client.get(entry.url).status_code
        if status != 200:
            refused[entry.url_name] = status
    assert refused == {}


def test_a_resident_sees_only_the_pages_every_user_has(resident):
    # Not the work queue: it answers 403 to a user with no view permission and no department.
    # Nor API tokens: a resident's roles give the API nothing (accounts.tokens.may_use_api).
    assert [entry.url_name for entry in _menu(resident)] == ["core:notification_list"]


def test_a_system_administrator_without_membership_is_not_offered_to_report_themself(admin):
    assert "dual_reporting:report_self" not in [entry.url_name for entry in _menu(admin)]


def test_the_navbar_keeps_its_order_and_groups(admin):
    # The order the hand-written list had before apps contributed their entries (People moves
    # to members:person_list and shows once the person pages live there; the 细则 rule sets,
    # issue 10, follow the development board; 志愿服务, issue 12, follows 双报到).
    before = [
        "orgs:org_tree",
        "orgs:area_tree",
        "members:person_list",
        "dashboard:screen",
        "members:member_list",
        "development:board",
        "development:rule_set_list",
        "members:transfer_list",
        "dues:index",
        "members:political_birthdays",
        "member_points:ledger",
        "dashboard:reports:ledger_index",
        "life:meeting_list",
        "life:compliance",
        "elections:election_list",
        "dual_reporting:index",
        "volunteering:volunteer_list",
        "volunteering:team_list",
        "volunteering:skill_list",
        "volunteering:need_list",
        "volunteering:resource_list",
        "volunteering:project_list",
        "volunteering:wish_list",
        "service_posts:post_list",
        "activities:activity_list",
        "service_posts:claim_list",
        "activities:hours_list",
        "activities:certificate_list",
        "volunteering:proposal_list",
        "help_pairs:pair_list",
        "jobs:posting_list",
        "jobs:seeker_list",
        "jobs:training_list",
        # 公开与学习 (issue 14): announcements, proposals and the online party school.
        "publicity:announcement_list",
        "proposals:proposal_list",
        "learning:course_list",
        "learning:plan_list",
        "learning:completion_list",
        "service:request_list",
        "service:queue",
        "service:supervised_list",
        "service:request_create",
        "service:grid_home",
        "service:figures",
        "service:map",
        "dashboard:reports:service_index",
        "service:category_list",
        "service:routing_list",
        "service:department_list",
        "mailbox:message_list",
        "deliberation:topic_list",
        "mailbox:mailbox_list",
        "evaluation:round_list",
        "evaluation:scheme_list",
        "evaluation:rectification_list",
        "demonstration:designation_list",
        "demonstration:application_list",
        "demonstration:set_list",
        "core:notification_list",
        "core:audit_list",
        "admin:index",
        "accounts:token_list",
        "accounts:totp_setup",
        # 个人信息请求 (issue 15, point 9): after the sign-in settings in 系统.
        "privacy:person_list",
        # The one search box (issue 14, point 7): last, its own entry.
        "search:results",
    ]
    shown = [entry.url_name for entry in _menu(admin) if not entry.url_name.startswith("tinyapp:")]
    assert shown == [name for name in before if name in shown]
    assert len(shown) >= len(before) - 1


def test_a_secretary_sees_the_groups_in_the_navbar_order(secretary_a):
    groups = [group.label for group in group_entries(_menu(secretary_a))]
    # "Tiny app" is the test app's own group (tests/tinyapp), placed by its order.
    assert groups == [
        "组织与网格",
        "党员",
        "组织生活",
        "双报到",
        "志愿服务",
        "公开与学习",
        "为民服务",
        "评价",
        "消息提醒",
        "Tiny app",
        "系统",
        "搜索",
    ]
