"""Permission table of the activities pages. secretary_a (社区A党委) organizes 社区A's activities,
confirms their hours and issues 社区A党委's 证明; 社区B's are out of scope (404). A volunteer's own
pages need no role (persona ``resident``, linked to a person by ``resident_is_a_person``); a
sign-up, 证明 or item of someone else, or a wrong check-in token, answers 404."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.activities.choices import CertificateState
from dangjian.activities.models import Certificate, SignUp
from tests.activities.helpers import (
    activity_a,
    activity_b,
    activity_in,
    entry_at,
    record_at,
    reward_in,
    signed_up,
)
from tests.factories import PersonFactory
from tests.permissions import Route

GRID = "grid_worker_a"  # sees the grid, holds no activities permission


def resident_is_a_person(world) -> None:
    user = User.objects.filter(username="resident").first()
    if user is not None and user.person_id is None:
        user.person = PersonFactory(name="居民甲")
        user.save(update_fields=["person"])


def person_in_a(world):
    from dangjian.members.models import Resident

    person = PersonFactory(name="居住甲")
    Resident.objects.create(person=person, area=world.building_a1)
    return person


def _person(name: str):
    return PersonFactory(name=name)


def public_activity_a(world):
    found = world.__dict__.get("_public_a")
    if found is None:
        found = activity_in(
            world.org_a, world.community_a, title="公开活动", starts_in_hours=24, is_public=True
        )
        world.__dict__["_public_a"] = found
    return found


def signup_a(world) -> SignUp:
    activity = activity_a(world)
    return SignUp.objects.filter(activity=activity).first() or signed_up(
        activity, _person("签到者"), checked_in_at=activity.starts_at
    )


def signup_b(world) -> SignUp:
    activity = activity_b(world)
    return SignUp.objects.filter(activity=activity).first() or signed_up(
        activity, _person("乙签到者"), checked_in_at=activity.starts_at
    )


def own_signup(world) -> dict:
    resident_is_a_person(world)
    user = User.objects.filter(username="resident").first()
    person = user.person if user is not None else _person("未登录者")
    row = SignUp.objects.filter(person=person).first() or signed_up(public_activity_a(world), person)
    return {"pk": row.pk}


def others_signup(world) -> dict:
    return {"pk": signed_up(public_activity_a(world), _person("别人")).pk}


def record_in(org, world):
    return record_at(org, _person("服务者"))


def entry_in(org, world):
    return entry_at(org, _person("受训者"))


def certificate_in(org, *, issued: bool) -> Certificate:
    person = _person("申请人")
    record_at(org, person)
    certificate = Certificate.objects.create(person=person, org=org, requested_at=timezone.now())
    if issued:
        certificate.state = CertificateState.ISSUED
        certificate.number = f"T-{certificate.pk}"
        certificate.total_hours = 2
        certificate.issued_at = timezone.now()
        certificate.records = [
            {"served_on": "2026-01-01", "place": "", "content": "助老", "hours": "2", "corrected": False}
        ]
        certificate.save()
    return certificate


ACT_A = lambda world: {"pk": activity_a(world).pk}  # noqa: E731
ACT_B = lambda world: {"pk": activity_b(world).pk}  # noqa: E731


def _both(name: str, in_scope, out_of_scope, data, **options) -> list[Route]:
    return [
        Route(name, in_scope=in_scope, out_of_scope=out_of_scope, denied_persona=GRID, **options),
        Route(
            name,
            method="post",
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            data=data,
            allowed_status=302,
            denied_persona=GRID,
            **options,
        ),
    ]


def _activity_data(world) -> dict:
    start = timezone.localtime() + datetime.timedelta(days=3)
    return {
        "org": world.org_a.pk,
        "area": world.community_a.pk,
        "title": "植树活动",
        "place": "河滨公园",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 20,
        "version": activity_a(world).version,
    }


def _mine(name: str) -> Route:
    return Route(name, persona="resident", in_scope=lambda world: resident_is_a_person(world) or {})


def _own_post(name: str, in_scope, out_of_scope=None, data=None) -> Route:
    """A volunteer's own action: done by the resident (a person, no role); the two-role secretary,
    whose account has no person, reaches nothing of hers (404)."""
    return Route(
        name,
        method="post",
        persona="resident",
        in_scope=in_scope,
        out_of_scope=out_of_scope,
        data=data or (lambda world: {}),
        allowed_status=302,
        two_roles="404",
        two_roles_outside="404" if out_of_scope else "",
    )


ROUTES: list[Route] = [
    Route("activities:activity_list", denied_persona=GRID),
    *_both("activities:activity_create", lambda world: {}, None, _activity_data),
    Route("activities:activity_detail", in_scope=ACT_A, out_of_scope=ACT_B, denied_persona=GRID),
    *_both("activities:activity_edit", ACT_A, ACT_B, _activity_data),
    Route(
        "activities:activity_transition",
        method="post",
        in_scope=ACT_A,
        out_of_scope=ACT_B,
        data=lambda world: {"action": "close"},
        allowed_status=302,
        denied_persona=GRID,
    ),
    Route(
        "activities:signup_confirm",
        method="post",
        in_scope=lambda world: {"pk": signup_a(world).pk},
        out_of_scope=lambda world: {"pk": signup_b(world).pk},
        data=lambda world: {"hours": "2", "version": signup_a(world).version},
        allowed_status=302,
        denied_persona=GRID,
    ),
    Route("activities:hours_list", denied_persona=GRID),
    *_both(
        "activities:hours_create",
        lambda world: {},
        None,
        lambda world: {
            "person": person_in_a(world).pk,
            "org": world.org_a.pk,
            "served_on": timezone.localdate().isoformat(),
            "content": "助老",
            "hours": "2",
        },
    ),
    *_both(
        "activities:hours_correct",
        lambda world: {"pk": record_in(world.org_a, world).pk},
        lambda world: {"pk": record_in(world.org_b, world).pk},
        lambda world: {"hours": "1", "reason": "扣除路程"},
    ),
    Route("activities:entry_list", denied_persona=GRID),
    *_both(
        "activities:entry_create",
        lambda world: {},
        None,
        lambda world: {
            "person": person_in_a(world).pk,
            "org": world.org_a.pk,
            "kind": "training",
            "occurred_on": timezone.localdate().isoformat(),
            "title": "急救知识培训",
            "training_hours": "4",
        },
    ),
    *_both(
        "activities:entry_correct",
        lambda world: {"pk": entry_in(world.org_a, world).pk},
        lambda world: {"pk": entry_in(world.org_b, world).pk},
        lambda world: {
            "occurred_on": timezone.localdate().isoformat(),
            "title": "急救知识培训（复训）",
            "training_hours": "3",
            "reason": "课时登记有误",
        },
    ),
    Route("activities:certificate_list", denied_persona=GRID),
    Route("activities:reward_list", denied_persona=GRID),
    *_both(
        "activities:reward_create",
        lambda world: {},
        None,
        lambda world: {
            "org": world.org_a.pk,
            "area": world.community_a.pk,
            "name": "环保袋",
            "cost": 20,
            "stock": 10,
        },
    ),
    Route(
        "activities:certificate_issue",
        method="post",
        in_scope=lambda world: {"pk": certificate_in(world.org_a, issued=False).pk},
        out_of_scope=lambda world: {"pk": certificate_in(world.org_b, issued=False).pk},
        data=lambda world: {},
        allowed_status=302,
        denied_persona=GRID,
    ),
    Route(
        "activities:certificate_pdf",
        in_scope=lambda world: {"pk": certificate_in(world.org_a, issued=True).pk},
        out_of_scope=lambda world: {"pk": certificate_in(world.org_b, issued=True).pk},
        denied_persona=GRID,
    ),
    # The phone page of the QR code: anyone signed in reaches it with the token (it says why they
    # cannot check in); a wrong token answers 404.
    Route(
        "activities:checkin",
        persona="resident",
        in_scope=lambda world: {"pk": activity_a(world).pk, "token": activity_a(world).check_in_token},
        out_of_scope=lambda world: {"pk": activity_a(world).pk, "token": "not-the-token"},
        two_roles_outside="404",
    ),
    Route(
        "activities:checkin",
        method="post",
        persona="resident",
        in_scope=lambda world: {"pk": activity_a(world).pk, "token": activity_a(world).check_in_token},
        out_of_scope=lambda world: {"pk": activity_a(world).pk, "token": "not-the-token"},
        data=lambda world: {"action": "in"},
        allowed_status=302,
        two_roles="302",
        two_roles_outside="404",
    ),
    _mine("activities:my_activities"),
    _mine("activities:my_hours"),
    _mine("activities:my_points"),
    _mine("activities:my_certificates"),
    _own_post(
        "activities:signup",
        lambda world: resident_is_a_person(world) or {"pk": public_activity_a(world).pk},
        lambda world: {"pk": activity_b(world).pk},
    ),
    _own_post("activities:signup_cancel", own_signup, others_signup),
    _own_post(
        "activities:redeem",
        lambda world: resident_is_a_person(world) or {"pk": reward_in(world.org_a, world.community_a).pk},
        lambda world: {"pk": reward_in(world.org_a, world.community_a, stock=0, name="已兑完").pk},
    ),
    _own_post("activities:certificate_request", lambda world: resident_is_a_person(world) or {}),
    Route("activities:public_list", persona="resident", anonymous="public"),
]
