"""Permission table of the lists' pages: secretary_a of 社区A党委 over rows in 社区A; rows of 社区B
(the community itself, beyond the two-role persona's grid) out of scope (404); a resident (no
role) refused. A party member claims and fulfils wishes by identity: the builders make
secretary_a a member where a row needs one. Public pages open for anyone.
"""

from __future__ import annotations

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.volunteering.choices import NeedState, WishState
from tests.permissions import Route
from tests.volunteering.lists.helpers import (
    grant_list_permissions,
    make_member,
    need_a,
    need_b,
    photo_of,
    project_in,
    resident_person,
    resource_in,
    volunteer_in,
    wish_a,
    wish_b,
)

DENIED = "resident"


def _secretary_a():
    return User.objects.filter(username="secretary_a").first()


def _as_member(world):
    """secretary_a (when she is the one logged in) as a party member of 社区A's branch."""
    grant_list_permissions()
    user = _secretary_a()
    return make_member(user, world) if user is not None else None


def _claimed_by_her(world) -> dict:
    user = _as_member(world)
    claimer = user.person if user is not None else resident_person("别的党员")
    wish = wish_a(world, state=WishState.CLAIMED, claimed_by=claimer, claimed_at=timezone.now())
    return {"pk": wish.pk}


def _claimed_by_another(world) -> dict:
    _as_member(world)
    wish = wish_a(
        world, state=WishState.CLAIMED, claimed_by=resident_person("别的党员"), claimed_at=timezone.now()
    )
    return {"pk": wish.pk}


def _published_for_her(world) -> dict:
    _as_member(world)
    return {"pk": wish_a(world, state=WishState.PUBLISHED).pk}


def _submitted_for_her(world) -> dict:
    _as_member(world)
    return {"pk": wish_a(world).pk}


def _her_person(world) -> dict:
    _as_member(world)
    return {}


def _grants(world) -> dict:
    grant_list_permissions()
    return {}


NEED_A = lambda world: {"pk": need_a(world).pk}  # noqa: E731
NEED_B = lambda world: {"pk": need_b(world).pk}  # noqa: E731
ASSIGNED_A = lambda world: {  # noqa: E731
    "pk": need_a(world, state=NeedState.ASSIGNED, volunteer=volunteer_in(world.grid_a1, world.org_a)).pk
}
ASSIGNED_B = lambda world: {  # noqa: E731
    "pk": need_b(world, state=NeedState.ASSIGNED, volunteer=volunteer_in(world.community_b, world.org_b)).pk
}
RESOURCE_A = lambda world: {"pk": resource_in(world.community_a, world.org_a).pk}  # noqa: E731
RESOURCE_B = lambda world: {"pk": resource_in(world.community_b, world.org_b).pk}  # noqa: E731
PROJECT_A = lambda world: {"pk": project_in(world.community_a, world.org_a).pk}  # noqa: E731
PROJECT_B = lambda world: {"pk": project_in(world.community_b, world.org_b).pk}  # noqa: E731
WISH_A = lambda world: {"pk": wish_a(world).pk}  # noqa: E731
WISH_B = lambda world: {"pk": wish_b(world).pk}  # noqa: E731
FULFILLED_A = lambda world: {"pk": wish_a(world, state=WishState.FULFILLED).pk}  # noqa: E731
FULFILLED_B = lambda world: {"pk": wish_b(world, state=WishState.FULFILLED).pk}  # noqa: E731
PHOTO_A = lambda world: {"pk": photo_of(wish_a(world, state=WishState.FULFILLED)).pk}  # noqa: E731
PHOTO_B = lambda world: {"pk": photo_of(wish_b(world, state=WishState.FULFILLED)).pk}  # noqa: E731


def _public_photo(world) -> dict:
    photo = photo_of(wish_a(world, state=WishState.FULFILLED))
    return {"code": photo.wish.tracking_code, "pk": photo.pk}


def _page(name: str, in_scope=_grants, out_of_scope=None, **options) -> Route:
    options.setdefault("denied_persona", DENIED)
    return Route(name, in_scope=in_scope, out_of_scope=out_of_scope, **options)


def _form(name: str, in_scope, out_of_scope, data, **options) -> list[Route]:
    """A form page: GET shows it, POST does it (302 to the record)."""
    return [
        _page(name, in_scope, out_of_scope, **options),
        _page(name, in_scope, out_of_scope, method="post", data=data, allowed_status=302, **options),
    ]


def _need_data(world) -> dict:
    return {"title": "修理水龙头", "category": "repair", "area": world.grid_a1.pk, "version": 1}


def _resource_data(world) -> dict:
    return {"kind": "venue", "name": "社区活动室", "area": world.community_a.pk, "version": 1}


def _project_data(world) -> dict:
    return {
        "title": "银龄关爱行动",
        "area": world.community_a.pk,
        "starts_on": timezone.localdate().isoformat(),
        "state": "running",
        "version": 1,
    }


def _assign_data(world) -> dict:
    return {"volunteer": volunteer_in(world.grid_a1, world.org_a, name="赵志愿").pk, "version": 1}


# What the two-role persona gets on a member's row: she is no party member (403), and no wish
# is claimed by her (404).
MEMBER_ONLY = {"two_roles": "refused", "two_roles_outside": "refused"}

ROUTES: list[Route] = [
    # 需求清单
    _page("volunteering:need_list"),
    *_form("volunteering:need_create", _grants, None, _need_data),
    _page("volunteering:need_detail", NEED_A, NEED_B),
    *_form("volunteering:need_edit", NEED_A, NEED_B, _need_data),
    *_form("volunteering:need_assign", NEED_A, NEED_B, _assign_data),
    *_form("volunteering:need_unassign", ASSIGNED_A, ASSIGNED_B, lambda world: {"version": 1}),
    *_form("volunteering:need_met", NEED_A, NEED_B, lambda world: {"outcome": "已上门修好", "version": 1}),
    *_form("volunteering:need_close", NEED_A, NEED_B, lambda world: {"reason": "居民已搬走", "version": 1}),
    # 资源清单, 项目清单
    _page("volunteering:resource_list"),
    *_form("volunteering:resource_create", _grants, None, _resource_data),
    _page("volunteering:resource_detail", RESOURCE_A, RESOURCE_B),
    *_form("volunteering:resource_edit", RESOURCE_A, RESOURCE_B, _resource_data),
    _page("volunteering:project_list"),
    *_form("volunteering:project_create", _grants, None, _project_data),
    _page("volunteering:project_detail", PROJECT_A, PROJECT_B),
    *_form("volunteering:project_edit", PROJECT_A, PROJECT_B, _project_data),
    # 微心愿, staff
    _page("volunteering:wish_list"),
    *_form(
        "volunteering:wish_create",
        _grants,
        None,
        lambda world: {"title": "一个新书包", "area": world.grid_a1.pk, "resident_name": "张小明"},
    ),
    _page("volunteering:wish_detail", WISH_A, WISH_B),
    *_form("volunteering:wish_publish", WISH_A, WISH_B, lambda world: {"version": 1}),
    *_form(
        "volunteering:wish_confirm", FULFILLED_A, FULFILLED_B, lambda world: {"note": "电话回访，居民满意"}
    ),
    *_form("volunteering:wish_withdraw", WISH_A, WISH_B, lambda world: {"reason": "居民已自行解决"}),
    _page("volunteering:wish_photo", PHOTO_A, PHOTO_B),
    # 微心愿, the party member who claims (by identity)
    *_form(
        "volunteering:wish_claim", _published_for_her, _submitted_for_her, lambda world: {}, **MEMBER_ONLY
    ),
    *_form(
        "volunteering:wish_fulfil",
        _claimed_by_her,
        _claimed_by_another,
        lambda world: {"proof": "书包已送到家中"},
        **MEMBER_ONLY,
    ),
    *_form(
        "volunteering:wish_release", _claimed_by_her, _claimed_by_another, lambda world: {}, **MEMBER_ONLY
    ),
    _page("volunteering:my_wishes", _her_person, two_roles="refused"),
    # The residents' pages: open to anyone.
    Route("volunteering:public_need_list", persona="resident", anonymous="public"),
    Route("volunteering:public_need_submit", persona="resident", anonymous="public"),
    Route("volunteering:public_wish_list", persona="resident", anonymous="public"),
    Route("volunteering:public_wish_submit", persona="resident", anonymous="public"),
    Route("volunteering:public_wish_lookup", persona="resident", anonymous="public"),
    Route(
        "volunteering:public_wish_track",
        in_scope=lambda world: {"code": wish_a(world).tracking_code},
        persona="resident",
        anonymous="public",
    ),
    Route("volunteering:public_wish_photo", in_scope=_public_photo, persona="resident", anonymous="public"),
]
