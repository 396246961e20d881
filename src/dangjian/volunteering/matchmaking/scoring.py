"""How well a volunteer fits a need: a score out of 100 with its reasons, and its cost for the solver.

Four parts, in the order the reasons are shown (DOMAIN.md, "Volunteer service": skill, distance,
overlapping time, current load):

- skill (40): the share of the need's wanted skills the volunteer has; a need asking for no skill
  is fitted fully;
- distance by the area tree (30): same grid 30, same community 20, same street 10, elsewhere 0;
- time (20): overlapping slots of the weekly availability (three or more give all 20); a need
  with no times stated can be served any time;
- load (10): the share of the volunteer's capacity still free. Capacity counts needs at once:
  ``max(1, capacity_hours // 2)`` (a need takes about two hours a month), less the needs assigned
  to them and not yet met.

The cost the solver minimises is ``100 − score``. ``score_table`` computes the same numbers for
many pairs at once with numpy (the batch proposal); a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext, ngettext

SKILL_POINTS = 40
DISTANCE_POINTS = {3: 30, 2: 20, 1: 10, 0: 0}
TIME_POINTS = 20
TIME_SLOTS_FOR_FULL = 3
LOAD_POINTS = 10
MAX_SCORE = SKILL_POINTS + DISTANCE_POINTS[3] + TIME_POINTS + LOAD_POINTS

SAME_GRID, SAME_COMMUNITY, SAME_STREET, ELSEWHERE = 3, 2, 1, 0
HOURS_PER_NEED = 2


def slots_of(capacity_hours: int) -> int:
    """How many needs a volunteer may hold at once, from their hours per month."""
    return max(1, int(capacity_hours) // HOURS_PER_NEED)


def distance_level(volunteer_path: str, grid_path: str, community_path: str, street_path: str) -> int:
    """Same grid (3), same community (2), same street (1) or elsewhere (0), by area paths."""
    if grid_path and volunteer_path.startswith(grid_path):
        return SAME_GRID
    if community_path and volunteer_path.startswith(community_path):
        return SAME_COMMUNITY
    if street_path and volunteer_path.startswith(street_path):
        return SAME_STREET
    return ELSEWHERE


@dataclass(frozen=True)
class Fit:
    """The parts of one volunteer's fit for one need, as stored on a proposed pair."""

    skill_matched: int
    skill_wanted: int
    distance: int
    slots_overlap: int
    need_any_time: bool
    load: int
    slots: int
    skill_names: tuple[str, ...] = field(default=())

    @property
    def skill_points(self) -> int:
        if self.skill_wanted == 0:
            return SKILL_POINTS
        return SKILL_POINTS * self.skill_matched // self.skill_wanted

    @property
    def distance_points(self) -> int:
        return DISTANCE_POINTS[self.distance]

    @property
    def time_points(self) -> int:
        if self.need_any_time:
            return TIME_POINTS
        return TIME_POINTS * min(self.slots_overlap, TIME_SLOTS_FOR_FULL) // TIME_SLOTS_FOR_FULL

    @property
    def load_points(self) -> int:
        free = max(0, self.slots - self.load)
        return LOAD_POINTS * free // max(1, self.slots)

    @property
    def score(self) -> int:
        return self.skill_points + self.distance_points + self.time_points + self.load_points

    @property
    def cost(self) -> int:
        return MAX_SCORE - self.score

    @property
    def is_full(self) -> bool:
        return self.load >= self.slots

    def reasons(self) -> list[str]:
        """The reasons in Chinese (via gettext), in the fixed order skill, distance, time, load."""
        return [self.skill_reason(), self.distance_reason(), self.time_reason(), self.load_reason()]

    def skill_reason(self) -> str:
        if self.skill_wanted == 0:
            return gettext("No particular skill asked")
        if self.skill_matched == 0:
            return gettext("Has none of the %(wanted)d skills asked") % {"wanted": self.skill_wanted}
        text = gettext("Has %(matched)d of %(wanted)d skills asked") % {
            "matched": self.skill_matched,
            "wanted": self.skill_wanted,
        }
        if self.skill_names:
            text += gettext(" (%(names)s)") % {"names": "、".join(self.skill_names)}
        return text

    def distance_reason(self) -> str:
        return {
            SAME_GRID: gettext("Lives in the same grid"),
            SAME_COMMUNITY: gettext("Lives in the same community"),
            SAME_STREET: gettext("Lives in the same street"),
            ELSEWHERE: gettext("Lives outside the street"),
        }[self.distance]

    def time_reason(self) -> str:
        if self.need_any_time:
            return gettext("The need can be served any time")
        if self.slots_overlap == 0:
            return gettext("No free time when the need can be served")
        return ngettext(
            "Free in %(count)d slot when the need can be served",
            "Free in %(count)d slots when the need can be served",
            self.slots_overlap,
        ) % {"count": self.slots_overlap}

    def load_reason(self) -> str:
        if self.is_full:
            return gettext("Already holds %(load)d needs, all of their capacity (%(slots)d)") % {
                "load": self.load,
                "slots": self.slots,
            }
        return gettext("Holds %(load)d of %(slots)d needs") % {"load": self.load, "slots": self.slots}


def fit(
    *,
    need_skills: set[int],
    volunteer_skills: set[int],
    distance: int,
    need_availability: int,
    volunteer_availability: int,
    load: int,
    capacity_hours: int,
    skill_names: tuple[str, ...] = (),
) -> Fit:
    """The fit of one volunteer for one need."""
    return Fit(
        skill_matched=len(need_skills & volunteer_skills),
        skill_wanted=len(need_skills),
        distance=distance,
        slots_overlap=(need_availability & volunteer_availability).bit_count(),
        need_any_time=need_availability == 0,
        load=load,
        slots=slots_of(capacity_hours),
        skill_names=skill_names,
    )


# --- many pairs at once (the batch) -----------------------------------------------------------
#
# The same arithmetic on numpy arrays, in uint8 (every part and the sum fit: the maximum is 100),
# through small lookup tables instead of divisions. ``pair_parts`` takes index arrays that
# broadcast: a block of needs (r × 1) against a ring of volunteers (1 × c), or the chosen pairs
# (two aligned 1-D arrays).

# SKILL_TABLE[wanted, matched]: the skill points (a need wants at most MAX_WANTED skills here).
MAX_WANTED = 63
SKILL_TABLE = np.array(
    [
        [SKILL_POINTS if w == 0 else SKILL_POINTS * min(m, w) // w for m in range(MAX_WANTED + 1)]
        for w in range(MAX_WANTED + 1)
    ],
    dtype=np.uint8,
)
# TIME_TABLE[overlapping slots] for a need with stated times (21 slots at most).
TIME_TABLE = np.array(
    [TIME_POINTS * min(o, TIME_SLOTS_FOR_FULL) // TIME_SLOTS_FOR_FULL for o in range(33)], dtype=np.uint8
)
DISTANCE_TABLE = np.array([DISTANCE_POINTS[level] for level in range(4)], dtype=np.uint8)


@dataclass
class NeedArrays:
    """The needs of a batch: skill bits (one uint64 word per 64 skills), place and times."""

    skill_words: np.ndarray  # (n, words) uint64
    grid: np.ndarray  # (n,) int64, -1 when the need lies above a grid
    community: np.ndarray  # (n,) int64, -1 when above a community
    availability: np.ndarray  # (n,) uint32

    def __post_init__(self) -> None:
        wanted = np.bitwise_count(self.skill_words).sum(axis=1)
        self.wanted = np.minimum(wanted, MAX_WANTED).astype(np.intp)
        self.any_time = self.availability == 0


@dataclass
class VolunteerArrays:
    skill_words: np.ndarray  # (m, words) uint64
    grid: np.ndarray
    community: np.ndarray
    availability: np.ndarray
    load: np.ndarray  # (m,) int64
    slots: np.ndarray  # (m,) int64

    def __post_init__(self) -> None:
        free = np.maximum(0, self.slots - self.load)
        self.load_points = (LOAD_POINTS * free // np.maximum(1, self.slots)).astype(np.uint8)


def pair_parts(
    needs: NeedArrays, volunteers: VolunteerArrays, need_index, volunteer_index
) -> dict[str, np.ndarray]:
    """The score and its parts of the pairs (need_index, volunteer_index), broadcast together.

    Every volunteer is taken to be in the needs' street (the batch reads only those), so the
    distance is at least "same street".
    """
    matched = np.zeros(np.broadcast_shapes(np.shape(need_index), np.shape(volunteer_index)), dtype=np.uint8)
    for word in range(needs.skill_words.shape[1]):
        matched += np.bitwise_count(
            needs.skill_words[need_index, word] & volunteers.skill_words[volunteer_index, word]
        )
    wanted = needs.wanted[need_index]
    skill = SKILL_TABLE[wanted, np.minimum(matched, MAX_WANTED)]
    grid = needs.grid[need_index]
    community = needs.community[need_index]
    same_grid = (grid >= 0) & (grid == volunteers.grid[volunteer_index])
    same_community = (community >= 0) & (community == volunteers.community[volunteer_index])
    distance = np.where(
        same_grid,
        np.uint8(SAME_GRID),
        np.where(same_community, np.uint8(SAME_COMMUNITY), np.uint8(SAME_STREET)),
    )
    overlap = np.bitwise_count(needs.availability[need_index] & volunteers.availability[volunteer_index])
    time = np.where(needs.any_time[need_index], np.uint8(TIME_POINTS), TIME_TABLE[overlap])
    score = skill + DISTANCE_TABLE[distance] + time + volunteers.load_points[volunteer_index]
    return {
        "score": score,
        "matched": matched,
        "wanted": np.broadcast_to(wanted, score.shape),
        "distance": distance,
        "overlap": overlap,
    }
