"""Demo and benchmark data of the volunteer ledger: about one resident in seven is a volunteer
(~100,000 at ``district`` scale, from its ~700,000 residents), about 30% of them party members
(linked to their membership), with skills from the taxonomy, interests, capacity and weekly
availability; one 党群温馨小组 per grid and two 志愿服务队 per community, with members.

The count follows the people the earlier steps wrote (current homes), not the scale's name, so
every scale (and a test's tiny one) gets its share. Homes are resolved to their community in
Python by path prefixes; bulk inserts only (M2M rows through the through models); deterministic
per seed. The demo member (``dangyuan``) is always a volunteer, so 我的 shows the card.
"""

from __future__ import annotations

import datetime

from dangjian.core.generator.steps import generator_step
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.choices import ALL_WEEK, TeamKind, VolunteerState
from dangjian.volunteering.models import Skill, Team, Volunteer

# Share of residents with a home who volunteer (about 100,000 of 700,000 in a district).
VOLUNTEER_SHARE = 1 / 7
PARTY_MEMBER_SHARE = 0.30
WARM_GROUP_SHARE = 0.35
SERVICE_TEAMS_PER_COMMUNITY = 2
SERVICE_TEAM_SHARE = 0.15
INTERESTS = ["", "", "读书", "书法", "广场舞", "太极拳", "摄影", "园艺", "棋类", "合唱", "烹饪", "健步走"]
SKILL_NOTES = ["", "", "", "", "会开车", "懂手语", "会修自行车", "擅长剪纸", "会做面点"]
CAPACITY = [2, 4, 4, 4, 6, 8, 8, 10, 12, 16, 20]
SERVICE_TEAM_NAMES = ["志愿服务队", "助老服务队", "环境守护队", "文明实践队", "平安巡逻队", "关爱少年队"]
# Common patterns of free time: weekend days, weekday evenings, retirees' weekday mornings.
WEEKEND = sum(1 << (day * 3 + slot) for day in (5, 6) for slot in range(3))
EVENINGS = sum(1 << (day * 3 + 2) for day in range(5))
MORNINGS = sum(1 << (day * 3) for day in range(7))


def _communities() -> tuple[dict[str, int], dict[int, int]]:
    """Communities by path, and each one's highest active party organization."""
    by_path = dict(Area.objects.filter(kind=AreaKind.COMMUNITY).values_list("path", "pk"))
    orgs: dict[int, int] = {}
    depths: dict[int, int] = {}
    rows = Organization.objects.filter(
        jurisdiction_id__in=list(by_path.values()), is_active=True
    ).values_list("pk", "jurisdiction_id", "depth")
    for org_pk, community_pk, depth in rows:
        if community_pk not in depths or depth < depths[community_pk]:
            depths[community_pk], orgs[community_pk] = depth, org_pk
    return by_path, orgs


def _community_of(path: str, by_path: dict[str, int]) -> int | None:
    step = Area.steplen
    for end in range(step, len(path) + 1, step):
        pk = by_path.get(path[:end])
        if pk is not None:
            return pk
    return None


def _availability(rng) -> int:
    pattern = rng.choice([WEEKEND, EVENINGS, MORNINGS, WEEKEND | EVENINGS, 0])
    extra = sum(1 << rng.randrange(21) for _ in range(rng.randint(0, 4)))
    return (pattern | extra) & ALL_WEEK


def _anchor_person_id(generator) -> int | None:
    anchors = getattr(generator, "anchors", None)
    draft = getattr(anchors, "member", None) if anchors is not None else None
    person = getattr(draft, "person", None)
    return getattr(person, "pk", None)


@generator_step("volunteers", order=45)
def generate_volunteers(generator) -> int:
    """Volunteers with skills and availability, warm groups per grid and service teams."""
    rng, today = generator.rng, generator.today
    by_path, community_orgs = _communities()
    if not by_path:
        return 0
    skills = list(Skill.objects.filter(is_active=True).values_list("pk", flat=True).order_by("pk"))
    homes = list(
        Resident.objects.filter(is_current=True).values_list("person_id", "area_id").order_by("person_id")
    )
    area_paths = dict(Area.objects.values_list("pk", "path"))
    members = dict(PartyMember.objects.filter(is_active=True).values_list("person_id", "pk"))
    anchor = _anchor_person_id(generator)
    target = max(1, round(len(homes) * VOLUNTEER_SHARE))
    member_homes = [home for home in homes if home[0] in members]
    other_homes = [home for home in homes if home[0] not in members]
    take_members = min(len(member_homes), round(target * PARTY_MEMBER_SHARE))
    chosen = rng.sample(member_homes, take_members) + rng.sample(
        other_homes, min(len(other_homes), target - take_members)
    )
    chosen_ids = {home[0] for home in chosen}
    if anchor is not None and anchor not in chosen_ids:
        chosen += [home for home in member_homes if home[0] == anchor]
    chosen.sort()
    volunteers: list[Volunteer] = []
    for person_id, area_id in chosen:
        path = area_paths[area_id]
        community = _community_of(path, by_path)
        org = community_orgs.get(community) if community is not None else None
        if org is None:
            continue
        state = rng.choices([VolunteerState.ACTIVE, VolunteerState.PAUSED, VolunteerState.LEFT], [90, 7, 3])[
            0
        ]
        if person_id == anchor:
            state = VolunteerState.ACTIVE
        volunteers.append(
            Volunteer(
                person_id=person_id,
                area_id=area_id,
                org_id=org,
                party_member_id=members.get(person_id),
                skills_note=rng.choice(SKILL_NOTES),
                interests=rng.choice(INTERESTS),
                capacity_hours=rng.choice(CAPACITY),
                availability=_availability(rng),
                state=state,
                registered_on=today - datetime.timedelta(days=rng.randint(0, 4 * 365)),
            )
        )
    generator.insert(Volunteer, volunteers, "volunteers")
    # bulk_create skips save(): copy the people's sort keys and search tokens in one UPDATE (a
    # list of 100,000 ids would pass PostgreSQL's limit of 65,535 parameters).
    Volunteer.fill_sort_names(Volunteer.objects.filter(sort_name=""))

    skill_links = []
    if skills:
        for volunteer in volunteers:
            for skill in rng.sample(skills, min(len(skills), rng.choice([0, 1, 1, 2, 2, 3]))):
                skill_links.append(Volunteer.skills.through(volunteer_id=volunteer.pk, skill_id=skill))
    generator.insert(Volunteer.skills.through, skill_links, "volunteers")
    teams, team_links = _teams(generator, volunteers, by_path, community_orgs)
    return len(volunteers) + len(skill_links) + len(teams) + len(team_links)


def _teams(generator, volunteers, by_path, community_orgs) -> tuple[list[Team], list]:
    """One 党群温馨小组 per grid and a few 志愿服务队 per community, with members."""
    rng = generator.rng
    grids = list(Area.objects.filter(kind=AreaKind.GRID).values_list("pk", "path", "name").order_by("path"))
    communities = list(
        Area.objects.filter(pk__in=list(by_path.values())).values_list("pk", "path", "name").order_by("path")
    )
    teams: list[Team] = []
    grid_team: dict[str, Team] = {}
    community_teams: dict[int, list[Team]] = {}
    for pk, path, name in grids:
        community = _community_of(path, by_path)
        org = community_orgs.get(community) if community is not None else None
        if org is None:
            continue
        team = Team(area_id=pk, org_id=org, name=f"{name}党群温馨小组", kind=TeamKind.WARM_GROUP)
        teams.append(team)
        grid_team[path] = team
    for pk, _path, name in communities:
        org = community_orgs.get(pk)
        if org is None:
            continue
        for title in rng.sample(SERVICE_TEAM_NAMES, SERVICE_TEAMS_PER_COMMUNITY):
            team = Team(
                area_id=pk,
                org_id=org,
                name=f"{name}{title}",
                kind=TeamKind.SERVICE_TEAM,
                description="定期开展社区志愿服务。",
            )
            teams.append(team)
            community_teams.setdefault(pk, []).append(team)
    generator.insert(Team, teams, "volunteer teams")
    paths = dict(Area.objects.values_list("pk", "path"))  # 15,000 areas in a district
    links = []
    for volunteer in volunteers:
        if volunteer.state == VolunteerState.LEFT:
            continue
        path = paths.get(volunteer.area_id, "")
        team = None
        for end in range(len(path), 0, -Area.steplen):  # the home's grid: its nearest grid ancestor
            team = grid_team.get(path[:end])
            if team is not None:
                break
        if team is not None and rng.random() < WARM_GROUP_SHARE:
            links.append(Volunteer.teams.through(volunteer_id=volunteer.pk, team_id=team.pk))
        community = _community_of(path, by_path)
        if community in community_teams and rng.random() < SERVICE_TEAM_SHARE:
            links.append(
                Volunteer.teams.through(
                    volunteer_id=volunteer.pk, team_id=rng.choice(community_teams[community]).pk
                )
            )
    generator.insert(Volunteer.teams.through, links, "volunteer teams")
    return teams, links
