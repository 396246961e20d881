"""The batch's numpy scoring gives the single-need scores, and its ring-by-ring search finds each
need's best volunteers as scoring every pair would."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.volunteering.matchmaking.batch import _top_pairs
from dangjian.volunteering.matchmaking.scoring import NeedArrays, VolunteerArrays, fit, pair_parts

SKILLS = 70  # more than one 64-bit word


def _words(skill_sets: list[set[int]]) -> np.ndarray:
    table = np.zeros((len(skill_sets), 2), dtype=np.uint64)
    for row, skills in enumerate(skill_sets):
        for skill in skills:
            table[row, skill // 64] |= np.uint64(1) << np.uint64(skill % 64)
    return table


@st.composite
def batches(draw):
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 40))
    skill_set = st.sets(st.integers(0, SKILLS - 1), max_size=3)
    # Grid g lies in community g // 2; -1 marks a need or volunteer above a grid.
    grid = st.integers(-1, 5)
    times = st.integers(0, (1 << 21) - 1) | st.just(0)
    need_skills = [draw(skill_set) for _ in range(n)]
    need_grids = [draw(grid) for _ in range(n)]
    need_times = [draw(times) for _ in range(n)]
    vol_skills = [draw(skill_set) for _ in range(m)]
    vol_grids = [draw(grid) for _ in range(m)]
    vol_times = [draw(times) for _ in range(m)]
    vol_slots = [draw(st.integers(1, 5)) for _ in range(m)]
    vol_load = [draw(st.integers(0, 5)) for _ in range(m)]
    return need_skills, need_grids, need_times, vol_skills, vol_grids, vol_times, vol_slots, vol_load


def _community(grid: int) -> int:
    return grid // 2 if grid >= 0 else 0


def _arrays(batch):
    need_skills, need_grids, need_times, vol_skills, vol_grids, vol_times, vol_slots, vol_load = batch

    def community(grids):
        return np.array([_community(g) for g in grids], dtype=np.int64)

    needs = NeedArrays(
        skill_words=_words(need_skills),
        grid=np.array(need_grids, dtype=np.int64),
        community=community(need_grids),
        availability=np.array(need_times, dtype=np.uint32),
    )
    volunteers = VolunteerArrays(
        skill_words=_words(vol_skills),
        grid=np.array(vol_grids, dtype=np.int64),
        community=community(vol_grids),
        availability=np.array(vol_times, dtype=np.uint32),
        load=np.array(vol_load, dtype=np.int64),
        slots=np.array(vol_slots, dtype=np.int64),
    )
    return needs, volunteers


@settings(max_examples=200, deadline=None)
@given(batches())
def test_numpy_scores_equal_the_single_need_scores(batch):
    need_skills, need_grids, need_times, vol_skills, vol_grids, vol_times, vol_slots, vol_load = batch
    needs, volunteers = _arrays(batch)
    table = pair_parts(
        needs, volunteers, np.arange(len(need_skills))[:, None], np.arange(len(vol_skills))[None, :]
    )
    for i in range(len(need_skills)):
        for j in range(len(vol_skills)):
            if need_grids[i] >= 0 and need_grids[i] == vol_grids[j]:
                distance = 3
            elif _community(need_grids[i]) == _community(vol_grids[j]):
                distance = 2
            else:
                distance = 1
            expected = fit(
                need_skills=need_skills[i],
                volunteer_skills=vol_skills[j],
                distance=distance,
                need_availability=need_times[i],
                volunteer_availability=vol_times[j],
                load=vol_load[j],
                capacity_hours=vol_slots[j] * 2,
            )
            assert int(table["score"][i, j]) == expected.score
            assert int(table["distance"][i, j]) == distance
            assert int(table["matched"][i, j]) == expected.skill_matched


@settings(max_examples=200, deadline=None)
@given(batches(), st.integers(1, 8))
def test_ring_by_ring_search_keeps_the_k_best_scores_of_every_need(batch, k):
    needs, volunteers = _arrays(batch)
    m = volunteers.grid.shape[0]
    k = min(k, m)
    full = pair_parts(needs, volunteers, np.arange(needs.grid.shape[0])[:, None], np.arange(m)[None, :])[
        "score"
    ]
    cols, scores = _top_pairs(needs, volunteers, k)
    for row in range(needs.grid.shape[0]):
        assert sorted(scores[row].tolist(), reverse=True) == sorted(full[row].tolist(), reverse=True)[:k]
        assert all(
            int(full[row, col]) == int(score) for col, score in zip(cols[row], scores[row], strict=True)
        )
        assert len(set(cols[row].tolist())) == k
