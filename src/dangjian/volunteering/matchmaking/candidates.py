"""Ranked volunteers for one need (推荐志愿者): a bounded candidate set read by SQL, scored in Python.

The candidates are active volunteers of the need's street whom the user may see, taken from
a few indexed reads, each with a limit: those living in the need's grid, in its community and in
its street, those with one of the skills asked, and those of the community free when the need
can be served. Only
these few hundred rows are loaded and scored, so the cost stays the same whatever the street's
size; a fixed number of queries, none per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F

from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import NeedState, VolunteerState
from dangjian.volunteering.matchmaking.scoring import LOAD_POINTS, Fit, distance_level, fit
from dangjian.volunteering.models import Need, Volunteer

NEAR_LIMIT = 150
SKILL_LIMIT = 150
TIME_LIMIT = 100
STREET_LIMIT = 50
SUGGESTIONS = 10


@dataclass(frozen=True)
class Place:
    """Where a need lies: the paths of its grid, community and street ("" where it lies above)."""

    grid: str = ""
    community: str = ""
    street: str = ""

    @property
    def nearest(self) -> str:
        return self.grid or self.community or self.street


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    fit: Fit

    @property
    def score(self) -> int:
        return self.fit.score

    @property
    def reasons(self) -> list[str]:
        return self.fit.reasons()


def place_of(area: Area) -> Place:
    """The grid, community and street an area lies in (itself included), in one query."""
    step = area.steplen
    paths = [area.path[:end] for end in range(step, len(area.path) + 1, step)]
    kinds = dict(
        Area.objects.filter(
            path__in=paths, kind__in=[AreaKind.GRID, AreaKind.COMMUNITY, AreaKind.STREET]
        ).values_list("kind", "path")
    )
    return Place(
        grid=kinds.get(AreaKind.GRID, ""),
        community=kinds.get(AreaKind.COMMUNITY, ""),
        street=kinds.get(AreaKind.STREET, ""),
    )


def current_loads(volunteer_ids) -> dict[int, int]:
    """Needs assigned to each volunteer and not yet met (one grouped query)."""
    rows = (
        Need.objects.filter(volunteer_id__in=volunteer_ids, state=NeedState.ASSIGNED)
        .order_by()
        .values("volunteer_id")
        .annotate(held=Count("id"))
        .values_list("volunteer_id", "held")
    )
    return dict(rows)


ROW = ("id", "area__path", "availability", "capacity_hours")


def candidate_rows(need: Need, user, place: Place, skill_ids: list[int]) -> dict[int, tuple]:
    """The bounded candidate set, as (id, area path, availability, capacity) rows by id: near
    (grid, community, street), skilled, or free at the need's times, each read with its limit."""
    base = (
        Volunteer.objects.visible_to(user, "view")
        .filter(state=VolunteerState.ACTIVE, area__path__startswith=place.street or place.nearest)
        .order_by()
    )
    reads = []
    # Nearest first: the grid, the community, then the rest of the street, each with its limit.
    for path in (place.grid, place.community):
        if path:
            reads.append(base.filter(area__path__startswith=path).values_list(*ROW)[:NEAR_LIMIT])
    if place.street and place.street != place.nearest:
        reads.append(base.values_list(*ROW)[:STREET_LIMIT])
    if skill_ids:
        skilled = Volunteer.skills.through.objects.filter(skill_id__in=skill_ids).values("volunteer_id")
        reads.append(base.filter(id__in=skilled).values_list(*ROW)[:SKILL_LIMIT])
    if need.availability and place.community:
        reads.append(
            base.filter(area__path__startswith=place.community)
            .annotate(common=F("availability").bitand(need.availability))
            .filter(common__gt=0)
            .values_list(*ROW)[:TIME_LIMIT]
        )
    return {row[0]: row for read in reads for row in read}


def suggestions(need: Need, user, limit: int = SUGGESTIONS) -> list[Candidate]:
    """The ``limit`` best volunteers for ``need`` among those ``user`` may see, best first.

    Ties go to the nearer volunteer, then to the one holding fewer needs, then to the earlier
    registered (lower id), so the list is the same on every reading.
    """
    skills = list(need.skills.values_list("id", "name"))
    skill_ids = [pk for pk, _name in skills]
    place = place_of(need.area)
    rows = candidate_rows(need, user, place, skill_ids)
    if not rows:
        return []
    # Score from plain values (no model instances), then load only the winners.
    held: dict[int, set[int]] = {}
    if skill_ids:
        links = Volunteer.skills.through.objects.filter(volunteer_id__in=list(rows), skill_id__in=skill_ids)
        for volunteer_id, skill_id in links.values_list("volunteer_id", "skill_id"):
            held.setdefault(volunteer_id, set()).add(skill_id)
    wanted = set(skill_ids)
    names = dict(skills)

    def fit_of(row: tuple, load: int) -> Fit:
        volunteer_id, path, availability, capacity_hours = row
        has = held.get(volunteer_id, set())
        return fit(
            need_skills=wanted,
            volunteer_skills=has,
            distance=distance_level(path, place.grid, place.community, place.street),
            need_availability=need.availability,
            volunteer_availability=availability,
            load=load,
            capacity_hours=capacity_hours,
            skill_names=tuple(names[pk] for pk in skill_ids if pk in has),
        )

    # The load gives at most LOAD_POINTS: only volunteers within that of the limit-th best
    # score without it can make the list, so only their loads are read.
    unloaded = sorted(((fit_of(row, 0).score - LOAD_POINTS, pk) for pk, row in rows.items()), reverse=True)
    floor = unloaded[min(limit, len(unloaded)) - 1][0] - LOAD_POINTS
    contenders = [pk for partial, pk in unloaded if partial >= floor]
    loads = current_loads(contenders)
    scored = [(pk, fit_of(rows[pk], loads.get(pk, 0))) for pk in contenders]
    scored.sort(key=lambda item: (-item[1].score, -item[1].distance, item[1].load, item[0]))
    best = scored[:limit]
    volunteers = Volunteer.objects.select_related("person", "area").in_bulk([pk for pk, _fit in best])
    return [Candidate(volunteers[pk], result) for pk, result in best]
