"""The solver ``dangjian.volunteering.matching.assign``: most needs served, then least total cost,
within every capacity — checked against brute force on small random instances."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.volunteering.matching import assign, assign_sparse, total_cost


def brute_force(cost, capacity) -> tuple[int, float]:
    """(needs served, least total cost) over every way to give each need one volunteer or none."""
    n_needs, n_volunteers = len(cost), len(capacity)
    best = (0, 0.0)
    for choice in itertools.product([None, *range(n_volunteers)], repeat=n_needs):
        taken = [0] * n_volunteers
        total = 0.0
        allowed = True
        for i, j in enumerate(choice):
            if j is None:
                continue
            if cost[i][j] is None:
                allowed = False
                break
            taken[j] += 1
            total += cost[i][j]
        if not allowed or any(t > c for t, c in zip(taken, capacity, strict=True)):
            continue
        served = sum(j is not None for j in choice)
        if served > best[0] or (served == best[0] and total < best[1]):
            best = (served, total)
    return best


def check_valid(cost, capacity, pairs) -> None:
    needs = [i for i, _j in pairs]
    assert len(needs) == len(set(needs)), "a need got two volunteers"
    for i, j in pairs:
        assert cost[i][j] is not None, "a pair that is not allowed"
    for j, limit in enumerate(capacity):
        assert sum(1 for _i, v in pairs if v == j) <= max(limit, 0)


SMALL_COSTS = st.integers(min_value=0, max_value=9)


@st.composite
def instances(draw, values=SMALL_COSTS):
    n_needs = draw(st.integers(min_value=0, max_value=5))
    n_volunteers = draw(st.integers(min_value=0, max_value=4))
    cost = [[draw(st.one_of(st.none(), values)) for _j in range(n_volunteers)] for _i in range(n_needs)]
    capacity = [draw(st.integers(min_value=0, max_value=3)) for _j in range(n_volunteers)]
    return cost, capacity


@settings(max_examples=300, deadline=None)
@given(instances())
def test_assign_serves_the_most_needs_at_the_least_cost_as_brute_force_does(instance):
    cost, capacity = instance
    pairs = assign(cost, capacity)
    check_valid(cost, capacity, pairs)
    served, least = brute_force(cost, capacity)
    assert len(pairs) == served
    assert total_cost(cost, pairs) == least


@settings(max_examples=150, deadline=None)
@given(instances(values=st.integers(min_value=-50, max_value=50)))
def test_negative_costs_change_nothing_about_serving_the_most_needs(instance):
    cost, capacity = instance
    pairs = assign(cost, capacity)
    check_valid(cost, capacity, pairs)
    assert (len(pairs), total_cost(cost, pairs)) == brute_force(cost, capacity)


@settings(max_examples=150, deadline=None)
@given(instances(values=st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda x: round(x, 3))))
def test_fractional_costs_are_solved_to_their_precision(instance):
    cost, capacity = instance
    pairs = assign(cost, capacity)
    check_valid(cost, capacity, pairs)
    served, least = brute_force(cost, capacity)
    assert len(pairs) == served
    assert total_cost(cost, pairs) == pytest.approx(least, abs=1e-6 * max(served, 1))


def test_more_needs_than_capacity_serves_as_many_as_capacity_allows_at_least_cost():
    cost = [[5, 1], [4, 2], [3, 9], [1, 1]]
    pairs = assign(cost, [1, 1])
    assert len(pairs) == 2
    assert total_cost(cost, pairs) == 2  # need 0 or 3 with volunteer 1, need 3 or … with 0: 1 + 1


def test_serving_more_needs_comes_before_a_lower_cost():
    # Volunteer 0 is cheap for need 0, but only volunteer 0 can serve need 1: both are served.
    cost = [[1, 100], [50, None]]
    assert sorted(assign(cost, [1, 1])) == [(0, 1), (1, 0)]


def test_ties_give_one_optimal_answer_every_time():
    cost = [[1, 1, 1], [1, 1, 1]]
    first = assign(cost, [1, 1, 1])
    assert len(first) == 2 and total_cost(cost, first) == 2
    assert all(assign(cost, [1, 1, 1]) == first for _ in range(5))


@pytest.mark.parametrize(
    ("cost", "capacity"),
    [([], []), ([], [1, 2]), ([[], []], []), ([[None, None]], [1, 1]), ([[3, 4]], [0, 0])],
)
def test_nothing_to_assign_gives_no_pairs(cost, capacity):
    assert assign(cost, capacity) == []


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        assign([[1, 2], [1]], [1, 1])


def test_sparse_edges_keep_the_cheaper_of_a_repeated_pair_and_check_indexes():
    assert assign_sparse(1, 1, [(0, 0, 9), (0, 0, 2)], [1]) == [(0, 0)]
    with pytest.raises(ValueError):
        assign_sparse(1, 1, [(1, 0, 1)], [1])
    with pytest.raises(ValueError):
        assign_sparse(1, 1, [(0, 0, float("inf"))], [1])


def test_sparse_and_dense_agree():
    cost = [[3, None, 1], [None, 2, 2], [4, 4, None]]
    edges = [(i, j, c) for i, row in enumerate(cost) for j, c in enumerate(row) if c is not None]
    assert assign_sparse(3, 3, edges, [1, 1, 1]) == assign(cost, [1, 1, 1])


def test_pairs_come_sorted_by_need():
    cost = [[1, 2], [2, 1], [1, 1]]
    pairs = assign(cost, [2, 2])
    assert pairs == sorted(pairs)
