"""The ``service`` generator step: loads the grids, plans five years of requests, writes them."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from dangjian.core.generator.steps import generator_step
from dangjian.orgs.choices import AreaKind, OrgKind
from dangjian.orgs.models import Area, Organization
from dangjian.service.demo_data.common import Grid, Leaf_
from dangjian.service.demo_data.configuration import department_users, routing_rules, seed_configuration
from dangjian.service.demo_data.plan import Plan
from dangjian.service.demo_data.tables import DISTRICT_RESIDENTS, REQUESTS_PER_DISTRICT

# --- the step -----------------------------------------------------------------------------------------


@generator_step("service", order=70)
def generate_service(generator) -> int:
    rng = random.Random(f"service-{generator.seed}")
    today: datetime.date = generator.today
    scale = generator.scale
    log = getattr(generator, "log", print)

    districts = list(Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path"))
    if not districts:
        return 0
    written = 0
    departments_by_district = []
    leaves: list[Leaf_] = []
    for district in districts:
        departments, leaves = seed_configuration(generator, district)
        departments_by_district.append(departments)
    written += sum(len(d) for d in departments_by_district) + len(leaves)
    written += department_users(generator, departments_by_district)

    grids, street_orgs = _load_grids()
    if not grids or not leaves:
        return written
    district_of = {district.path: departments_by_district[index] for index, district in enumerate(districts)}
    streets = list(Area.objects.filter(kind=AreaKind.STREET).order_by("path"))
    rules = routing_rules(
        rng,
        [(street, street_orgs.get(street.path)) for street in streets],
        leaves,
        district_of[districts[0].path],
    )
    written += len(rules)
    rule_for = {(rule.category.path, rule.area.path): rule for rule in rules}

    residents = scale.residents * scale.districts
    total = round(REQUESTS_PER_DISTRICT * residents / DISTRICT_RESIDENTS)
    plan = Plan(generator, rng, today, grids, leaves, district_of, rule_for, total)
    written += plan.run(log)
    # The rows went in by COPY, past the services that keep the figures rollup: rebuild it.
    from dangjian.service.figures import rebuild_rollup

    written += rebuild_rollup()
    return written


def _load_grids() -> tuple[list[tuple[Grid, float]], dict[str, Organization]]:
    """Grids with their residents, community 党委 and grid 党支部 (four queries)."""
    areas = list(
        Area.objects.filter(kind__in=[AreaKind.GRID, AreaKind.BUILDING, AreaKind.COMMUNITY])
        .order_by("path")
        .values_list("pk", "path", "kind", "name", "boundary", "resident_count")
    )
    orgs: dict[tuple[str, str], tuple[int, str, str]] = {}
    street_orgs: dict[str, Organization] = {}
    for org in (
        Organization.objects.filter(
            is_active=True,
            jurisdiction__kind__in=[AreaKind.GRID, AreaKind.COMMUNITY, AreaKind.STREET],
            kind__in=[
                OrgKind.BRANCH,
                OrgKind.PRIMARY_COMMITTEE,
                OrgKind.WORKING_COMMITTEE,
                OrgKind.GENERAL_BRANCH,
            ],
        )
        .select_related("jurisdiction")
        .order_by("path")
    ):
        kind = org.jurisdiction.kind
        if kind == AreaKind.STREET:
            if org.kind == OrgKind.WORKING_COMMITTEE:
                street_orgs.setdefault(org.jurisdiction.path, org)
            continue
        orgs.setdefault((kind, org.jurisdiction.path), (org.pk, org.path, org.short_name or org.name))
    communities = {path: name for _pk, path, kind, name, _b, _r in areas if kind == AreaKind.COMMUNITY}
    grid_rows = [row for row in areas if row[2] == AreaKind.GRID]
    residents: dict[str, int] = defaultdict(int)
    buildings: dict[str, int] = defaultdict(int)
    grid_len = len(grid_rows[0][1]) if grid_rows else 0
    for _pk, path, kind, _name, _b, count in areas:
        if kind in (AreaKind.GRID, AreaKind.BUILDING) and len(path) >= grid_len:
            residents[path[:grid_len]] += count
            if kind == AreaKind.BUILDING:
                buildings[path[:grid_len]] += 1
    grids = []
    for pk, path, _kind, name, boundary, _count in grid_rows:
        community_path = path[:-4]
        community = orgs.get((AreaKind.COMMUNITY, community_path))
        branch = orgs.get((AreaKind.GRID, path))
        if community is None:
            continue
        rect = None
        try:
            ring = boundary["coordinates"][0]
            xs, ys = [point[0] for point in ring], [point[1] for point in ring]
            rect = (min(xs), min(ys), max(xs), max(ys))
        except (TypeError, KeyError, IndexError):
            rect = None
        grid = Grid(
            pk=pk,
            path=path,
            name=name,
            community=communities.get(community_path, ""),
            rect=rect,
            buildings=buildings[path],
            org_id=community[0],
            org_path=community[1],
            org_name=community[2],
            branch_id=branch[0] if branch else None,
            branch_path=branch[1] if branch else "",
            branch_name=branch[2] if branch else "",
            street_path=path[:-8],
        )
        grids.append((grid, float(max(residents[path], 1))))
    return grids, street_orgs
