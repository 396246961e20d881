"""State changes of an election (换届选举), from the draft to the superior committee's approval.

Each function checks the permission over the election's organization, applies the rule of
《中国共产党基层组织选举工作条例》 it is about, writes the change with its audit line in one
transaction and raises RuleViolation with a message naming the article. Pages and the API call
these; nothing here trusts the caller to have checked anything.

The states: draft → candidates confirmed → voting → counted → submitted → approved / rejected.
One module per stage: ``drafting``, ``candidates``, ``voting``, ``counting`` (with further
rounds), ``approval``; ``common`` holds the rules' numbers and the shared checks.
"""

from __future__ import annotations

from dangjian.elections.services.approval import (
    approve_results,
    can_decide,
    reject_results,
    submit_results,
    superior_of,
)
from dangjian.elections.services.candidates import (
    add_candidate,
    confirm_candidates,
    remove_candidate,
)
from dangjian.elections.services.common import (
    ADD,
    ARTICLE_MAJORITY,
    ARTICLE_MARGIN,
    ARTICLE_QUORUM,
    ARTICLE_TIE,
    ARTICLE_VOTE,
    CHANGE,
    EDITABLE_FIELDS,
    MARGIN,
    SECRETARY_SEATS,
    VIEW,
    minimum_candidates,
    quorum_reached,
    voter_for,
    voters,
)
from dangjian.elections.services.counting import (
    close_and_count,
    further_round_pool,
    further_round_reason,
    open_further_round,
    reduce_seats,
)
from dangjian.elections.services.drafting import (
    create_election,
    update_election,
)
from dangjian.elections.services.exclusions import (
    exclude_voter,
    expected_voters,
)
from dangjian.elections.services.officers import (
    approve_officers,
    reject_officers,
    report_officers,
)
from dangjian.elections.services.voting import (
    VoteReceipt,
    ballot_candidates,
    ballot_refusal,
    cast_ballot,
    current_round,
    enter_paper_ballot,
    open_voting,
    seats_on_ballot,
)

__all__ = [
    "ADD",
    "ARTICLE_MAJORITY",
    "ARTICLE_MARGIN",
    "ARTICLE_QUORUM",
    "ARTICLE_TIE",
    "ARTICLE_VOTE",
    "CHANGE",
    "EDITABLE_FIELDS",
    "MARGIN",
    "SECRETARY_SEATS",
    "VIEW",
    "VoteReceipt",
    "add_candidate",
    "approve_officers",
    "approve_results",
    "ballot_candidates",
    "ballot_refusal",
    "can_decide",
    "cast_ballot",
    "close_and_count",
    "confirm_candidates",
    "create_election",
    "current_round",
    "enter_paper_ballot",
    "exclude_voter",
    "expected_voters",
    "further_round_pool",
    "further_round_reason",
    "minimum_candidates",
    "open_further_round",
    "open_voting",
    "quorum_reached",
    "reduce_seats",
    "reject_officers",
    "reject_results",
    "remove_candidate",
    "report_officers",
    "seats_on_ballot",
    "submit_results",
    "superior_of",
    "update_election",
    "voter_for",
    "voters",
]
