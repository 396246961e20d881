"""Demo and benchmark data of the 三张清单 and 微心愿: needs in every grid (about 26 a grid, so
~30,000 at ``district`` scale, a sixth of them open, with skills wanted and times so the matching
has work), resources and projects per community, and some thousand wishes in every state.

Runs after the volunteer ledger's step (the volunteers a need is assigned to); imported by
``lists.register()``, since the generator autodiscovers only ``<app>/demo_data.py``. Bulk inserts
only, each table read once whatever the scale; deterministic per seed.
"""

from __future__ import annotations

import contextlib
import datetime

from django.db.models.functions import Mod
from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.choices import (
    ALL_WEEK,
    NeedCategory,
    NeedSource,
    NeedState,
    ProjectState,
    ResourceKind,
    VolunteerState,
    WishState,
)
from dangjian.volunteering.lists.services import CODE_ALPHABET, CODE_LENGTH
from dangjian.volunteering.models import Need, Project, Resource, Skill, Volunteer, Wish

NEEDS_PER_GRID = 26
WISHES_PER_GRID = 3
PROJECTS_PER_COMMUNITY = 3
RESOURCES_PER_COMMUNITY = 4
# One resident in this many is read as a candidate for needs and wishes (the district has ~700,000).
RESIDENT_SAMPLE = 10
# Needs: a sixth open, some assigned, most met, a few closed.
NEED_STATES = [NeedState.OPEN, NeedState.ASSIGNED, NeedState.MET, NeedState.CLOSED]
NEED_WEIGHTS = [17, 13, 60, 10]
WISH_STATES = list(WishState.values)
WISH_WEIGHTS = [8, 12, 10, 10, 55, 5]
DEFAULT_SKILLS = [
    ("生活服务", "家电维修"),
    ("生活服务", "代购代办"),
    ("生活服务", "保洁"),
    ("医疗健康", "医疗保健"),
    ("医疗健康", "心理疏导"),
    ("教育", "课业辅导"),
    ("法律", "法律咨询"),
    ("文体", "文艺表演"),
    ("信息技术", "电脑手机使用"),
    ("陪伴", "陪伴聊天"),
]
NEEDS = {
    NeedCategory.ELDERLY: ["独居老人助餐", "陪同老人就医", "老人居家安全检查"],
    NeedCategory.CHILDREN: ["放学后看护", "暑期托管志愿者"],
    NeedCategory.HEALTH: ["测量血压", "康复陪护"],
    NeedCategory.REPAIR: ["修理水龙头", "更换灯泡", "修理门锁"],
    NeedCategory.CLEANING: ["楼道清扫", "清理杂物"],
    NeedCategory.LEGAL: ["遗嘱咨询", "劳动纠纷咨询"],
    NeedCategory.EDUCATION: ["初中数学辅导", "英语课业辅导"],
    NeedCategory.ERRANDS: ["代买药品", "代缴水电费"],
    NeedCategory.COMPANY: ["周末陪伴聊天", "读报陪伴"],
    NeedCategory.OTHER: ["教老人使用智能手机"],
}
WISHES = [
    "一个新书包",
    "一台收音机",
    "一套冬衣",
    "一次理发上门",
    "一副老花镜",
    "一箱牛奶",
    "学习用台灯",
    "轮椅维修",
]
PROOFS = ["已送达并当面交给居民本人。", "已上门服务，居民表示满意。", "已购买并送到家中，附购物小票。"]
PROJECTS = ["银龄关爱行动", "四点半课堂", "邻里守望", "美丽楼道", "法律明白人", "健康进社区"]
RESOURCES = {
    ResourceKind.UNIT: ["共建单位：区人民医院", "共建单位：区第一中学", "共建单位：供电所"],
    ResourceKind.VENUE: ["党群服务中心多功能厅", "社区活动室", "居民议事厅"],
    ResourceKind.MATERIAL: ["应急物资储备", "图书角图书", "便民工具箱"],
    ResourceKind.TEAM: ["巾帼志愿服务队", "银发志愿服务队"],
}


@contextlib.contextmanager
def _keeping_created_at(*models):
    """Let bulk inserts write their own ``created_at`` (auto_now_add would stamp every row "now")."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def _moment(rng, day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """A working-hours moment of ``day``, never later than now (today's may not have come yet)."""
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 19), rng.randint(0, 59)))
    return min(timezone.make_aware(moment), now)


def _after(rng, moment: datetime.datetime, days: int, now: datetime.datetime) -> datetime.datetime:
    return min(moment + datetime.timedelta(days=rng.randint(0, days), hours=rng.randint(1, 8)), now)


def _places() -> tuple[list[tuple[int, str, int, int]], list[tuple[int, int]]]:
    """Grids as (pk, path, community pk, org pk) and communities as (pk, org pk), with an org."""
    communities = dict(Area.objects.filter(kind=AreaKind.COMMUNITY, is_active=True).values_list("path", "pk"))
    org_of: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    for org_pk, community_pk, depth in Organization.objects.filter(
        jurisdiction_id__in=list(communities.values()), is_active=True
    ).values_list("pk", "jurisdiction_id", "depth"):
        if community_pk not in depth_of or depth < depth_of[community_pk]:
            depth_of[community_pk], org_of[community_pk] = depth, org_pk
    grids = []
    for pk, path in (
        Area.objects.filter(kind=AreaKind.GRID, is_active=True).order_by("path").values_list("pk", "path")
    ):
        community = communities.get(path[: -Area.steplen])
        if community is not None and community in org_of:
            grids.append((pk, path, community, org_of[community]))
    return grids, sorted((pk, org) for pk, org in org_of.items())


def _by_grid(rows, grid_paths: dict[str, int], length: int) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for value, path in rows:
        grid = grid_paths.get(path[:length]) if path else None
        if grid is not None:
            found.setdefault(grid, []).append(value)
    return found


def _skills() -> list[int]:
    skills = list(Skill.objects.filter(is_active=True).values_list("pk", flat=True))
    if not skills:
        Skill.objects.bulk_create(
            [Skill(category=category, name=name) for category, name in DEFAULT_SKILLS], ignore_conflicts=True
        )
        skills = list(Skill.objects.filter(is_active=True).values_list("pk", flat=True))
    return skills


def _code(rng) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@generator_step("volunteering_lists", order=75)
def generate_lists(generator) -> int:
    """Projects and resources per community, needs and wishes per grid (in all their states)."""
    rng, today = generator.rng, generator.today
    now = timezone.now()
    grids, communities = _places()
    if not grids:
        return 0
    length = len(grids[0][1])
    grid_paths = {path: pk for pk, path, _community, _org in grids}
    residents = _by_grid(
        Resident.objects.filter(is_current=True)
        .annotate(bucket=Mod("pk", RESIDENT_SAMPLE))
        .filter(bucket=0)
        .values_list("person_id", "area__path")
        .order_by("pk"),
        grid_paths,
        length,
    )
    volunteers_by_community: dict[int, list[int]] = {}
    community_of_grid = {pk: community for pk, _path, community, _org in grids}
    for grid_pk, volunteer_pks in _by_grid(
        Volunteer.objects.filter(state=VolunteerState.ACTIVE).values_list("pk", "area__path").order_by("pk"),
        grid_paths,
        length,
    ).items():
        volunteers_by_community.setdefault(community_of_grid[grid_pk], []).extend(volunteer_pks)
    members = list(
        PartyMember.objects.filter(is_active=True).values_list("person_id", flat=True).order_by("pk")[:20000]
    )
    skills = _skills()

    projects: list[Project] = []
    resources: list[Resource] = []
    for community, org in communities:
        for title in rng.sample(PROJECTS, PROJECTS_PER_COMMUNITY):
            starts_on = today - datetime.timedelta(days=rng.randint(0, 600))
            ends_on = starts_on + datetime.timedelta(days=rng.randint(60, 720))
            state = ProjectState.FINISHED if ends_on < today else ProjectState.RUNNING
            projects.append(
                Project(
                    area_id=community,
                    org_id=org,
                    title=title,
                    goals="围绕居民需求，组织党员和志愿者常态化开展服务。",
                    starts_on=starts_on,
                    ends_on=ends_on,
                    places="党群服务中心及各小区",
                    state=state,
                    created_at=_moment(rng, starts_on, now),
                )
            )
        for _ in range(RESOURCES_PER_COMMUNITY):
            kind = rng.choice(list(RESOURCES))
            resources.append(
                Resource(
                    area_id=community,
                    org_id=org,
                    kind=kind,
                    name=rng.choice(RESOURCES[kind]),
                    capacity=rng.choice(["", "30人", "50人", "100件"]),
                    created_at=_moment(rng, today - datetime.timedelta(days=rng.randint(30, 900)), now),
                )
            )
    with _keeping_created_at(Project, Resource, Need, Wish):
        generator.insert(Project, projects, "volunteering_lists")
        generator.insert(Resource, resources, "volunteering_lists")
        running = {}
        for project in projects:
            if project.state == ProjectState.RUNNING:
                running.setdefault(project.area_id, []).append(project.pk)

        needs: list[Need] = []
        for grid, _path, community, org in grids:
            people = residents.get(grid, [])
            helpers = volunteers_by_community.get(community, [])
            for _ in range(NEEDS_PER_GRID):
                category = rng.choice(list(NEEDS))
                state = rng.choices(NEED_STATES, NEED_WEIGHTS)[0]
                if state == NeedState.ASSIGNED and not helpers:
                    state = NeedState.OPEN
                created = _moment(rng, today - datetime.timedelta(days=rng.randint(0, 365)), now)
                need = Need(
                    area_id=grid,
                    org_id=org,
                    title=rng.choice(NEEDS[category]),
                    description="居民反映的需求，请志愿者按约定时间上门。",
                    category=category,
                    availability=rng.randint(1, ALL_WEEK),
                    source=rng.choice(NeedSource.values),
                    resident_id=rng.choice(people) if people and rng.random() < 0.7 else None,
                    project_id=rng.choice(running[community])
                    if community in running and rng.random() < 0.3
                    else None,
                    is_public=rng.random() < 0.4,
                    state=state,
                    created_at=created,
                )
                if state in (NeedState.ASSIGNED, NeedState.MET) and helpers:
                    need.volunteer_id = rng.choice(helpers)
                    need.assigned_at = _after(rng, created, 5, now)
                if state == NeedState.MET:
                    need.met_at = _after(rng, need.assigned_at or created, 20, now)
                    need.outcome = "已上门服务，居民满意。"
                elif state == NeedState.CLOSED:
                    need.outcome = "居民已不再需要。"
                needs.append(need)
        generator.insert(Need, needs, "volunteering_lists")
        through = Need.skills.through
        links = [
            through(need_id=need.pk, skill_id=skill)
            for need in needs
            for skill in rng.sample(skills, min(len(skills), rng.randint(1, 2)))
        ]
        generator.insert(through, links, "volunteering_lists")

        wishes: list[Wish] = []
        codes: set[str] = set()
        for grid, _path, _community, org in grids:
            people = residents.get(grid, [])
            if not people:
                continue
            for _ in range(WISHES_PER_GRID):
                state = rng.choices(WISH_STATES, WISH_WEIGHTS)[0]
                created = _moment(rng, today - datetime.timedelta(days=rng.randint(0, 300)), now)
                code = _code(rng)
                while code in codes:
                    code = _code(rng)
                codes.add(code)
                wish = Wish(
                    area_id=grid,
                    org_id=org,
                    title=rng.choice(WISHES),
                    description="家中困难，希望得到帮助。",
                    resident_id=rng.choice(people),
                    state=state,
                    tracking_code=code,
                    created_at=created,
                )
                reached = WISH_STATES.index(state)
                if state == WishState.WITHDRAWN:
                    wish.withdrawn_at = _after(rng, created, 10, now)
                    wish.withdrawal_reason = "居民已自行解决。"
                    reached = 0
                if reached >= 1:
                    wish.published_at = _after(rng, created, 3, now)
                if reached >= 2 and members:
                    wish.claimed_by_id = rng.choice(members)
                    wish.claimed_at = _after(rng, wish.published_at, 5, now)
                elif reached >= 2:
                    wish.state = WishState.PUBLISHED
                    reached = 1
                if reached >= 3:
                    wish.fulfilled_at = _after(rng, wish.claimed_at, 10, now)
                    wish.proof = rng.choice(PROOFS)
                if reached >= 4:
                    wish.confirmed_at = _after(rng, wish.fulfilled_at, 5, now)
                    wish.confirmation_note = "居民确认，表示感谢。"
                wishes.append(wish)
        generator.insert(Wish, wishes, "volunteering_lists")
    return len(projects) + len(resources) + len(needs) + len(links) + len(wishes)
