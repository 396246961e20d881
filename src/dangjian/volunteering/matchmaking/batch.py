"""The platform's path to a batch proposal: the open needs of a scope and the volunteers of its
street read from the database in a few flat queries, the best ``TOP_K`` volunteers of each need
found with numpy (ring by ring outward from the need's grid, exact, see ``_top_pairs``) as the
allowed pairs, and the solver run over them.

Memory stays at one block of needs × one ring of volunteers plus the kept pairs; the database
is read with ``values_list`` (no model instances) and no query per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Count

from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import NeedState, VolunteerState
from dangjian.volunteering.matching import assign_sparse
from dangjian.volunteering.matchmaking.candidates import place_of
from dangjian.volunteering.matchmaking.scoring import (
    HOURS_PER_NEED,
    MAX_SCORE,
    SKILL_POINTS,
    NeedArrays,
    VolunteerArrays,
    pair_parts,
)
from dangjian.volunteering.models import Need, Volunteer

TOP_K = 30
BLOCK = 256
NEED_PERMISSION = "volunteering.change_need"


@dataclass(frozen=True)
class PlannedPair:
    need_id: int
    volunteer_id: int
    score: int
    skill_matched: int
    skill_wanted: int
    distance: int
    slots_overlap: int
    load: int
    slots: int


@dataclass
class Plan:
    """What the solver proposes for one scope, before it is stored."""

    scope: Area
    street: Area | None
    open_needs: int
    volunteers_considered: int
    pairs: list[PlannedPair]
    edges: int

    @property
    def total_cost(self) -> int:
        return sum(MAX_SCORE - pair.score for pair in self.pairs)


def street_of(area: Area) -> Area | None:
    """The street an area lies in (itself if it is one)."""
    if area.kind == AreaKind.STREET:
        return area
    place = place_of(area)
    return Area.objects.filter(path=place.street).first() if place.street else None


def _index_places(street_path: str) -> tuple[dict[str, int], dict[str, int], int]:
    """Index numbers of the grids and communities of the street, by path, and the path step."""
    grids: dict[str, int] = {}
    communities: dict[str, int] = {}
    rows = Area.objects.filter(
        path__startswith=street_path, kind__in=[AreaKind.GRID, AreaKind.COMMUNITY]
    ).values_list("path", "kind")
    for path, kind in rows:
        target = grids if kind == AreaKind.GRID else communities
        target[path] = len(target)
    return grids, communities, Area.steplen


def _locate(paths: list[str], index: dict[str, int], step: int) -> np.ndarray:
    """For each area path, the index of its ancestor-or-self in ``index`` (−1 for none)."""
    result = np.full(len(paths), -1, dtype=np.int64)
    cache: dict[str, int] = {}
    for row, path in enumerate(paths):
        found = cache.get(path)
        if found is None:
            found = -1
            for end in range(step, len(path) + 1, step):
                hit = index.get(path[:end])
                if hit is not None:
                    found = hit
            cache[path] = found
        result[row] = found
    return result


def _skill_words(owner_rows: dict[int, int], links, bit_of: dict[int, int], count: int) -> np.ndarray:
    """A (count × words) uint64 array of skill bits from (owner id, skill id) links."""
    words = max(1, (len(bit_of) + 63) // 64)
    table = np.zeros((count, words), dtype=np.uint64)
    for owner_id, skill_id in links:
        bit = bit_of.get(skill_id)
        row = owner_rows.get(owner_id)
        if bit is None or row is None:
            continue
        table[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return table


def _groups(keys: np.ndarray) -> dict[int, np.ndarray]:
    """Row indexes by key value (one sort, no loop over rows)."""
    order = np.argsort(keys, kind="stable")
    values, starts = np.unique(keys[order], return_index=True)
    return {int(value): part for value, part in zip(values, np.split(order, starts[1:]), strict=True)}


def _best_of(scores: np.ndarray, cols: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best columns of each row of ``scores`` (padded with −1 where a row has fewer)."""
    rows = scores.shape[0]
    if scores.shape[1] > k:
        at = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        return cols[at] if cols.ndim == 1 else np.take_along_axis(cols, at, axis=1), np.take_along_axis(
            scores, at, axis=1
        )
    pad = k - scores.shape[1]
    full_cols = np.broadcast_to(cols, scores.shape) if cols.ndim == 1 else cols
    return (
        np.concatenate([full_cols, np.full((rows, pad), -1, dtype=np.int64)], axis=1),
        np.concatenate([scores, np.full((rows, pad), -1, dtype=np.int16)], axis=1),
    )


def _merge(best_cols, best_scores, rows, ring_cols, ring_scores, k: int) -> None:
    """Keep the ``k`` best of what ``rows`` had and what a ring gave them."""
    merged_cols, merged_scores = _best_of(
        np.concatenate([best_scores[rows], ring_scores], axis=1),
        np.concatenate([best_cols[rows], ring_cols], axis=1),
        k,
    )
    best_cols[rows], best_scores[rows] = merged_cols, merged_scores


def _top_pairs(needs: NeedArrays, volunteers: VolunteerArrays, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each need's ``k`` best volunteers (columns) and their scores, −1 where there are fewer.

    Exact without scoring every pair: volunteers are taken ring by ring — the need's grid, the
    rest of its community, then the rest of the street — and a ring is skipped for the needs whose
    k-th best score already reaches the most anyone in that ring could score (distance caps it:
    100 in the grid, 90 in the community, 80 in the street). The two outer rings are split once
    more for a need asking for skills: first the volunteers there with one of its skills (found
    through an index by skill, a few columns per need), then the others, who get no skill points
    and so can score 40 less, and are rarely needed.
    """
    n = needs.grid.shape[0]
    m = volunteers.grid.shape[0]
    best_cols = np.full((n, k), -1, dtype=np.int64)
    best_scores = np.full((n, k), -1, dtype=np.int16)
    by_grid = _groups(volunteers.grid)
    by_community = _groups(volunteers.community)
    everyone = np.arange(m)
    empty = np.empty(0, dtype=np.int64)
    # Skill bits as columns (little-endian words, as the machine stores them), and an index by skill.
    need_bits = np.unpackbits(needs.skill_words.view(np.uint8), axis=1, bitorder="little")
    volunteer_bits = np.unpackbits(volunteers.skill_words.view(np.uint8), axis=1, bitorder="little")
    with_skill: dict[int, np.ndarray] = {}
    with_any: dict[tuple[int, ...], np.ndarray] = {}

    def skilled(row: int) -> np.ndarray:
        """Every volunteer with one of the need's skills (kept per set of skills asked)."""
        key = tuple(np.nonzero(need_bits[row])[0].tolist())
        if key not in with_any:
            for bit in key:
                if bit not in with_skill:
                    with_skill[bit] = np.nonzero(volunteer_bits[:, bit])[0]
            parts = [with_skill[bit] for bit in key]
            with_any[key] = (
                parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts)) if parts else empty
            )
        return with_any[key]

    def kth(rows: np.ndarray) -> np.ndarray:
        return best_scores[rows].min(axis=1)

    def score_into(rows: np.ndarray, cols: np.ndarray, drop_skilled: bool = False) -> None:
        table = pair_parts(needs, volunteers, rows[:, None], cols[None, :])
        scores = table["score"].astype(np.int16)
        if drop_skilled:
            # Taken in the skilled pass for needs asking for skills: not twice.
            scores[(table["matched"] > 0) & (needs.wanted[rows] > 0)[:, None]] = -1
        _merge(best_cols, best_scores, rows, *_best_of(scores, cols, k), k)

    def score_skilled(rows: np.ndarray, ring: np.ndarray) -> None:
        """Score each row against its own skilled volunteers of ``ring``, all rows in one pass
        (the pairs laid out flat, then into a row × longest table padded with −1)."""
        per_row = [skilled(row) for row in rows.tolist()]
        per_row = [cols[ring[cols]] for cols in per_row]
        lengths = np.array([cols.size for cols in per_row])
        if lengths.sum() == 0:
            return
        flat_cols = np.concatenate(per_row)
        flat_rows = np.repeat(np.arange(rows.size), lengths)
        starts = np.cumsum(lengths) - lengths
        position = np.arange(flat_cols.size) - np.repeat(starts, lengths)
        scores = pair_parts(needs, volunteers, rows[flat_rows], flat_cols)["score"]
        table = np.full((rows.size, lengths.max()), -1, dtype=np.int16)
        table_cols = np.full((rows.size, lengths.max()), -1, dtype=np.int64)
        table[flat_rows, position] = scores
        table_cols[flat_rows, position] = flat_cols
        _merge(best_cols, best_scores, rows, *_best_of(table, table_cols, k), k)

    group_keys = np.stack([needs.community, needs.grid], axis=1)
    _unique, group_of = np.unique(group_keys, axis=0, return_inverse=True)
    for rows in _groups(group_of.ravel()).values():
        community, grid = int(needs.community[rows[0]]), int(needs.grid[rows[0]])
        in_grid = by_grid.get(grid, empty) if grid >= 0 else empty
        in_community = by_community.get(community, empty) if community >= 0 else empty
        community_ring = np.zeros(m, dtype=bool)
        community_ring[in_community] = True
        community_ring[in_grid] = False
        street_ring = np.ones(m, dtype=bool)
        street_ring[in_community] = False
        street_ring[in_grid] = False
        outer = [(community_ring, MAX_SCORE - 10), (street_ring, MAX_SCORE - 20)]
        for start in range(0, rows.size, BLOCK):
            block = rows[start : start + BLOCK]
            open_rows = block[kth(block) < MAX_SCORE]
            if in_grid.size and open_rows.size:
                score_into(open_rows, in_grid)
            for ring, ring_best in outer:
                asking = block[(kth(block) < ring_best) & (needs.wanted[block] > 0)]
                if asking.size:
                    score_skilled(asking, ring)
                bound = np.where(needs.wanted[block] > 0, ring_best - SKILL_POINTS, ring_best)
                open_rows = block[kth(block) < bound]
                if open_rows.size:
                    score_into(open_rows, everyone[ring], drop_skilled=True)
    return best_cols, best_scores


def plan(scope: Area, user, *, top_k: int = TOP_K) -> Plan:
    """The optimal assignment of the open needs of ``scope`` that ``user`` may change, to the
    active volunteers of its street that ``user`` may see, within each volunteer's free capacity."""
    street = street_of(scope)
    street_path = street.path if street is not None else scope.path
    needs_qs = (
        Need.objects.visible_to(user, NEED_PERMISSION)
        .filter(state=NeedState.OPEN, area__path__startswith=scope.path)
        .order_by("id")
    )
    need_rows = list(needs_qs.values_list("id", "area__path", "availability"))
    volunteers_qs = Volunteer.objects.visible_to(user, "view").filter(
        state=VolunteerState.ACTIVE, area__path__startswith=street_path
    )
    volunteer_rows = list(
        volunteers_qs.order_by("id").values_list("id", "area__path", "availability", "capacity_hours")
    )
    if not need_rows or not volunteer_rows:
        return Plan(scope, street, len(need_rows), len(volunteer_rows), [], 0)

    need_ids = [row[0] for row in need_rows]
    need_links = list(
        Need.skills.through.objects.filter(need_id__in=needs_qs.values("id")).values_list(
            "need_id", "skill_id"
        )
    )
    wanted_skills = sorted({skill_id for _need, skill_id in need_links})
    bit_of = {skill_id: bit for bit, skill_id in enumerate(wanted_skills)}
    volunteer_links = (
        list(
            Volunteer.skills.through.objects.filter(
                volunteer_id__in=volunteers_qs.values("id"), skill_id__in=wanted_skills
            ).values_list("volunteer_id", "skill_id")
        )
        if wanted_skills
        else []
    )
    loads = dict(
        Need.objects.filter(state=NeedState.ASSIGNED, volunteer_id__in=volunteers_qs.values("id"))
        .order_by()
        .values("volunteer_id")
        .annotate(held=Count("id"))
        .values_list("volunteer_id", "held")
    )

    grids, communities, step = _index_places(street_path)
    need_paths = [row[1] for row in need_rows]
    volunteer_ids = np.array([row[0] for row in volunteer_rows], dtype=np.int64)
    volunteer_paths = [row[1] for row in volunteer_rows]
    load = np.array([loads.get(row[0], 0) for row in volunteer_rows], dtype=np.int64)
    slots = np.maximum(1, np.array([row[3] for row in volunteer_rows], dtype=np.int64) // HOURS_PER_NEED)
    free = slots - load

    needs = NeedArrays(
        skill_words=_skill_words(
            {need_id: row for row, need_id in enumerate(need_ids)}, need_links, bit_of, len(need_rows)
        ),
        grid=_locate(need_paths, grids, step),
        community=_locate(need_paths, communities, step),
        availability=np.array([row[2] for row in need_rows], dtype=np.uint32),
    )
    # Only volunteers with free capacity can be given a need: the others are left out of the table.
    keep = np.nonzero(free > 0)[0]
    volunteers = VolunteerArrays(
        skill_words=_skill_words(
            {int(volunteer_ids[row]): pos for pos, row in enumerate(keep)},
            volunteer_links,
            bit_of,
            keep.size,
        ),
        grid=_locate([volunteer_paths[row] for row in keep], grids, step),
        community=_locate([volunteer_paths[row] for row in keep], communities, step),
        availability=np.array([volunteer_rows[row][2] for row in keep], dtype=np.uint32),
        load=load[keep],
        slots=slots[keep],
    )
    if keep.size == 0:
        return Plan(scope, street, len(need_rows), len(volunteer_rows), [], 0)

    best_cols, best_scores = _top_pairs(needs, volunteers, min(top_k, keep.size))
    chosen = best_scores >= 0
    edge_needs = np.nonzero(chosen)[0]
    edge_cols = best_cols[chosen]
    edges = np.column_stack([edge_needs, edge_cols, MAX_SCORE - best_scores[chosen]]).astype(np.float64)
    solved = np.array(assign_sparse(len(need_rows), keep.size, edges, free[keep]), dtype=np.intp).reshape(
        -1, 2
    )
    parts = pair_parts(needs, volunteers, solved[:, 0], solved[:, 1])
    pairs = []
    for at, (need_row, column) in enumerate(solved):
        volunteer_row = keep[column]
        pairs.append(
            PlannedPair(
                need_id=need_ids[need_row],
                volunteer_id=int(volunteer_ids[volunteer_row]),
                score=int(parts["score"][at]),
                skill_matched=int(parts["matched"][at]),
                skill_wanted=int(parts["wanted"][at]),
                distance=int(parts["distance"][at]),
                slots_overlap=int(parts["overlap"][at]),
                load=int(load[volunteer_row]),
                slots=int(slots[volunteer_row]),
            )
        )
    return Plan(scope, street, len(need_rows), len(volunteer_rows), pairs, int(edges.shape[0]))
