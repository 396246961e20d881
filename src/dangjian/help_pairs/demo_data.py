"""Demo and benchmark data of 帮扶对子: about one pair per ten active party members, most with a
family of their district, some with an enterprise or a village/community, and up to a year of
visits; some pairs are left overdue so the reminders and the 工作台 have something to show. The
demo member (the ``dangyuan`` login) helps one family.

Places are resolved in Python from the area tree's paths, so the step reads each table once;
bulk inserts only; deterministic per seed.
"""

from __future__ import annotations

import datetime

from dangjian.core.generator.steps import generator_step
from dangjian.help_pairs.choices import PairKind, PairState
from dangjian.help_pairs.models import HelpPair, Visit
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization

PAIR_SHARE = 0.1
INTERVALS = [30, 30, 30, 60, 90]
ENTERPRISES = ["幸福食品厂", "明光五金加工厂", "绿源农业合作社", "新城家政服务部", "红星物流站", "兴旺制衣厂"]
FINDINGS = [
    "老人身体状况良好",
    "家中住房有漏雨",
    "孩子上学需要辅导",
    "企业用工紧张",
    "村道路灯损坏",
    "医保报销不清楚",
]
SOLVED = ["联系物业维修", "申请临时救助", "对接志愿者辅导", "推荐求职人员", "协调街道修复", "讲解医保政策"]


def _places() -> tuple[dict[str, int], dict[str, int], dict[int, int]]:
    """Grids and communities by path, and each community's party organization."""
    grids = dict(Area.objects.filter(kind=AreaKind.GRID).values_list("path", "pk"))
    communities = dict(Area.objects.filter(kind=AreaKind.COMMUNITY).values_list("path", "pk"))
    orgs: dict[int, int] = {}
    depth: dict[int, int] = {}
    rows = Organization.objects.filter(
        jurisdiction_id__in=list(communities.values()), is_active=True
    ).values_list("pk", "jurisdiction_id", "depth")
    for org_pk, community_pk, org_depth in rows:
        if community_pk not in depth or org_depth < depth[community_pk]:
            depth[community_pk], orgs[community_pk] = org_depth, org_pk
    return grids, communities, orgs


def _within(path: str, nodes: dict[str, int]) -> tuple[str, int] | None:
    step = Area.steplen
    for end in range(len(path), 0, -step):
        pk = nodes.get(path[:end])
        if pk is not None:
            return path[:end], pk
    return None


@generator_step("help_pairs", order=60)
def generate_help_pairs(generator) -> int:
    rng, today = generator.rng, generator.today
    grids, communities, community_orgs = _places()
    if not grids:
        return 0
    members = list(
        PartyMember.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("person_id", "org_id", "org__jurisdiction__path")
    )
    helpers = [row for row in members if rng.random() < PAIR_SHARE]
    demo = getattr(getattr(generator, "anchors", None), "member", None)
    demo_person = getattr(getattr(demo, "person", None), "pk", None)
    if demo_person and all(person != demo_person for person, _org, _path in helpers):
        helpers.extend(row for row in members if row[0] == demo_person)
    if not helpers:
        return 0
    residents = list(
        Resident.objects.filter(is_current=True)
        .order_by("pk")
        .values_list("person_id", "area__path")[: len(helpers) * 20]
    )
    pairs: list[HelpPair] = []
    for person_pk, org_pk, jurisdiction_path in helpers:
        kind = (
            PairKind.FAMILY
            if person_pk == demo_person
            else rng.choices(list(PairKind.values), [7, 1.5, 1.5])[0]
        )
        head, home = rng.choice(residents) if residents else (None, "")
        if kind == PairKind.FAMILY and (head is None or head == person_pk):
            kind = PairKind.VILLAGE
        place = _within(home or jurisdiction_path or "", grids) or next(iter(grids.items()))
        community = _within(place[0], communities)
        if kind == PairKind.VILLAGE and community is not None:
            place = community
        owner = community_orgs.get(community[1]) if community is not None else None
        since = today - datetime.timedelta(days=rng.randint(30, 3 * 365))
        interval = rng.choice(INTERVALS)
        ended = rng.random() < 0.05
        pairs.append(
            HelpPair(
                helper_id=person_pk,
                kind=kind,
                family_head_id=head if kind == PairKind.FAMILY else None,
                enterprise_name=rng.choice(ENTERPRISES) if kind == PairKind.ENTERPRISE else "",
                area_id=place[1],
                org_id=owner or org_pk,
                since=since,
                until=today - datetime.timedelta(days=rng.randint(0, 20)) if ended else None,
                visit_interval_days=interval,
                state=PairState.ENDED if ended else PairState.ACTIVE,
                next_visit_due=since + datetime.timedelta(days=interval),
            )
        )
    generator.insert(HelpPair, pairs, "help_pairs")

    visits: list[Visit] = []
    year_ago = today - datetime.timedelta(days=365)
    for made in pairs:
        day = max(made.since, year_ago)
        last = None
        end = made.until or today
        # About one pair in five falls behind: its visits stop early, so it is overdue now.
        stop = end - datetime.timedelta(days=made.visit_interval_days * 2) if rng.random() < 0.2 else end
        while True:
            day = day + datetime.timedelta(
                days=rng.randint(made.visit_interval_days // 2, made.visit_interval_days)
            )
            if day > stop:
                break
            raised = rng.choice([0, 0, 1, 1, 2])
            solved = rng.randint(0, raised)
            visits.append(
                Visit(
                    pair=made,
                    visited_on=day,
                    findings=rng.choice(FINDINGS),
                    problems_raised="；".join(rng.sample(FINDINGS, raised)),
                    problems_raised_count=raised,
                    problems_solved="；".join(rng.sample(SOLVED, solved)),
                    problems_solved_count=solved,
                    next_steps="下次走访继续跟进",
                )
            )
            last = day
        if last is not None:
            made.last_visited_on = last
            made.next_visit_due = last + datetime.timedelta(days=made.visit_interval_days)
    generator.insert(Visit, visits, "help_pairs")
    HelpPair.objects.bulk_update(
        [made for made in pairs if made.last_visited_on],
        ["last_visited_on", "next_visit_due"],
        batch_size=2000,
    )
    return len(pairs) + len(visits)
