"""Demo and benchmark data of 就业: a few enterprise postings and about ten residents seeking work
per community, some placed, and a training session per street with its roll. Skills come from a
small taxonomy category of their own (就业技能) in the volunteering skills table. Bulk inserts
only; deterministic per seed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.jobs.models import JobPosting, JobSeeker, Placement, TrainingAttendance, TrainingSession
from dangjian.members.models import Resident
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.models import Skill

SKILL_CATEGORY = "就业技能"
SKILLS = [
    "电工",
    "焊工",
    "保洁",
    "家政",
    "厨师",
    "驾驶",
    "保安",
    "收银",
    "仓储",
    "电脑操作",
    "养老护理",
    "育婴",
]
JOBS = [
    ("幸福物业公司", "水电维修工", ["电工"]),
    ("新城家政服务部", "家政服务员", ["家政", "保洁"]),
    ("红星物流站", "仓库管理员", ["仓储", "电脑操作"]),
    ("明光五金加工厂", "焊工", ["焊工"]),
    ("康宁养老院", "养老护理员", ["养老护理"]),
    ("兴旺超市", "收银员", ["收银"]),
    ("平安保安公司", "保安员", ["保安"]),
    ("美味餐饮店", "厨师", ["厨师"]),
]
POSTINGS_PER_COMMUNITY = 3
SEEKERS_PER_COMMUNITY = 10
TRAINING = ["家政服务技能培训", "电工上岗培训", "电商直播培训", "养老护理员培训"]


def _skills() -> dict[str, int]:
    Skill.objects.bulk_create(
        [Skill(category=SKILL_CATEGORY, name=name, order=order) for order, name in enumerate(SKILLS)],
        ignore_conflicts=True,
    )
    return dict(Skill.objects.filter(category=SKILL_CATEGORY).values_list("name", "pk"))


def _community_orgs(community_pks: list[int]) -> dict[int, int]:
    orgs: dict[int, int] = {}
    depth: dict[int, int] = {}
    rows = Organization.objects.filter(jurisdiction_id__in=community_pks, is_active=True).values_list(
        "pk", "jurisdiction_id", "depth"
    )
    for org_pk, community_pk, org_depth in rows:
        if community_pk not in depth or org_depth < depth[community_pk]:
            depth[community_pk], orgs[community_pk] = org_depth, org_pk
    return orgs


@generator_step("jobs", order=61)
def generate_jobs(generator) -> int:
    rng, today = generator.rng, generator.today
    communities = list(
        Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").values_list("pk", "path")
    )
    orgs = _community_orgs([pk for pk, _path in communities])
    communities = [(pk, path) for pk, path in communities if pk in orgs]
    if not communities:
        return 0
    skill_ids = _skills()
    grids: dict[str, list[int]] = {}
    for pk, path in Area.objects.filter(kind=AreaKind.GRID).values_list("pk", "path"):
        grids.setdefault(path[: -Area.steplen], []).append(pk)

    postings: list[JobPosting] = []
    posting_skills: list[list[str]] = []
    for community_pk, path in communities:
        for enterprise, title, wanted in rng.sample(JOBS, POSTINGS_PER_COMMUNITY):
            low = Decimal(rng.choice([3000, 3500, 4000, 4500, 5000]))
            postings.append(
                JobPosting(
                    enterprise_name=enterprise,
                    title=title,
                    area_id=rng.choice(grids.get(path) or [community_pk]),
                    org_id=orgs[community_pk],
                    positions=rng.randint(1, 5),
                    salary_min=low,
                    salary_max=low + 1500,
                    opens_on=today - datetime.timedelta(days=rng.randint(0, 120)),
                    state=PostingState.CLOSED if rng.random() < 0.2 else PostingState.OPEN,
                )
            )
            posting_skills.append(wanted)
    generator.insert(JobPosting, postings, "jobs")
    through = JobPosting.skills.through
    generator.insert(
        through,
        [
            through(jobposting_id=made.pk, skill_id=skill_ids[name])
            for made, names in zip(postings, posting_skills, strict=True)
            for name in names
        ],
        "jobs",
    )

    # Residents of each community, read once in path order and bucketed by community.
    wanted_count = SEEKERS_PER_COMMUNITY * len(communities)
    by_community: dict[str, list[tuple[int, int]]] = {}
    community_paths = {path for _pk, path in communities}
    length = len(next(iter(community_paths)))
    rows = (
        Resident.objects.filter(is_current=True)
        .order_by("pk")
        .values_list("person_id", "area_id", "area__path")
    )
    for person_pk, area_pk, area_path in rows[: wanted_count * 20]:
        key = area_path[:length]
        if key in community_paths and len(by_community.setdefault(key, [])) < SEEKERS_PER_COMMUNITY:
            by_community[key].append((person_pk, area_pk))
    seekers: list[JobSeeker] = []
    seeker_skills: list[list[str]] = []
    seen: set[int] = set()
    for community_pk, path in communities:
        for person_pk, area_pk in by_community.get(path, []):
            if person_pk in seen:
                continue
            seen.add(person_pk)
            names = rng.sample(SKILLS, rng.randint(1, 3))
            seekers.append(
                JobSeeker(
                    person_id=person_pk,
                    area_id=area_pk,
                    org_id=orgs[community_pk],
                    wanted_job=rng.choice(JOBS)[1],
                    registered_on=today - datetime.timedelta(days=rng.randint(0, 180)),
                    state=SeekerState.SEEKING,
                )
            )
            seeker_skills.append(names)
    generator.insert(JobSeeker, seekers, "jobs")
    through = JobSeeker.skills.through
    generator.insert(
        through,
        [
            through(jobseeker_id=made.pk, skill_id=skill_ids[name])
            for made, names in zip(seekers, seeker_skills, strict=True)
            for name in names
        ],
        "jobs",
    )

    # About one seeker in five is placed in a posting of their community.
    postings_by_org: dict[int, list[JobPosting]] = {}
    for made in postings:
        postings_by_org.setdefault(made.org_id, []).append(made)
    placements: list[Placement] = []
    filled: dict[int, int] = {}
    for made in seekers:
        if rng.random() >= 0.2:
            continue
        options = [p for p in postings_by_org.get(made.org_id, []) if filled.get(p.pk, 0) < p.positions]
        if not options:
            continue
        chosen = rng.choice(options)
        filled[chosen.pk] = filled.get(chosen.pk, 0) + 1
        made.state = SeekerState.PLACED
        placements.append(
            Placement(seeker=made, posting=chosen, placed_on=max(made.registered_on, chosen.opens_on))
        )
    generator.insert(Placement, placements, "jobs")
    JobSeeker.objects.bulk_update([p.seeker for p in placements], ["state"], batch_size=2000)

    # One training session per street, held in its first community, with a roll of its seekers.
    sessions: list[TrainingSession] = []
    rolls: list[list[int]] = []
    streets: dict[str, tuple[int, str]] = {}
    for community_pk, path in communities:
        streets.setdefault(path[: -Area.steplen], (community_pk, path))
    for community_pk, path in streets.values():
        start = timezone.make_aware(
            datetime.datetime.combine(
                today - datetime.timedelta(days=rng.randint(-10, 60)), datetime.time(9, 0)
            )
        )
        sessions.append(
            TrainingSession(
                title=rng.choice(TRAINING),
                area_id=community_pk,
                org_id=orgs[community_pk],
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=3),
                place="社区党群服务中心",
                capacity=30,
            )
        )
        rolls.append([person for person, _area in by_community.get(path, [])][:30])
    generator.insert(TrainingSession, sessions, "jobs")
    now = timezone.now()
    attendance = [
        TrainingAttendance(
            session=session,
            person_id=person,
            attended=(rng.random() < 0.85) if session.starts_at < now else None,
            marked_at=session.starts_at if session.starts_at < now else None,
        )
        for session, people in zip(sessions, rolls, strict=True)
        for person in people
    ]
    generator.insert(TrainingAttendance, attendance, "jobs")
    return len(postings) + len(seekers) + len(placements) + len(sessions) + len(attendance)
