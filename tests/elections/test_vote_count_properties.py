"""Properties of the vote counts' thresholds, as exact fractions (DOMAIN.md "Elections",
"Developing members"): an election is valid with more than 4/5 of the voters expected present
(选举工作条例), and a 支部大会 on an admission needs more than half of 应到会有表决权 present and more
than half of them in favour (发展党员工作细则 第二十条、第二十一条) — exactly half is not enough."""

from __future__ import annotations

import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from dangjian.development.rules import Context, evaluate
from dangjian.elections.services.common import quorum_reached

VOTE_RULE = {"kind": "vote"}


@given(expected=st.integers(min_value=1, max_value=2000), data=st.data())
def test_an_election_has_a_quorum_exactly_when_more_than_four_fifths_are_present(expected, data):
    present = data.draw(st.integers(min_value=0, max_value=expected))

    assert quorum_reached(present, expected) == (Fraction(present, expected) > Fraction(4, 5))


@given(expected=st.integers(min_value=1, max_value=400).map(lambda n: n * 5))
def test_exactly_four_fifths_present_is_no_quorum_and_one_more_is(expected):
    four_fifths = expected * 4 // 5

    assert not quorum_reached(four_fifths, expected)
    assert quorum_reached(four_fifths + 1, expected)


def _admission_vote(voters: int, present: int, in_favour: int, against: int, abstain: int):
    ctx = Context(
        date=datetime.date(2026, 6, 1),
        birth_date=None,
        source="",
        values={"present": present, "in_favour": in_favour, "against": against, "abstain": abstain},
        done={},
        step_names={},
    )
    ctx.voters = voters
    return evaluate([VOTE_RULE], ctx).errors


@st.composite
def meetings(draw):
    """A branch of ``voters`` with some present and their votes (no written opinions)."""
    voters = draw(st.integers(min_value=1, max_value=300))
    present = draw(st.integers(min_value=0, max_value=voters))
    in_favour = draw(st.integers(min_value=0, max_value=present))
    against = draw(st.integers(min_value=0, max_value=present - in_favour))
    abstain = draw(st.integers(min_value=0, max_value=present - in_favour - against))
    return voters, present, in_favour, against, abstain


@given(meeting=meetings())
def test_an_admission_passes_exactly_with_more_than_half_present_and_in_favour(meeting):
    voters, present, in_favour, against, abstain = meeting
    half = Fraction(voters, 2)

    passed = _admission_vote(voters, present, in_favour, against, abstain) == []

    assert passed == (present > half and in_favour > half)


@given(half=st.integers(min_value=1, max_value=150))
def test_exactly_half_in_favour_of_an_even_branch_does_not_pass(half):
    voters = 2 * half

    assert _admission_vote(voters, voters, half, voters - half, 0) != []
    assert _admission_vote(voters, voters, half + 1, voters - half - 1, 0) == []
