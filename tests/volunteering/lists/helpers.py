"""Builders for the lists' tests: needs, wishes, resources, projects and volunteers written
directly in 社区A (secretary_a's) or 社区B (out of her scope), and party members with accounts.

``grant_list_permissions`` gives the built-in roles the volunteering permissions the lists use.
TEMPORARY: the ledger part declares them (``volunteering/roles.py`` and its migration); until that
is merged the roles on this branch have none. It is idempotent, so it can stay harmlessly.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import Role, User
from dangjian.members.models import PartyMember
from dangjian.volunteering.choices import NeedCategory, NeedState, WishState
from dangjian.volunteering.models import Need, Project, Resource, Volunteer, Wish, WishPhoto
from tests.factories import PersonFactory, UserFactory, assign

MODELS = ["need", "resource", "project", "wish", "volunteer", "skill", "team"]
STAFF = [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]
# What the lists ask the ledger to give grid workers: they record needs in their grid.
GRID_WORKER = ["view_need", "add_need", "change_need", "view_volunteer"]
GRANTS = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: STAFF,
    BuiltinRole.ORG_SECRETARY: STAFF,
    BuiltinRole.ORG_STAFF: STAFF,
    BuiltinRole.GRID_WORKER: GRID_WORKER,
}


def grant_list_permissions() -> None:
    for code, codenames in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.permissions.add(
                *Permission.objects.filter(content_type__app_label="volunteering", codename__in=codenames)
            )
    for user in User.objects.all():
        user._scope_cache = None


def need_in(area, org, *, title="修理水龙头", state=NeedState.OPEN, **fields) -> Need:
    grant_list_permissions()
    fields.setdefault("category", NeedCategory.REPAIR)
    return Need.objects.create(area=area, org=org, title=title, state=state, **fields)


def need_a(world, **fields) -> Need:
    return need_in(world.grid_a1, world.org_a, **fields)


def need_b(world, **fields) -> Need:
    """Wholly inside 社区B (the community itself, not the grid a two-role persona works)."""
    return need_in(world.community_b, world.org_b, **fields)


def resident_person(name="张阿姨"):
    return PersonFactory(name=name)


def wish_in(area, org, *, title="一个新书包", state=WishState.SUBMITTED, code=None, **fields) -> Wish:
    grant_list_permissions()
    fields.setdefault("resident", resident_person())
    if state != WishState.SUBMITTED:
        fields.setdefault("published_at", timezone.now())
    return Wish.objects.create(
        area=area,
        org=org,
        title=title,
        state=state,
        tracking_code=code or f"T{Wish.objects.count():09d}",
        **fields,
    )


def wish_a(world, **fields) -> Wish:
    return wish_in(world.grid_a1, world.org_a, **fields)


def wish_b(world, **fields) -> Wish:
    return wish_in(world.community_b, world.org_b, **fields)


# The smallest PNG header the photo check accepts, and a JPEG's.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def photo_of(wish: Wish, name: str = "送书包.png", content: bytes = PNG) -> WishPhoto:
    """A stored photo of a fulfilled wish, written directly (the service is tested on its own)."""
    photo = WishPhoto(wish=wish, original_name=name, content_type="image/png", size=len(content))
    photo.file.save("photo.png", ContentFile(content), save=False)
    photo.save()
    return photo


def resource_in(area, org, **fields) -> Resource:
    grant_list_permissions()
    fields.setdefault("kind", "venue")
    fields.setdefault("name", "社区活动室")
    return Resource.objects.create(area=area, org=org, **fields)


def project_in(area, org, **fields) -> Project:
    grant_list_permissions()
    fields.setdefault("title", "银龄关爱行动")
    fields.setdefault("starts_on", timezone.localdate() - datetime.timedelta(days=30))
    return Project.objects.create(area=area, org=org, **fields)


def volunteer_in(area, org, name="刘志愿", **fields) -> Volunteer:
    grant_list_permissions()
    fields.setdefault("registered_on", timezone.localdate())
    return Volunteer.objects.create(person=PersonFactory(name=name), area=area, org=org, **fields)


def member_user(world, username: str, name: str = "党员甲", org=None) -> User:
    """A party member of 社区A's branch with their own account (party_member role)."""
    grant_list_permissions()
    member = PartyMember.objects.create(person=PersonFactory(name=name), org=org or world.branch_a1)
    user = UserFactory(username=username, person=member.person)
    assign(user, BuiltinRole.PARTY_MEMBER, member.org)
    return user


def make_member(user: User, world) -> User:
    """Make an existing user (a persona) a party member of 社区A's branch."""
    if user.person_id is None:
        user.person = PersonFactory(name="李书记")
        user.save(update_fields=["person"])
    if not PartyMember.objects.filter(person_id=user.person_id).exists():
        PartyMember.objects.create(person_id=user.person_id, org=world.branch_a1)
    return user
