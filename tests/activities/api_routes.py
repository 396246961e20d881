"""Permission table of the activities API (/api/v1/activities): secretary_a organizes 社区A's
activities and ledger; a volunteer's own operations are the resident's (a person, no role)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.activities.models import SignUp
from dangjian.activities.services import points
from dangjian.members.models import Resident
from tests.activities.helpers import activity_a, activity_b, record_at, reward_in, signed_up
from tests.activities.routes import (
    certificate_in,
    entry_in,
    others_signup,
    own_signup,
    public_activity_a,
    record_in,
    resident_is_a_person,
    signup_a,
    signup_b,
)
from tests.factories import PersonFactory
from tests.permissions import Route

GRID = "grid_worker_a"
ACT_A = lambda world: {"id": activity_a(world).pk}  # noqa: E731
ACT_B = lambda world: {"id": activity_b(world).pk}  # noqa: E731


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:activities_{name}", **options)


def _resident():
    return User.objects.filter(username="resident").first()


def _own(name: str, **options) -> Route:
    """The caller's own: the resident (with a person) may; the two-role secretary has no person."""
    options.setdefault("two_roles", "403")
    return _api(name, persona="resident", **options)


def resident_signed_up(world, *, checked_in: bool) -> dict:
    resident_is_a_person(world)
    activity = activity_a(world)
    user = _resident()
    if user is not None and not SignUp.objects.filter(activity=activity, person_id=user.person_id).exists():
        signed_up(activity, user.person, checked_in_at=activity.starts_at if checked_in else None)
    return {"id": activity.pk}


def resident_with_points(world) -> dict:
    resident_is_a_person(world)
    user = _resident()
    if user is not None:
        points.post_points_for(record_at(world.org_a, user.person, hours=5))
    return {"id": reward_in(world.org_a, world.community_a, cost=20).pk}


def resident_recorded(world) -> dict:
    resident_is_a_person(world)
    user = _resident()
    if user is not None:
        record_at(world.org_a, user.person)
    return {}


def person_in_a(world):
    person = PersonFactory(name="居住甲")
    Resident.objects.create(person=person, area=world.building_a1)
    return person


def _activity_json(world) -> dict:
    start = timezone.now() + datetime.timedelta(days=3)
    return {
        "org_id": world.org_a.pk,
        "area_id": world.community_a.pk,
        "title": "植树活动",
        "place": "河滨公园",
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
        "capacity": 20,
    }


TOKEN_A = lambda world: {"token": activity_a(world).check_in_token}  # noqa: E731

ROUTES: list[Route] = [
    _api("activity_list", denied_persona=GRID),
    _api(
        "activity_create",
        method="post",
        json=True,
        data=_activity_json,
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api("activity_detail", in_scope=ACT_A, out_of_scope=ACT_B, denied_persona=GRID),
    _api(
        "activity_update",
        method="patch",
        json=True,
        in_scope=ACT_A,
        out_of_scope=ACT_B,
        data=lambda world: {"version": activity_a(world).version, "title": "新标题"},
        denied_persona=GRID,
    ),
    _api(
        "activity_transition",
        method="post",
        json=True,
        in_scope=ACT_A,
        out_of_scope=ACT_B,
        data=lambda world: {"action": "close"},
        denied_persona=GRID,
    ),
    _api("activity_signups", in_scope=ACT_A, out_of_scope=ACT_B, denied_persona=GRID),
    _own(
        "activity_sign_up",
        method="post",
        json=True,
        in_scope=lambda world: resident_is_a_person(world) or {"id": public_activity_a(world).pk},
        out_of_scope=ACT_B,
        data=lambda world: {},
        allowed_status=201,
        two_roles_outside="404",
    ),
    _own(
        "activity_check_in",
        method="post",
        json=True,
        in_scope=lambda world: resident_signed_up(world, checked_in=False),
        out_of_scope=ACT_B,
        data=TOKEN_A,
        two_roles="400",
        two_roles_outside="404",
    ),
    _own(
        "activity_check_out",
        method="post",
        json=True,
        in_scope=lambda world: resident_signed_up(world, checked_in=True),
        out_of_scope=ACT_B,
        data=TOKEN_A,
        two_roles="400",
        two_roles_outside="404",
    ),
    # The two-role secretary organizes 社区A: as its staff she may cancel anyone's sign-up there.
    _own(
        "signup_cancel",
        method="post",
        in_scope=lambda world: {"id": own_signup(world)["pk"]},
        out_of_scope=lambda world: {"id": others_signup(world)["pk"]},
        two_roles="200",
        two_roles_outside="200",
    ),
    _api(
        "signup_confirm",
        method="post",
        json=True,
        in_scope=lambda world: {"id": signup_a(world).pk},
        out_of_scope=lambda world: {"id": signup_b(world).pk},
        data=lambda world: {"version": signup_a(world).version, "hours": "2"},
        denied_persona=GRID,
    ),
    _api("hours_list", denied_persona=GRID),
    _api(
        "hours_create",
        method="post",
        json=True,
        data=lambda world: {
            "person_id": person_in_a(world).pk,
            "org_id": world.org_a.pk,
            "served_on": timezone.localdate().isoformat(),
            "content": "助老",
            "hours": "2",
        },
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api(
        "hours_correct",
        method="post",
        json=True,
        in_scope=lambda world: {"id": record_in(world.org_a, world).pk},
        out_of_scope=lambda world: {"id": record_in(world.org_b, world).pk},
        data=lambda world: {"hours": "1", "reason": "扣除路程"},
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api("entry_list", denied_persona=GRID),
    _api(
        "entry_create",
        method="post",
        json=True,
        data=lambda world: {
            "person_id": person_in_a(world).pk,
            "org_id": world.org_a.pk,
            "kind": "award",
            "occurred_on": timezone.localdate().isoformat(),
            "title": "优秀志愿者",
            "awarded_by": "幸福街道党工委",
            "award_level": "street",
        },
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api(
        "entry_correct",
        method="post",
        json=True,
        in_scope=lambda world: {"id": entry_in(world.org_a, world).pk},
        out_of_scope=lambda world: {"id": entry_in(world.org_b, world).pk},
        data=lambda world: {
            "occurred_on": timezone.localdate().isoformat(),
            "title": "急救知识培训（复训）",
            "training_hours": "3",
            "reason": "课时登记有误",
        },
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api(
        "entry_withdraw",
        method="post",
        json=True,
        in_scope=lambda world: {"id": entry_in(world.org_a, world).pk},
        out_of_scope=lambda world: {"id": entry_in(world.org_b, world).pk},
        data=lambda world: {"reason": "登记错人"},
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api("certificate_list", denied_persona=GRID),
    _api(
        "certificate_issue",
        method="post",
        in_scope=lambda world: {"id": certificate_in(world.org_a, issued=False).pk},
        out_of_scope=lambda world: {"id": certificate_in(world.org_b, issued=False).pk},
        denied_persona=GRID,
    ),
    _own("my_hours", in_scope=lambda world: resident_is_a_person(world) or {}),
    _own("my_signups", in_scope=lambda world: resident_is_a_person(world) or {}),
    _own("my_points", in_scope=lambda world: resident_is_a_person(world) or {}),
    _own("my_certificates", in_scope=lambda world: resident_is_a_person(world) or {}),
    _own(
        "certificate_request",
        method="post",
        json=True,
        in_scope=resident_recorded,
        data=lambda world: {"org_id": world.org_a.pk},
        allowed_status=201,
    ),
    _api("reward_list", persona="resident"),
    _api(
        "reward_create",
        method="post",
        json=True,
        data=lambda world: {
            "org_id": world.org_a.pk,
            "area_id": world.community_a.pk,
            "name": "环保袋",
            "cost": 20,
            "stock": 10,
        },
        allowed_status=201,
        denied_persona=GRID,
    ),
    _own(
        "reward_redeem",
        method="post",
        in_scope=resident_with_points,
        out_of_scope=lambda world: {
            "id": reward_in(world.org_a, world.community_a, stock=0, name="已兑完").pk
        },
        allowed_status=201,
        two_roles_outside="404",
    ),
]
