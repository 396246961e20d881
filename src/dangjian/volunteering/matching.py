"""The optimal assignment of needs to volunteers (DOMAIN.md, "Volunteer service": a batch
assignment that is optimal over all open needs, not greedy), as a min-cost maximum flow.

``assign(cost, capacity)`` takes a dense cost table; ``assign_sparse`` takes the allowed pairs
only, which is what the platform builds from the database (a few dozen candidates per need).
Both first serve as many needs as possible, then, among all such assignments, take one of the
least total cost. The network: source → need (capacity 1) → volunteer (capacity 1, the pair's
cost) → sink (the volunteer's capacity), solved by OR-Tools' ``SimpleMinCostFlow``
(``solve_max_flow_with_min_cost``). This module stands alone: no Django import.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from ortools.graph.python import min_cost_flow

Pair = tuple[int, int]

# Costs given as floats are scaled to integers (the solver works in int64) with this precision.
FLOAT_SCALE = 1_000_000
# The solver adds up costs along its paths; keeping every cost below this bound keeps the
# largest possible total (n needs × the largest cost) far from int64 overflow.
MAX_SCALED_COST = 1 << 40


class SolverError(RuntimeError):
    """The flow solver answered with something other than an optimum (a bug, never user input)."""


def assign(cost: Sequence[Sequence[float | int | None]], capacity: Sequence[int]) -> list[Pair]:
    """An optimal assignment: ``cost[i][j]`` is what volunteer ``j`` serving need ``i`` costs
    (``None``: not allowed), ``capacity[j]`` how many needs volunteer ``j`` may take.

    Each need gets at most one volunteer and no volunteer more than their capacity; the result
    serves the most needs possible and, among those assignments, has the least total cost.
    Returns ``(need_index, volunteer_index)`` pairs sorted by need.
    """
    n_needs = len(cost)
    n_volunteers = len(capacity)
    edges = []
    for i, row in enumerate(cost):
        if len(row) != n_volunteers:
            raise ValueError(f"cost row {i} has {len(row)} entries, capacity has {n_volunteers}")
        edges.extend((i, j, value) for j, value in enumerate(row) if value is not None)
    return assign_sparse(n_needs, n_volunteers, edges, capacity)


def _integer_costs(values: np.ndarray) -> np.ndarray:
    """Costs as non-negative int64: shifted so the least is 0 (which changes no optimum, since
    every served need adds exactly one cost and the number served is fixed first), and scaled
    when they are not whole numbers."""
    if values.size == 0:
        return values.astype(np.int64)
    if not np.all(np.isfinite(values)):
        raise ValueError("costs must be finite numbers (use None for a pair that is not allowed)")
    shifted = values - values.min()
    whole = bool(np.all(shifted == np.round(shifted)))
    scaled = shifted if whole else np.round(shifted * FLOAT_SCALE)
    if scaled.max() >= MAX_SCALED_COST:
        raise ValueError("costs span too wide a range for the solver; scale them down")
    return scaled.astype(np.int64)


def assign_sparse(
    n_needs: int,
    n_volunteers: int,
    edges: Iterable[tuple[int, int, float | int]],
    capacity: Sequence[int],
) -> list[Pair]:
    """``assign`` over the allowed pairs only: ``edges`` yields ``(need, volunteer, cost)``.

    A pair given twice counts with its lower cost. Volunteers of capacity 0 (or below) take
    nothing. Memory and time grow with the number of edges, not with needs × volunteers.
    """
    if len(capacity) != n_volunteers:
        raise ValueError(f"capacity has {len(capacity)} entries for {n_volunteers} volunteers")
    if isinstance(edges, np.ndarray):
        table = edges.reshape(-1, 3) if edges.size else np.empty((0, 3))
    else:
        table = np.array(list(edges), dtype=np.float64).reshape(-1, 3)
    if n_needs == 0 or n_volunteers == 0 or table.shape[0] == 0:
        return []
    needs = table[:, 0].astype(np.int64)
    volunteers = table[:, 1].astype(np.int64)
    if needs.min() < 0 or needs.max() >= n_needs or volunteers.min() < 0 or volunteers.max() >= n_volunteers:
        raise ValueError("an edge names a need or volunteer index out of range")
    costs = _integer_costs(table[:, 2].astype(np.float64))
    caps = np.asarray(capacity, dtype=np.int64)
    # Only pairs whose volunteer can take anything; a repeated pair keeps its lowest cost.
    usable = caps[volunteers] > 0
    needs, volunteers, costs = needs[usable], volunteers[usable], costs[usable]
    if needs.size == 0:
        return []
    order = np.lexsort((costs, volunteers, needs))
    needs, volunteers, costs = needs[order], volunteers[order], costs[order]
    first = np.ones(needs.size, dtype=bool)
    first[1:] = (needs[1:] != needs[:-1]) | (volunteers[1:] != volunteers[:-1])
    needs, volunteers, costs = needs[first], volunteers[first], costs[first]

    # Nodes: needs 0…n-1, volunteers n…n+m-1, then the source and the sink.
    source = n_needs + n_volunteers
    sink = source + 1
    served = np.unique(needs)
    taking = np.unique(volunteers)
    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        needs, volunteers + n_needs, np.ones(needs.size, dtype=np.int64), costs
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(served.size, source, dtype=np.int64),
        served,
        np.ones(served.size, dtype=np.int64),
        np.zeros(served.size, dtype=np.int64),
    )
    # A volunteer never takes more needs than have an edge to them: a tighter bound, same answer.
    edge_counts = np.bincount(volunteers, minlength=n_volunteers)[taking]
    flow.add_arcs_with_capacity_and_unit_cost(
        taking + n_needs,
        np.full(taking.size, sink, dtype=np.int64),
        np.minimum(caps[taking], edge_counts),
        np.zeros(taking.size, dtype=np.int64),
    )
    # Max flow runs from the nodes with positive supply to those with negative supply.
    flow.set_node_supply(source, int(served.size))
    flow.set_node_supply(sink, -int(served.size))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    flows = flow.flows(pair_arcs)
    chosen = np.nonzero(flows)[0]
    return [(int(needs[k]), int(volunteers[k])) for k in chosen]


def total_cost(cost: Sequence[Sequence[float | int | None]], pairs: Iterable[Pair]) -> float:
    """The total cost of ``pairs`` in a dense table (``math.inf`` if a pair is not allowed)."""
    total = 0.0
    for i, j in pairs:
        value = cost[i][j]
        if value is None:
            return math.inf
        total += value
    return total
