"""The organization and area trees of generated data: districts down to buildings, and the
party organizations that mirror them (the generator's first step and the builder the members
step extends).

The area tree is planned and inserted by the ``areas`` step. The organizations are built by the
``people`` step of ``members.demo_data`` through ``TreeBuilder``'s methods, because where a 楼道党支部
or a 党小组 goes depends on where the members live: the seeded random draws of both happen in one
fixed order, so the same seed still gives the same trees. Paths are computed here rather than by
treebeard's ``add_child`` (one query per node).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from dangjian.core.generator import names as words
from dangjian.core.generator.build import (
    BATCH_SIZE,
    DatabaseNotEmpty,
    Generator,
    path_segment,
    spread,
    weighted_sample,
)
from dangjian.core.generator.people import Draft
from dangjian.core.generator.steps import generator_step
from dangjian.orgs.choices import AreaKind, CommitteeRole, DemonstrationLevel, OrgField, OrgKind
from dangjian.orgs.models import Area, Committee, CommitteeMember, Organization

# West, south, east, north in degrees (WGS 84).
Rect = tuple[float, float, float, float]


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


class TreeBuilder:
    """Builds tree nodes for one generator run, drawing from the run's seeded random source.

    What later steps need is kept in ``generator.state``: ``districts`` (the planned ``Place``
    trees) and ``secretaries`` (the person seated as secretary of each organization, by org pk).
    """

    def __init__(self, generator: Generator) -> None:
        self.generator = generator
        self.rng = generator.rng
        self.scale = generator.scale
        self.today = generator.today
        self.people = generator.people
        self.log = generator.log
        self.stats = generator.stats
        self.anchors = generator.anchors
        self.counts = generator.counts
        self.insert = generator.insert
        self.districts: list[Place] = generator.state.setdefault("districts", [])
        self.secretaries: dict[int, Draft] = generator.state.setdefault("secretaries", {})

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

    # --- committees -------------------------------------------------------------------------------
    def add_committees(self, plans: list[tuple[Organization, list[Draft], int]]) -> None:
        """One current committee per org, with a term that sometimes ends soon or is overdue.

        Branches with ≥7 full members get a 支部委员会 of 3–5; smaller ones a secretary only
        (《中国共产党支部工作条例（试行）》第二十条).
        """
        rng = self.rng
        committees = []
        seats: list[tuple[int, list[tuple[Draft, str]]]] = []
        for org, full, max_seats in plans:
            # ``full``: the org's full members (预备党员 cannot be elected); the caller filters.
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
                [3.0 if 30 <= draft.age <= 62 else 0.3 for draft in full],
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
                        (draft, roles[index] if index < len(roles) else CommitteeRole.MEMBER)
                        for index, draft in enumerate(chosen)
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


@generator_step("areas", order=1)
def generate_areas(generator: Generator) -> int:
    """The whole area tree of every district, planned in memory and inserted in batches."""
    if Area.objects.exists() or Organization.objects.exists():
        raise DatabaseNotEmpty("areas or organizations exist already")
    builder = TreeBuilder(generator)
    builder.plan_areas()
    areas = [place.area for place in builder.walk(builder.districts)]
    Area.objects.bulk_create(areas, batch_size=BATCH_SIZE)
    return len(areas)
