"""The people of generated data: residents in their households, grid workers, party members of
the community and unit branches, and the committees drawn from those members.

One step builds them district by district, together with the organizations below the street
(grid branches, 楼道党支部, 党小组), whose places depend on where the members live; the seeded
random draws happen in the order they always did, so the same seed gives the same data.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from dangjian.core.generator import names as words
from dangjian.core.generator.build import BATCH_SIZE, Generator, proportional, spread, weighted_sample
from dangjian.core.generator.people import Draft
from dangjian.core.generator.steps import generator_step
from dangjian.core.models import Person
from dangjian.core.person_scope import refresh_scope_keys
from dangjian.members.choices import GridWorkerKind, MemberCategory, MemberStatus
from dangjian.members.models import GridWorker, PartyMember, Resident
from dangjian.orgs.choices import AreaKind, OrgField, OrgKind
from dangjian.orgs.demo_data import Place, TreeBuilder
from dangjian.orgs.models import Area, Organization


@dataclass
class Enrolled:
    """A party member as the generator tracks them for committees: person, status, age."""

    draft: Draft
    status: str
    category: str


class PeopleBuilder(TreeBuilder):
    """Fills the planned area trees with people, members and the organizations they belong to."""

    def run(self) -> None:
        for district_index, district in enumerate(self.districts):
            self.populate_district(district_index, district)

    def add_committees(self, plans: list[tuple[Organization, list[Enrolled], int]]) -> None:  # type: ignore[override]
        """Committees are elected from full members only (预备党员 have no vote and cannot stand)."""
        super().add_committees(
            [
                (org, [item.draft for item in enrolled if item.status == MemberStatus.FULL], seats)
                for org, enrolled, seats in plans
            ]
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


@generator_step("people", order=2)
def generate_people(generator: Generator) -> int:
    """Residents, grid workers, party members, the organizations below the street, committees."""
    PeopleBuilder(generator).run()
    return generator.counts["residents"] + generator.counts["members"]


@generator_step("member sort keys", order=4)
def fill_member_sort_keys(generator: Generator) -> int:
    """Memberships were bulk-inserted (no save()), so their copies of the sort key are filled here."""
    return PartyMember.fill_sort_names(PartyMember.objects.filter(sort_name="")) or 0


@generator_step("member sort keys, after the app steps", order=999)
def fill_late_member_sort_keys(generator: Generator) -> int:
    """The app steps may add memberships of their own (transfers in)."""
    return PartyMember.fill_sort_names(PartyMember.objects.filter(sort_name="")) or 0


@generator_step("person scope keys", order=1000)
def fill_person_scope_keys(generator: Generator) -> int:
    """Homes, memberships and grid posts were bulk-inserted (no save()): place the people once."""
    return refresh_scope_keys()
