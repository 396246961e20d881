"""Builds a whole synthetic district (or city) quickly: both trees, people, members, grid workers.

Tree paths are computed here rather than by treebeard's ``add_child`` (one query per node), and
rows go in with ``bulk_create`` in batches, so the district scale builds in minutes. Everything is
drawn from one ``random.Random(seed)`` in a fixed order: the same seed gives the same names,
codes, tree and assignments (ciphertexts differ, since Fernet uses a random IV).
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from dangjian.core.generator import names as words
from dangjian.core.generator.demo import create_demo_users
from dangjian.core.generator.people import Draft, PersonMaker
from dangjian.core.generator.scales import Scale
from dangjian.core.generator.steps import registered_steps
from dangjian.core.models import Person
from dangjian.core.tree import PATH_ALPHABET, PATH_STEP
from dangjian.members.choices import GridWorkerKind, MemberCategory, MemberStatus
from dangjian.members.models import GridWorker, PartyMember, Resident
from dangjian.orgs.choices import AreaKind, CommitteeRole, DemonstrationLevel, OrgField, OrgKind
from dangjian.orgs.models import Area, Committee, CommitteeMember, Organization

BATCH_SIZE = 2000
# West, south, east, north in degrees (WGS 84).
Rect = tuple[float, float, float, float]


def path_segment(index: int) -> str:
    """The 1-based ``index``-th child's step of a treebeard path: 1 → ``0001``, 37 → ``0011``."""
    digits = []
    value = index
    for _ in range(PATH_STEP):
        value, remainder = divmod(value, len(PATH_ALPHABET))
        digits.append(PATH_ALPHABET[remainder])
    if value:
        raise ValueError(f"too many children for a path step: {index}")
    return "".join(reversed(digits))


def spread(
    rng: random.Random, total: int, parts: int, *, minimum: int = 1, jitter: float = 0.35
) -> list[int]:
    """Split ``total`` into ``parts`` uneven counts of at least ``minimum`` that add up exactly."""
    if parts <= 0:
        return []
    if total < minimum * parts:
        raise ValueError(f"cannot split {total} into {parts} parts of at least {minimum}")
    weights = [1 + rng.uniform(-jitter, jitter) for _ in range(parts)]
    return proportional(total, weights, minimum=minimum)


def proportional(total: int, weights: list[float], *, minimum: int = 0) -> list[int]:
    """Largest-remainder split of ``total`` by ``weights`` (deterministic, exact sum)."""
    rest = total - minimum * len(weights)
    weight_sum = sum(weights) or 1
    shares = [rest * weight / weight_sum for weight in weights]
    counts = [minimum + int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda index: shares[index] - int(shares[index]), reverse=True)
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return counts


def split_rect(rect: Rect, parts: int, *, inset: float = 0.03) -> list[Rect]:
    """``parts`` non-overlapping cells of ``rect`` in rows and columns, each shrunk a little."""
    west, south, east, north = rect
    columns = math.ceil(math.sqrt(parts))
    rows = math.ceil(parts / columns)
    width = (east - west) / columns
    height = (north - south) / rows
    cells = []
    for index in range(parts):
        column, row = index % columns, index // columns
        x0 = west + column * width
        y1 = north - row * height
        cells.append(
            (x0 + width * inset, y1 - height * (1 - inset), x0 + width * (1 - inset), y1 - height * inset)
        )
    return cells


def polygon(rect: Rect) -> dict:
    west, south, east, north = (round(value, 6) for value in rect)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def weighted_sample(rng: random.Random, items: list, weights: list[float], count: int) -> list:
    """``count`` items without replacement, each chosen with odds proportional to its weight."""
    if count <= 0:
        return []
    keyed = sorted(
        ((rng.random() ** (1.0 / weight), index) for index, weight in enumerate(weights)), reverse=True
    )
    return [items[index] for _, index in keyed[:count]]


class Stats:
    """Rows and seconds per stage, printed as the generator goes and summed at the end."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str, rows: int = 0) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.rows[name] += rows
        self.seconds[name] += time.perf_counter() - start

    def table(self) -> list[tuple[str, int, float]]:
        return [(name, self.rows[name], self.seconds[name]) for name in self.seconds]


@dataclass
class Place:
    """An area node being planned, with the counts that will be filled into it."""

    area: Area
    rect: Rect
    children: list[Place] = field(default_factory=list)
    workers: int = 0
    units: int = 1
    floors: int = 6
    rooms: int = 2


@dataclass
class Anchors:
    """The nodes and people the demo logins are attached to (the first district, street, …)."""

    district_org: Organization | None = None
    district: Area | None = None
    street_org: Organization | None = None
    street_secretary: Draft | None = None
    community_org: Organization | None = None
    community_secretary: Draft | None = None
    grid: Area | None = None
    grid_branch: Organization | None = None
    grid_leader: Draft | None = None
    member: Draft | None = None
    building: Area | None = None
    resident: Draft | None = None


@dataclass
class Enrolled:
    """A party member as the generator tracks them for committees: person, status, age."""

    draft: Draft
    status: str
    category: str


COMMUNITY_SEAT_ROLES = [
    CommitteeRole.SECRETARY,
    CommitteeRole.DEPUTY_SECRETARY,
    CommitteeRole.ORGANIZATION,
    CommitteeRole.PUBLICITY,
    CommitteeRole.DISCIPLINE,
    CommitteeRole.MEMBER,
    CommitteeRole.MEMBER,
]
UNIT_KINDS = ["government", "private", "social", "joint", "public", "private", "government", "private"]


class Generator:
    """One run of the generator; ``run()`` builds everything inside one transaction."""

    def __init__(
        self,
        scale: Scale,
        seed: int,
        *,
        today: datetime.date | None = None,
        log: Callable[[str], None] = print,
    ):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today or datetime.date.today()
        self.people = PersonMaker(self.rng, self.today)
        self.log = log
        self.stats = Stats()
        self.anchors = Anchors()
        self.districts: list[Place] = []
        self.counts: dict[str, int] = defaultdict(int)
        # Secretary of each organization's committee (by org pk), for the demo logins.
        self.secretaries: dict[int, Draft] = {}

    # --- the run ----------------------------------------------------------------------------
    def run(self) -> Stats:
        started = time.perf_counter()
        self.log(
            f"Generating scale {self.scale.name!r} with seed {self.seed} ({self.scale.districts} district(s))"
        )
        with transaction.atomic():
            with self.stats.stage("areas"):
                self.plan_areas()
                areas = [place.area for place in self.walk(self.districts)]
                Area.objects.bulk_create(areas, batch_size=BATCH_SIZE)
                self.stats.rows["areas"] += len(areas)
            self.log(f"  areas: {len(areas):,} in {self.stats.seconds['areas']:.1f} s")
            for district_index, district in enumerate(self.districts):
                self.populate_district(district_index, district)
            with self.stats.stage("demo users"):
                self.stats.rows["demo users"] += len(create_demo_users(self.anchors))
            with self.stats.stage("member sort keys"):
                # Memberships were bulk-inserted (no save()); later steps may add more.
                PartyMember.fill_sort_names(PartyMember.objects.filter(sort_name=""))
            for step in registered_steps():
                with self.stats.stage(step.name):
                    self.stats.rows[step.name] += step.function(self) or 0
                self.log(
                    f"  {step.name}: {self.stats.rows[step.name]:,} in {self.stats.seconds[step.name]:.1f} s"
                )
            with self.stats.stage("member sort keys"):
                PartyMember.fill_sort_names(PartyMember.objects.filter(sort_name=""))
            with self.stats.stage("audit"):
                self.write_audit_entry(time.perf_counter() - started)
                self.stats.rows["audit"] += 1
        if connection.vendor == "postgresql":
            with self.stats.stage("analyze"), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.log(f"Done in {time.perf_counter() - started:.1f} s")
        for name, rows, seconds in self.stats.table():
            self.log(f"  {name:<28} {rows:>10,} rows {seconds:>8.1f} s")
        return self.stats

    def walk(self, places: list[Place]) -> Iterator[Place]:
        for place in places:
            yield place
            yield from self.walk(place.children)

    # --- the area tree ----------------------------------------------------------------------
    def plan_areas(self) -> None:
        rng, scale = self.rng, self.scale
        district_rects = split_rect((116.10, 39.70, 116.10 + 0.3 * scale.districts, 40.00), scale.districts)
        for district_index in range(scale.districts):
            code, name = words.DISTRICTS[district_index]
            district = self.area(
                None, district_index, name, code, AreaKind.DISTRICT, district_rects[district_index]
            )
            district.area.address = name
            self.districts.append(district)
            street_names = words.street_names(rng, scale.streets)
            community_names = [
                stem + "社区"
                for stem in words.unique_names(
                    rng, words.COMMUNITY_STEMS, words.COMMUNITY_SUFFIXES, scale.communities
                )
            ]
            communities_per_street = spread(rng, scale.communities, scale.streets)
            grids_per_community = spread(rng, scale.grids, scale.communities)
            buildings_per_grid = spread(rng, scale.buildings, scale.grids)
            workers_per_grid = spread(rng, scale.grid_workers, scale.grids, minimum=2)
            # About 1% live in courtyard houses recorded on the grid itself (no building).
            direct_per_grid = spread(rng, scale.residents // 100, scale.grids, minimum=0)
            per_building = spread(rng, scale.residents - sum(direct_per_grid), scale.buildings)
            street_rects = split_rect(district.rect, scale.streets)
            community_iter = iter(zip(community_names, grids_per_community, strict=True))
            grid_counter = building_counter = 0
            for street_index, street_name in enumerate(street_names):
                street = self.area(
                    district,
                    street_index,
                    street_name,
                    f"{code}{street_index + 1:03d}",
                    AreaKind.STREET,
                    street_rects[street_index],
                )
                community_rects = split_rect(street.rect, communities_per_street[street_index])
                for community_index in range(communities_per_street[street_index]):
                    community_name, grid_count = next(community_iter)
                    community = self.area(
                        street,
                        community_index,
                        community_name,
                        f"{street.area.code}{community_index + 1:03d}",
                        AreaKind.COMMUNITY,
                        community_rects[community_index],
                    )
                    grid_rects = split_rect(community.rect, grid_count)
                    for grid_index in range(grid_count):
                        grid = self.area(
                            community,
                            grid_index,
                            f"{community_name}第{words.chinese_number(grid_index + 1)}网格",
                            f"{community.area.code}G{grid_index + 1:02d}",
                            AreaKind.GRID,
                            grid_rects[grid_index],
                        )
                        grid.workers = workers_per_grid[grid_counter]
                        grid.area.resident_count = direct_per_grid[grid_counter]
                        grid_counter += 1
                        for building_index in range(buildings_per_grid[grid_counter - 1]):
                            building = self.area(
                                grid,
                                building_index,
                                f"{building_index + 1}号楼",
                                f"{grid.area.code}B{building_index + 1:02d}",
                                AreaKind.BUILDING,
                                None,
                            )
                            building.area.address = f"{name}{street_name}{community_name.removesuffix('社区')}{building_index + 1}号楼"
                            building.area.resident_count = per_building[building_counter]
                            building_counter += 1
                            building.units = rng.randint(1, 4)
                            building.rooms = rng.randint(2, 4)
                            needed = building.area.resident_count // 2 + 1
                            building.floors = max(
                                rng.choice((6, 6, 7, 11, 18, 24, 28)),
                                math.ceil(needed / (building.units * building.rooms)),
                            )

    def area(
        self, parent: Place | None, index: int, name: str, code: str, kind: str, rect: Rect | None
    ) -> Place:
        area = Area(
            name=name,
            code=code,
            kind=kind,
            path=(parent.area.path if parent else "") + path_segment(index + 1),
            depth=(parent.area.depth + 1) if parent else 1,
            numchild=0,
            boundary=polygon(rect) if rect else None,
        )
        area.refresh_search_fields()
        place = Place(area=area, rect=rect or (parent.rect if parent else (0, 0, 0, 0)))
        if parent:
            parent.children.append(place)
            parent.area.numchild += 1
        return place

    # --- organizations ------------------------------------------------------------------------
    def org(
        self,
        parent: Organization | None,
        index: int,
        name: str,
        code: str,
        kind: str,
        org_field: str,
        jurisdiction: Area | None,
        **extra,
    ) -> Organization:
        org = Organization(
            name=name,
            code=code,
            kind=kind,
            field=org_field,
            jurisdiction=jurisdiction,
            path=(parent.path if parent else "") + path_segment(index + 1),
            depth=(parent.depth + 1) if parent else 1,
            numchild=0,
            established_on=self.today - datetime.timedelta(days=self.rng.randint(4 * 365, 35 * 365)),
            **extra,
        )
        org.refresh_search_fields()
        if parent is not None:
            parent.numchild += 1
        return org

    def rating(self, org: Organization) -> None:
        rng = self.rng
        if rng.random() < 0.6:
            org.star_rating = rng.choices([5, 4, 3, 2, 1], weights=[10, 30, 40, 15, 5])[0]
        if rng.random() < 0.05:
            org.demonstration_level = rng.choice(
                [DemonstrationLevel.COUNTY, DemonstrationLevel.COUNTY, DemonstrationLevel.CITY]
            )

    def populate_district(self, district_index: int, district: Place) -> None:
        rng, scale = self.rng, self.scale
        area = district.area
        district_org = self.org(
            None,
            district_index,
            f"中共{area.name}委员会",
            f"P{area.code}",
            OrgKind.DISTRICT_COMMITTEE,
            OrgField.GOVERNMENT,
            area,
            short_name=f"{area.name}委",
        )
        street_orgs = []
        community_orgs: list[list[Organization]] = []
        unit_plans: list[list[tuple[Organization, int, str]]] = []
        unit_total = round(scale.members * scale.unit_member_share)
        unit_members = spread(rng, unit_total, scale.streets, minimum=min(12, unit_total // scale.streets))
        # Members in communities, in proportion to the residents of each community.
        communities = [community for street in district.children for community in street.children]
        resident_weights = [
            sum(place.area.resident_count for place in self.walk(community.children))
            for community in communities
        ]
        community_members = iter(proportional(scale.members - sum(unit_members), resident_weights))
        for street_index, street in enumerate(district.children):
            street_name = street.area.name
            street_org = self.org(
                district_org,
                street_index,
                f"中共{street_name}工作委员会",
                f"P{street.area.code}",
                OrgKind.WORKING_COMMITTEE,
                OrgField.GOVERNMENT,
                street.area,
                short_name=f"{street_name}党工委",
            )
            street_orgs.append(street_org)
            orgs_here = []
            for community_index, community in enumerate(street.children):
                community_org = self.org(
                    street_org,
                    community_index,
                    f"中共{community.area.name}委员会",
                    f"P{community.area.code}",
                    OrgKind.PRIMARY_COMMITTEE,
                    OrgField.URBAN_COMMUNITY,
                    community.area,
                    short_name=f"{community.area.name}党委",
                )
                self.rating(community_org)
                orgs_here.append(community_org)
            community_orgs.append(orgs_here)
            unit_plans.append(
                self.plan_units(street, street_org, len(street.children), unit_members[street_index])
            )
        # Community committees go in with their branches, once the branches are known (numchild).
        skeleton = [district_org, *street_orgs]
        skeleton += [org for plans in unit_plans for org, _, _ in plans]
        with self.stats.stage("organizations", rows=len(skeleton)):
            Organization.objects.bulk_create(skeleton, batch_size=BATCH_SIZE)
        if self.anchors.district_org is None:
            self.anchors.district_org = district_org
            self.anchors.district = area
            self.anchors.street_org = street_orgs[0]
        district_seat_pool: list[Enrolled] = []
        for street_index, street in enumerate(district.children):
            started = time.perf_counter()
            for community, community_org in zip(street.children, community_orgs[street_index], strict=True):
                self.populate_community(district, community, community_org, next(community_members))
            street_pool = self.populate_units(district, unit_plans[street_index])
            self.add_committees([(street_orgs[street_index], street_pool, 7)])
            if street_index == 0 and self.anchors.street_secretary is None:
                self.anchors.street_secretary = self.secretaries.get(street_orgs[street_index].pk)
            district_seat_pool += street_pool[:3]
            self.log(
                f"  {area.name} street {street_index + 1}/{len(district.children)} {street.area.name}: "
                f"{self.counts['residents']:,} residents, {self.counts['members']:,} members so far "
                f"({time.perf_counter() - started:.1f} s)"
            )
        self.add_committees([(district_org, district_seat_pool, 9)])

    def plan_units(
        self, street: Place, street_org: Organization, communities: int, members: int
    ) -> list[tuple[Organization, int, str]]:
        """机关, 事业单位 and 两新 branches under the street, about 25 members each."""
        rng = self.rng
        # At least four kinds of unit where there are members enough, three members a branch at least.
        count = min(max(4, round(members / 25)), members // 3)
        sizes = spread(rng, members, count, minimum=3)
        short = street.area.name.removesuffix("街道")
        plans = []
        for index, size in enumerate(sizes):
            unit = UNIT_KINDS[index] if index < 4 else rng.choice(UNIT_KINDS)
            code = f"P{street.area.code}U{index + 1:02d}"
            extra: dict = {}
            kind = OrgKind.BRANCH
            if unit == "government":
                office = rng.choice(words.GOVERNMENT_UNITS)
                name = (
                    f"{street.area.name}{office.removeprefix('街道')}机关党支部"
                    if office.startswith("街道")
                    else f"{street.area.name}{office}党支部"
                )
                org_field = OrgField.GOVERNMENT
            elif unit == "public":
                name = f"{short}{rng.choice(words.PUBLIC_INSTITUTIONS)}党支部"
                org_field = OrgField.PUBLIC_INSTITUTION
            elif unit == "private":
                name = f"{rng.choice(words.STREET_STEMS)}{rng.choice(words.PRIVATE_ENTERPRISES)}党支部"
                org_field = OrgField.PRIVATE_ENTERPRISE
            elif unit == "social":
                name = f"{short}{rng.choice(words.SOCIAL_ORGANIZATIONS)}党支部"
                org_field = OrgField.SOCIAL_ORGANIZATION
            else:
                name = f"{short}{rng.choice(['商务楼宇', '非公企业', '个体工商户', '商圈'])}联合党支部"
                org_field = OrgField.PRIVATE_ENTERPRISE
                kind = OrgKind.JOINT_BRANCH
                extra["unit_count"] = rng.randint(2, 5)
            org = self.org(street_org, communities + index, name, code, kind, org_field, street.area, **extra)
            self.rating(org)
            plans.append((org, size, unit))
        return plans

    # --- people of a community ------------------------------------------------------------------
    def populate_community(
        self, district: Place, community: Place, community_org: Organization, member_target: int
    ) -> None:
        rng = self.rng
        region = district.area.code
        started = time.perf_counter()
        residents: list[tuple[Draft, Area, Place, str]] = []  # draft, home area, grid, household
        for grid in community.children:
            for building in grid.children:
                labels = self.household_labels(building)
                self.fill_households(
                    residents, region, building.area, grid, building.area.resident_count, labels
                )
            labels = iter(f"平房{number}号" for number in range(1, 10_000))
            self.fill_households(residents, region, grid.area, grid, grid.area.resident_count, labels)
        adults = [entry for entry in residents if entry[0].age >= 18]

        # Grid workers: a 网格长 and full- or part-time workers per grid, from working-age residents.
        working_age = [entry for entry in adults if 22 <= entry[0].age <= 58]
        rng.shuffle(working_age)
        workers: list[tuple[Draft, Place, str]] = []
        used: set[int] = set()
        by_grid: dict[int, list] = defaultdict(list)
        for entry in working_age:
            by_grid[id(entry[2])].append(entry)
        for grid in community.children:
            # Popped from the end: residents of the grid first, then anyone in the community.
            pool = working_age + by_grid[id(grid)]
            for slot in range(grid.workers):
                while id(pool[-1][0]) in used:
                    pool.pop()
                draft = pool.pop()[0]
                used.add(id(draft))
                kind = (
                    GridWorkerKind.GRID_LEADER
                    if slot == 0
                    else (GridWorkerKind.FULL_TIME if rng.random() < 0.6 else GridWorkerKind.PART_TIME)
                )
                workers.append((draft, grid, kind))
        share = self.scale.grid_worker_member_share
        worker_members = weighted_sample(
            rng,
            workers,
            [3.0 if kind == GridWorkerKind.GRID_LEADER else 1.0 for _, _, kind in workers],
            round(len(workers) * share),
        )
        member_grid: dict[int, Place] = {id(draft): grid for draft, grid, _ in worker_members}
        member_home: dict[int, Area] = {}

        # Other members: adult residents, older people more often (many 离退休 members live here).
        # Workers not drawn as members stay non-members, so the 57% holds exactly.
        worker_ids = {id(draft) for draft, _, _ in workers}
        candidates = [entry for entry in adults if id(entry[0]) not in worker_ids]
        chosen = weighted_sample(
            rng,
            candidates,
            [3.0 if entry[0].age >= 60 else 2.0 if entry[0].age >= 35 else 1.0 for entry in candidates],
            max(0, member_target - len(worker_members)),
        )
        for draft, home, grid, _ in chosen:
            member_grid[id(draft)] = grid
            member_home[id(draft)] = home
        drafts_by_id = {id(entry[0]): entry[0] for entry in residents}

        # Organizations: a branch per grid, 楼道党支部 in some buildings, 党小组 in large branches.
        building_members: dict[int, list[int]] = defaultdict(list)
        for key, home in member_home.items():
            if home.kind == AreaKind.BUILDING:
                building_members[id(home)].append(key)
        buildings = [building for grid in community.children for building in grid.children]
        eligible = [building for building in buildings if len(building_members[id(building.area)]) >= 5]
        wanted = max(1, round(len(buildings) * self.scale.building_branch_share))
        with_branch = rng.sample(eligible, min(wanted, len(eligible)))
        with_branch.sort(key=lambda place: place.area.code)
        orgs: list[Organization] = [community_org]
        member_org: dict[int, Organization] = {}
        grid_branches: dict[int, Organization] = {}
        for grid_index, grid in enumerate(community.children):
            branch = self.org(
                community_org,
                grid_index,
                f"{grid.area.name}党支部",
                f"P{grid.area.code}",
                OrgKind.BRANCH,
                OrgField.URBAN_COMMUNITY,
                grid.area,
            )
            self.rating(branch)
            grid_branches[id(grid)] = branch
            orgs.append(branch)
        for key, grid in member_grid.items():
            member_org[key] = grid_branches[id(grid)]
        for offset, building in enumerate(with_branch):
            branch = self.org(
                community_org,
                len(community.children) + offset,
                f"{community.area.name}{building.area.name}楼道党支部",
                f"P{building.area.code}",
                OrgKind.BRANCH,
                OrgField.URBAN_COMMUNITY,
                building.area,
            )
            orgs.append(branch)
            for key in building_members[id(building.area)]:
                member_org[key] = branch
        branch_members: dict[int, list[int]] = defaultdict(list)
        for key, org in member_org.items():
            branch_members[id(org)].append(key)
        groups: dict[int, Organization] = {}
        for grid in community.children:
            branch = grid_branches[id(grid)]
            keys = branch_members[id(branch)]
            if len(keys) < 20:
                continue
            third = len(keys) // 3
            for group_index in range(2):
                group = self.org(
                    branch,
                    group_index,
                    f"{branch.name}第{words.chinese_number(group_index + 1)}党小组",
                    f"{branch.code}X{group_index + 1}",
                    OrgKind.GROUP,
                    OrgField.URBAN_COMMUNITY,
                    grid.area,
                )
                orgs.append(group)
                for key in keys[third * (group_index + 1) : third * (group_index + 2)]:
                    member_org[key] = group
                    groups[key] = branch
        self.stats.seconds["people: build, encrypt, assign"] += time.perf_counter() - started
        self.stats.rows["people: build, encrypt, assign"] += len(residents)

        persons = [entry[0].person for entry in residents]
        self.insert(Person, persons, "people: insert")
        self.insert(Organization, orgs, "organizations")
        resident_rows = []
        for draft, home, _grid, household in residents:
            moved_in = max(
                draft.person.birth_date,
                self.today - datetime.timedelta(days=rng.randint(30, 25 * 365)),
            )
            resident_rows.append(
                Resident(person=draft.person, area=home, household=household, moved_in_on=moved_in)
            )
        self.insert(Resident, resident_rows, "residents")
        self.insert(
            GridWorker,
            [
                GridWorker(
                    person=draft.person,
                    area=grid.area,
                    kind=kind,
                    started_on=self.today - datetime.timedelta(days=rng.randint(30, 8 * 365)),
                )
                for draft, grid, kind in workers
            ],
            "grid workers",
        )
        enrolled_by_org: dict[int, list[Enrolled]] = defaultdict(list)
        member_rows = []
        for key, org in member_org.items():
            enrolled, row = self.membership(drafts_by_id[key], org, community=True)
            member_rows.append(row)
            enrolled_by_org[id(org)].append(enrolled)
            if key in groups:
                enrolled_by_org[id(groups[key])].append(enrolled)
        self.insert(PartyMember, member_rows, "party members")
        self.counts["residents"] += len(residents)
        self.counts["members"] += len(member_rows)

        all_enrolled = list(
            {id(item.draft): item for rows in enrolled_by_org.values() for item in rows}.values()
        )
        plans = [(community_org, all_enrolled, 7)]
        plans += [(org, enrolled_by_org[id(org)], 5) for org in orgs if org.kind == OrgKind.BRANCH]
        self.add_committees(plans)

        if self.anchors.community_org is None:
            self.set_anchors(community, community_org, grid_branches, workers, member_org, residents)

    def set_anchors(self, community, community_org, grid_branches, workers, member_org, residents) -> None:
        anchors = self.anchors
        grid = community.children[0]
        anchors.community_org = community_org
        anchors.community_secretary = self.secretaries.get(community_org.pk)
        anchors.grid = grid.area
        anchors.grid_branch = grid_branches[id(grid)]
        worker_ids = {id(draft) for draft, _, _ in workers}
        seated = {id(draft) for draft in self.secretaries.values()}
        # A grid leader may also be a member seated as secretary; each demo login needs its own person.
        leaders = [draft for draft, place, _ in workers if place is grid]
        anchors.grid_leader = next((draft for draft in leaders if id(draft) not in seated), leaders[0])
        anchors.member = next(
            (
                draft
                for draft, *_ in residents
                if member_org.get(id(draft)) is anchors.grid_branch
                and id(draft) not in worker_ids
                and id(draft) not in seated
            ),
            None,
        )
        building = grid.children[0]
        anchors.building = building.area
        anchors.resident = next(
            (
                draft
                for draft, home, *_ in residents
                if home is building.area
                and draft.age >= 18
                and id(draft) not in member_org
                and id(draft) not in worker_ids
            ),
            None,
        )

    def household_labels(self, building: Place) -> Iterator[str]:
        labels = [
            f"{unit}单元{floor}{room:02d}"
            for unit in range(1, building.units + 1)
            for floor in range(1, building.floors + 1)
            for room in range(1, building.rooms + 1)
        ]
        self.rng.shuffle(labels)
        yield from labels
        yield from (f"附{number}号" for number in range(1, 10_000))

    def fill_households(
        self,
        residents: list,
        region: str,
        home: Area,
        grid: Place,
        count: int,
        labels: Iterator[str],
    ) -> None:
        rng, people = self.rng, self.people
        remaining = count
        while remaining > 0:
            size = min(remaining, rng.choices((1, 2, 3, 4, 5), weights=(16, 30, 30, 15, 9))[0])
            household = next(labels)
            head_age = people.adult_age()
            head = people.make(region, age=head_age)
            members = [head]
            if size >= 2:
                spouse_gender = "female" if head.gender == "male" else "male"
                spouse_age = max(18, min(95, head_age + rng.randint(-5, 5)))
                members.append(people.make(region, age=spouse_age, gender=spouse_gender))
            for _ in range(size - len(members)):
                members.append(people.make(region, age=people.child_age(head_age), surname=head.surname))
            for draft in members:
                residents.append((draft, home, grid, household))
            remaining -= size

    # Where a 流动 member has gone, what an in-service member does, for the ledger's columns.
    FLOW_OUT_DESTINATIONS = (
        "广东省深圳市",
        "广东省广州市",
        "上海市浦东新区",
        "浙江省杭州市",
        "江苏省苏州市",
        "天津市滨海新区",
        "河北省雄安新区",
        "四川省成都市",
        "湖北省武汉市",
        "海南省三亚市",
    )
    JOB_TITLES = ("职员", "科员", "主任", "经理", "工程师", "教师", "医生", "会计", "技术员", "副科长")

    def _member_category(self, age: int, *, community: bool) -> str:
        """The 人员类别, plausible for the age: overall about 在职 45%, 离退休 35%, the rest others.

        Members of a community's branches are older (its retirees live there); members of the
        street's unit branches are mostly in service.
        """
        rng, category = self.rng, MemberCategory
        if not community:
            if age >= 60:
                return category.RETIRED
            return rng.choices([category.EMPLOYED, category.MOBILE, category.OTHER], weights=[95, 3, 2])[0]
        if age >= 60:
            return rng.choices([category.RETIRED, category.FARMER, category.OTHER], weights=[95, 3, 2])[0]
        if age >= 50:
            return rng.choices(
                [
                    category.RETIRED,
                    category.EMPLOYED,
                    category.UNEMPLOYED,
                    category.MOBILE,
                    category.FARMER,
                    category.OTHER,
                ],
                weights=[65, 20, 5, 4, 3, 3],
            )[0]
        if age <= 24:
            return rng.choices([category.STUDENT, category.EMPLOYED, category.MOBILE], weights=[60, 30, 10])[
                0
            ]
        return rng.choices(
            [category.EMPLOYED, category.MOBILE, category.UNEMPLOYED, category.FARMER, category.OTHER],
            weights=[60, 14, 9, 8, 9],
        )[0]

    def membership(self, draft: Draft, org: Organization, *, community: bool) -> tuple[Enrolled, PartyMember]:
        """The member's status, category, dates and ledger columns, plausible for age and branch.

        About 3% are 预备党员 (joined within the last year, no 转正 date); everyone else became a
        full member exactly one year after the 支部大会 that admitted them (DOMAIN.md). 在职
        members have a workplace and a title, 流动 members a flow-out destination, and a few
        members (mostly 流动) have lost contact with their branch.
        """
        rng = self.rng
        age = draft.age
        category = self._member_category(age, community=community)
        # Nobody under 19 can have finished the one-year 预备期 after joining at 18.
        probationary = age < 19 or rng.random() < (0.07 if age < 35 else 0.012)
        birth = draft.person.birth_date
        eighteenth = (
            birth.replace(year=birth.year + 18)
            if (birth.month, birth.day) != (2, 29)
            else birth.replace(year=birth.year + 18, day=28)
        )
        if probationary:
            joined = self.today - datetime.timedelta(days=rng.randint(20, 350))
            joined = max(joined, eighteenth)
            regularized = None
            status = MemberStatus.PROBATIONARY
        else:
            join_age = rng.randint(18, max(18, min(age - 2, 45)))
            joined = birth + datetime.timedelta(days=join_age * 365 + rng.randint(0, 300))
            joined = max(min(joined, self.today - datetime.timedelta(days=400)), eighteenth)
            try:
                regularized = joined.replace(year=joined.year + 1)
            except ValueError:  # joined on 29 February
                regularized = joined.replace(year=joined.year + 1, day=28)
            status = MemberStatus.FULL
        workplace = job_title = destination = ""
        if category == MemberCategory.EMPLOYED:
            if community:
                workplace = rng.choice(
                    [*words.PRIVATE_ENTERPRISES, *words.GOVERNMENT_UNITS, *words.PUBLIC_INSTITUTIONS]
                )
            else:
                workplace = org.name.removeprefix("中共").removesuffix("支部委员会").removesuffix("党支部")
            job_title = rng.choice(self.JOB_TITLES)
        elif category == MemberCategory.MOBILE:
            destination = rng.choice(self.FLOW_OUT_DESTINATIONS)
        lost = rng.random() < (0.04 if category == MemberCategory.MOBILE else 0.005)
        row = PartyMember(
            person=draft.person,
            org=org,
            status=status,
            category=category,
            joined_on=joined,
            regularized_on=regularized,
            workplace=workplace,
            job_title=job_title,
            flow_out_destination=destination,
            is_lost_contact=lost,
            lost_contact_since=self.today - datetime.timedelta(days=rng.randint(90, 900)) if lost else None,
        )
        return Enrolled(draft=draft, status=status, category=category), row

    # --- members of unit branches ---------------------------------------------------------------
    def populate_units(self, district: Place, plans: list[tuple[Organization, int, str]]) -> list[Enrolled]:
        """Members of the street's 机关, 事业 and 两新 branches; they live outside the data set."""
        started = time.perf_counter()
        rng, people = self.rng, self.people
        drafts: list[tuple[Draft, Organization]] = []
        for org, size, _unit in plans:
            for _ in range(size):
                age = rng.randint(23, 62) if rng.random() < 0.95 else rng.randint(63, 75)
                drafts.append((people.make(district.area.code, age=age), org))
        self.stats.seconds["people: build, encrypt, assign"] += time.perf_counter() - started
        self.stats.rows["people: build, encrypt, assign"] += len(drafts)
        self.insert(Person, [draft.person for draft, _ in drafts], "people: insert")
        by_org: dict[int, list[Enrolled]] = defaultdict(list)
        rows = []
        for draft, org in drafts:
            enrolled, row = self.membership(draft, org, community=False)
            by_org[id(org)].append(enrolled)
            rows.append(row)
        self.insert(PartyMember, rows, "party members")
        self.counts["members"] += len(rows)
        self.add_committees([(org, by_org[id(org)], 5) for org, _, _ in plans])
        # The street's committee is drawn from its 机关 and 事业 members.
        return [
            enrolled
            for org, _, unit in plans
            if unit in {"government", "public"}
            for enrolled in by_org[id(org)]
            if enrolled.status == MemberStatus.FULL
        ]

    # --- committees -------------------------------------------------------------------------------
    def add_committees(self, plans: list[tuple[Organization, list[Enrolled], int]]) -> None:
        """One current committee per org, with a term that sometimes ends soon or is overdue.

        Branches with ≥7 full members get a 支部委员会 of 3–5; smaller ones a secretary only
        (《中国共产党支部工作条例（试行）》第十四条).
        """
        rng = self.rng
        committees = []
        seats: list[tuple[int, list[tuple[Draft, str]]]] = []
        for org, enrolled, max_seats in plans:
            full = [member for member in enrolled if member.status == MemberStatus.FULL]
            if not full:
                continue
            if org.kind in {OrgKind.BRANCH, OrgKind.JOINT_BRANCH}:
                seat_count = rng.randint(3, max_seats) if len(full) >= 7 else 1
            else:
                seat_count = min(len(full), rng.randint(max_seats - 2, max_seats))
            seat_count = min(seat_count, len(full))
            chosen = weighted_sample(
                rng,
                full,
                [3.0 if 30 <= member.draft.age <= 62 else 0.3 for member in full],
                seat_count,
            )
            roles = (
                COMMUNITY_SEAT_ROLES
                if seat_count >= 5
                else [
                    CommitteeRole.SECRETARY,
                    CommitteeRole.ORGANIZATION,
                    CommitteeRole.PUBLICITY,
                    CommitteeRole.DISCIPLINE,
                ]
            )
            term = org.default_term_years
            roll = rng.random()
            if roll < 0.10:
                ends_in = -rng.randint(1, 400)  # overdue: 换届 not yet held
            elif roll < 0.22:
                ends_in = rng.randint(1, 89)  # within the 90-day reminder
            else:
                ends_in = rng.randint(90, term * 365 - 30)
            ends_on = self.today + datetime.timedelta(days=ends_in)
            elected = ends_on.replace(year=ends_on.year - term, day=min(ends_on.day, 28))
            committees.append(Committee(org=org, elected_on=elected, term_years=term, is_current=True))
            seats.append(
                (
                    len(committees) - 1,
                    [
                        (member.draft, roles[index] if index < len(roles) else CommitteeRole.MEMBER)
                        for index, member in enumerate(chosen)
                    ],
                )
            )
        self.insert(Committee, committees, "committees")
        rows = []
        for committee_index, seated in seats:
            committee = committees[committee_index]
            for draft, role in seated:
                rows.append(
                    CommitteeMember(
                        committee=committee, person=draft.person, role=role, started_on=committee.elected_on
                    )
                )
                if role == CommitteeRole.SECRETARY:
                    self.secretaries[committee.org.pk] = draft
        self.insert(CommitteeMember, rows, "committee seats")

    # --- writing ----------------------------------------------------------------------------------
    def insert(self, model, rows: list, stage: str) -> None:
        if not rows:
            return
        with self.stats.stage(stage, rows=len(rows)):
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    def write_audit_entry(self, seconds: float) -> None:
        from dangjian.core import audit
        from dangjian.core.choices import AuditAction

        audit.record(
            AuditAction.IMPORT,
            None,
            object_repr=f"generator {self.scale.name}",
            username="generator",
            changes={
                "scale": self.scale.name,
                "seed": self.seed,
                "districts": self.scale.districts,
                "residents": self.counts["residents"],
                "members": self.counts["members"],
            },
            note=f"数据生成器生成了演示数据：规模 {self.scale.name}，随机种子 {self.seed}，用时 {seconds:.0f} 秒。",
        )
