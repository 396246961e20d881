"""Every notice the platform writes reaches only those allowed to read it (issue 11 point 3).

The call sites of ``notify(`` are found in the source: each one that writes to an organization's
office must pass the permission its link's page asks, and each must have a scenario below that
runs it. Each scenario writes its notices in 社区A about someone other than the plain 党员 of
幸福社区第一网格党支部; the 党员 then reads none of them, while the secretary of 社区A reads the
office's notices. A new call site fails the first test until it is given a permission and a
scenario here.
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse

import dangjian
from dangjian.accounts.choices import BuiltinRole
from dangjian.core.models import Notification
from dangjian.core.notifications import for_user
from tests.factories import UserFactory, assign
from tests.service.conftest import (  # noqa: F401  (fixtures used through request.getfixturevalue)
    at,
    department_user,
    dispatched_request,
    handler_a1,
    resolved_request,
    service_world,
)

SOURCE = Path(dangjian.__file__).resolve().parent


class _Calls(ast.NodeVisitor):
    """Every ``notify(`` call with the innermost function around it and its keyword names."""

    def __init__(self, module: str):
        self.module = module
        self.functions: list[str] = []
        self.found: list[tuple[str, int, set[str]]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "notify":
            site = f"{self.module}:{self.functions[-1] if self.functions else '<module>'}"
            self.found.append((site, node.lineno, {keyword.arg for keyword in node.keywords if keyword.arg}))
        self.generic_visit(node)


def _calls() -> list[tuple[str, int, set[str]]]:
    """``(module:function, line, keyword names)`` of every ``notify(`` call under src/dangjian."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        module = path.relative_to(SOURCE).with_suffix("").as_posix().replace("/", ".")
        if "migrations" in path.parts or module == "core.notifications":
            continue
        visitor = _Calls(module)
        visitor.visit(ast.parse(path.read_text(), filename=str(path)))
        found.extend(visitor.found)
    return found


def test_every_notice_to_an_office_names_the_permission_its_page_asks():
    calls = _calls()
    assert len(calls) >= 12, calls
    without = [
        (site, line) for site, line, keywords in calls if "org" in keywords and "permission" not in keywords
    ]
    assert without == [], f"notify(org=…) without permission=…: {without}"


def test_every_call_site_has_a_scenario_below():
    assert {site for site, _line, _keywords in _calls()} == set(SCENARIOS), (
        "A notify( call site was added or moved: give it a scenario in SCENARIOS"
    )


# --- scenarios: each writes the notices of one call site ----------------------------------------------


def _development(world, request) -> None:
    from dangjian.development.tasks import send_reminders
    from tests.development.data import applicant_in

    applicant_in(world.branch_a1, days_ago=40, name="逾期甲")
    applicant_in(world.branch_a1, days_ago=27, name="将到期乙")
    assert send_reminders() == 2


def _dues(world, request) -> None:
    from dangjian.dues.notices import notify_six_month_arrears
    from tests.dues.helpers import add_member, add_months, declare, last_due_month, pay

    member = add_member(world.branch_a1, "陈六月")
    declare(member)
    pay(member, add_months(last_due_month(), -8))
    assert notify_six_month_arrears() == 1


def _silent_branch(world, request) -> None:
    from dangjian.life.choices import MeetingState
    from dangjian.life.models import Meeting
    from dangjian.life.tasks import flag_silent_branches_now
    from tests.life.helpers import plain_meeting

    meeting = plain_meeting(world.branch_a1, "很久以前的会", starts_in=-datetime.timedelta(days=45))
    Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD)
    assert flag_silent_branches_now() >= 1


def _birthdays(world, request) -> None:
    from dangjian.members.birthdays import next_week, send_political_birthday_notices
    from dangjian.members.models import PartyMember
    from tests.members.transfers import member_in

    today = datetime.date(2026, 7, 1)
    greeted = member_in(world.branch_a1, "党员甲")
    PartyMember.objects.filter(pk=greeted.pk).update(joined_on=datetime.date(1996, 7, 1))
    UserFactory(username="greeted_member", person=greeted.person)
    coming = member_in(world.branch_a1, "下周")
    PartyMember.objects.filter(pk=coming.pk).update(joined_on=next_week(today)[0].replace(year=2011))
    assert send_political_birthday_notices(today) == (1, 1)


def _feedback(world, request) -> None:
    from django.utils import timezone

    from dangjian.dual_reporting import services
    from dangjian.dual_reporting.choices import FeedbackRating
    from tests.dual_reporting.helpers import member_living_in, report

    secretary_b = request.getfixturevalue("secretary_b")
    made = report(member_living_in(world.branch_a1, world.grid_b1, "刘报到"), world.community_b, days_ago=400)
    services.send_feedback(
        made, by=secretary_b, year=timezone.localdate().year - 1, rating=FeedbackRating.POOR
    )


def _dispatched(world, request):
    return dispatched_request(
        world,
        request.getfixturevalue("service_world"),
        request.getfixturevalue("secretary_a"),
        now=at(MONDAY),
    )


MONDAY = "2026-03-02 09:00"


def _service_handler(world, request) -> None:
    # Dispatching tells the handler (幸福社区第一网格党支部's office); supervising and the due
    # reminder go the same way; a department handler is told personally.
    from dangjian.service import services, tasks

    request_obj = _dispatched(world, request)
    services.supervise_request(request_obj, by=request.getfixturevalue("secretary_a"), note="关注")
    tasks.remind_due_requests_now(at("2026-03-05 08:00"))


def _service_overdue(world, request) -> None:
    from dangjian.service import tasks

    _dispatched(world, request)
    assert tasks.mark_overdue_requests_now(at("2026-03-06 10:00")) == 1


def _service_whistle(world, request) -> None:
    from dangjian.service import services, tasks

    request.getfixturevalue("department_user")
    request_obj = _dispatched(world, request)
    services.whistle_request(
        request_obj,
        by=request.getfixturevalue("secretary_a"),
        department=request.getfixturevalue("service_world").department,
        note="需要执法",
        now=at(MONDAY),
    )
    assert tasks.mark_overdue_whistles_now(at("2026-03-04 09:00")) == 1


def _service_bad_rating(world, request) -> None:
    from tests.service.conftest import rate_as_resident

    secretary = request.getfixturevalue("secretary_a")
    handler = request.getfixturevalue("handler_a1")
    resolved = resolved_request(
        world, request.getfixturevalue("service_world"), secretary, handler, now=at(MONDAY)
    )
    rate_as_resident(resolved, level="dissatisfied", comment="没人来", now=at("2026-03-03 09:00"))


def _post_claimed(world, request) -> None:
    from dangjian.service_posts import services
    from tests.service_posts.helpers import member_of, post_at

    _member, user = member_of(world.branch_a1, "领岗甲")
    services.claim_post(post_at(world.org_a), by=user)


def _post_confirmed(world, request) -> None:
    from dangjian.service_posts import services
    from tests.service_posts.helpers import claimed, member_of, post_at

    member, _user = member_of(world.branch_a1, "领岗乙")
    services.confirm_claim(claimed(post_at(world.org_a), member), by=request.getfixturevalue("secretary_a"))


def _help_pair_overdue(world, request) -> None:
    from dangjian.help_pairs.tasks import remind_overdue_visits_now
    from tests.help_pairs.helpers import member_helper, pair

    helper_user = member_helper(world)
    pair(helper_user.person, world.grid_a1, world.org_a, since_days=90, interval=30, last_visit_days=40)
    assert remind_overdue_visits_now() == 1


def _demonstration_recheck(world, request) -> None:
    # The reminder is for the organization department above the 示范点 (those who may re-check
    # it), not for the community's own secretary: a 示范点 of 社区B, read by the district admin.
    from dangjian.demonstration.tasks import NOTIFY_DUE, remind_rechecks_now
    from tests.demonstration.helpers import designation

    designation(world, world.org_b, since_days=400, due_in_days=-1)
    assert remind_rechecks_now() == 1
    admin = request.getfixturevalue("district_admin")
    assert for_user(admin).filter(kind=NOTIFY_DUE).count() == 1


def _announcement(world, request) -> None:
    # Told personally: each member of the audience with a login, not the office.
    from dangjian.publicity import services
    from tests.publicity.helpers import announcement_at, member_of

    member_of(world.branch_a1, "读公告")
    draft = announcement_at(world.org_a, state="draft")
    services.publish_announcement(draft, by=request.getfixturevalue("secretary_a"))


def _proposal_threshold(world, request) -> None:
    # The office of 社区A党委 is asked to respond once a proposal reaches its threshold.
    from dangjian.portal.verification import phone_hash
    from dangjian.proposals import services
    from tests.proposals.helpers import proposal_at

    proposal = proposal_at(world.org_a, threshold=1)
    services.support_as_resident(proposal, phone_hash=phone_hash("13900139000"))


def _mailbox_assigned(world, request) -> None:
    from dangjian.mailbox import services
    from tests.mailbox.helpers import staff_of, write

    secretary = request.getfixturevalue("secretary_a")
    services.assign_message(write(world.org_a), assignee=staff_of(world.org_a, "mailbox_staff"), by=secretary)


def _mailbox_overdue(world, request) -> None:
    from dangjian.mailbox import tasks
    from tests.mailbox.helpers import write

    write(world.org_a, now=at(MONDAY))
    assert tasks.mark_overdue_messages_now(at("2026-03-20 10:00")) == 1


def _topic_raised(world, request) -> None:
    from dangjian.core.personal import MOBILE, lookup_hash
    from dangjian.deliberation import services

    phone = "13912345678"
    services.raise_by_resident(
        world.org_a,
        name="王芳",
        phone=phone,
        phone_hash=lookup_hash(MOBILE, phone),
        title="噪音",
        description="太吵",
    )


def _party_invited(world, request) -> None:
    from dangjian.deliberation import services
    from tests.deliberation.helpers import topic_at

    topic = topic_at(world.org_a, "accepted")
    invitee = UserFactory(username="wuye_jingli")
    services.invite(
        topic,
        by=request.getfixturevalue("secretary_a"),
        party_kind="property",
        unit_name="物业",
        user=invitee,
    )


SCENARIOS: dict[str, Callable] = {
    "development.tasks:send_reminders": _development,
    "dues.notices:notify_six_month_arrears": _dues,
    "life.tasks:flag_silent_branches_now": _silent_branch,
    "members.birthdays:send_political_birthday_notices": _birthdays,
    "dual_reporting.services:send_feedback": _feedback,
    "service.services.common:_notify_handler": _service_handler,
    "service.services.system:mark_overdue": _service_overdue,
    "service.services.system:mark_whistle_overdue": _service_whistle,
    "service.services.handling:whistle_request": _service_whistle,
    "service.services.rating:_record_rating": _service_bad_rating,
    "service_posts.services:_notify_office": _post_claimed,
    "service_posts.services:_notify_member": _post_confirmed,
    "help_pairs.tasks:remind_overdue_visits_now": _help_pair_overdue,
    "demonstration.tasks:remind_rechecks_now": _demonstration_recheck,
    "publicity.services:notify_audience": _announcement,
    "proposals.services:_support": _proposal_threshold,
    "mailbox.services:assign_message": _mailbox_assigned,
    "mailbox.services:mark_overdue": _mailbox_overdue,
    "deliberation.services:_notify_office": _topic_raised,
    "deliberation.services:_notify_user": _party_invited,
}


@pytest.fixture
def plain_member(world):
    """A plain 党员 of 幸福社区第一网格党支部: the party_member role there and nothing more."""
    user = UserFactory(username="plain_member", last_name="普通", first_name="党员")
    assign(user, BuiltinRole.PARTY_MEMBER, world.branch_a1)
    return user


@pytest.mark.parametrize("site", sorted(set(SCENARIOS)))
def test_a_plain_party_member_reads_none_of_the_notices_while_the_secretary_reads_the_offices(
    site, world, plain_member, secretary_a, request, client
):
    SCENARIOS[site](world, request)
    written = Notification.objects.all()
    offices = written.exclude(org_path="")
    assert written.exists(), f"{site}: the scenario wrote no notice"

    assert list(for_user(plain_member)) == []
    if offices.filter(org_path__startswith=world.org_a.path).exists():
        readable = set(for_user(secretary_a).values_list("pk", flat=True))
        in_a = set(offices.filter(org_path__startswith=world.org_a.path).values_list("pk", flat=True))
        assert in_a <= readable, f"{site}: the secretary of 社区A misses her office's notices"
        # Her 打开 leads to the page, and the page opens for her: the permission is the page's.
        client.force_login(secretary_a)
        for pk in sorted(in_a):
            opened = client.get(reverse("core:notification_open", args=[pk]))
            assert opened.status_code == 302, f"{site}: notice {pk} did not open for the secretary"
            assert client.get(opened["Location"]).status_code == 200, f"{site}: {opened['Location']}"
    for notice in offices:
        assert "." in notice.permission, f"{site}: {notice.kind} written without a permission"
