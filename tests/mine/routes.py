"""Permission table of 我的: every page opens for a party member through their own account, with
no staff right (secretary_a is made a member of 社区A's grid branch, as the ballot rows do), and
answers 403 with the reason to a user linked to no member or applicant (the resident; the
two-role secretary has no person). The one id, a meeting to check in to, must be a meeting the
member is expected at: a meeting of 社区B's branch answers 404."""

from __future__ import annotations

import datetime

from dangjian.accounts.models import User
from dangjian.members.models import PartyMember
from tests.life.helpers import link_member
from tests.mine.helpers import meeting_with
from tests.permissions import Route


def _secretary_as_member(world) -> PartyMember | None:
    user = User.objects.filter(username="secretary_a").first()
    return link_member(user, world.branch_a1) if user is not None else None


def as_member(world) -> dict:
    _secretary_as_member(world)
    return {}


def todays_meeting(world) -> dict:
    """A meeting of 社区A's grid branch in its check-in window, secretary_a (if there) expected."""
    member = _secretary_as_member(world) or PartyMember.objects.create(
        person=_person("甲党员"), org=world.branch_a1
    )
    return {"pk": meeting_with([member], "今日主题党日", starts_in=datetime.timedelta(minutes=5)).pk}


def other_branch_meeting(world) -> dict:
    """A meeting of 社区B's branch in its window, secretary_a (a member of 社区A) not expected."""
    _secretary_as_member(world)
    member = PartyMember.objects.create(person=_person("乙党员"), org=world.branch_b1)
    return {"pk": meeting_with([member], "社区B主题党日", starts_in=datetime.timedelta(minutes=5)).pk}


def _person(name: str):
    from tests.factories import PersonFactory

    return PersonFactory(name=name)


PAGES = ["index", "dues", "meetings", "ballots", "service", "transfers", "development"]

ROUTES: list[Route] = [
    *(
        Route(f"mine:{page}", in_scope=as_member, denied_persona="resident", two_roles="403")
        for page in PAGES
    ),
    Route(
        "mine:meeting_checkin",
        method="post",
        in_scope=todays_meeting,
        out_of_scope=other_branch_meeting,
        data=lambda world: {"next": "index"},
        allowed_status=302,
        denied_persona="resident",
        two_roles="403",
        two_roles_outside="403",
    ),
]
