"""Permission table of the election API (/api/v1/elections): secretary_a of 社区A, elections of
社区B's branch out of scope (404); the ballot row is cast by secretary_a as a voter of the branch."""

from __future__ import annotations

from dangjian.elections.choices import ElectionState
from tests.elections.routes import DENIED, _voter, election, short, voting_with_secretary
from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def a(state):
    return lambda world: {"id": election(world.branch_a1, state).pk}


def b(state):
    return lambda world: {"id": election(world.branch_b1, state).pk}


def _candidate(world, org) -> dict:
    current = election(org, ElectionState.DRAFT)
    return {"id": current.pk, "candidate_id": current.candidates.first().pk}


def _step(name: str, state: str, data=lambda world: {}, **options) -> Route:
    return _api(
        name,
        method="post",
        json=True,
        in_scope=a(state),
        out_of_scope=b(state),
        data=data,
        denied_persona=DENIED,
        **options,
    )


def _create(world) -> dict:
    from django.utils import timezone

    starts = timezone.now() + timezone.timedelta(days=3)
    return {
        "org_id": world.branch_a1.pk,
        "title": "第五届支部委员会换届选举",
        "seats": 3,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timezone.timedelta(hours=2)).isoformat(),
    }


def _new_member(world) -> dict:
    from tests.elections.helpers import add_voters

    return {"member_id": add_voters(world.branch_a1, 1)[0].pk}


DRAFT, CONFIRMED, VOTING = ElectionState.DRAFT, ElectionState.CONFIRMED, ElectionState.VOTING
COUNTED, SUBMITTED = ElectionState.COUNTED, ElectionState.SUBMITTED

ROUTES: list[Route] = [
    # The list is scoped rather than refused: its scoping is tested in test_api.py.
    _api("election_list", denied_persona="resident"),
    _api(
        "election_create", method="post", json=True, data=_create, allowed_status=201, denied_persona=DENIED
    ),
    _api("election_detail", in_scope=a(DRAFT), out_of_scope=b(DRAFT), denied_persona="resident"),
    _step("election_candidate_add", DRAFT, _new_member, allowed_status=201),
    _api(
        "election_candidate_remove",
        method="delete",
        in_scope=lambda w: _candidate(w, w.branch_a1),
        out_of_scope=lambda w: _candidate(w, w.branch_b1),
        denied_persona=DENIED,
    ),
    _api(
        "election_update",
        method="patch",
        json=True,
        in_scope=a(DRAFT),
        out_of_scope=b(DRAFT),
        data=lambda w: {"version": election(w.branch_a1, DRAFT).version, "seats": 4},
        denied_persona=DENIED,
    ),
    _api(
        "election_further_round",
        method="post",
        json=True,
        in_scope=lambda w: {"id": short(w.branch_a1).pk},
        out_of_scope=lambda w: {"id": short(w.branch_b1).pk},
        data=lambda w: {},
        allowed_status=201,
        denied_persona=DENIED,
    ),
    _step("election_confirm", DRAFT),
    _step("election_open", CONFIRMED),
    _step(
        "election_paper_ballot",
        VOTING,
        lambda w: {"voter_id": _voter(w), "candidate_ids": []},
        allowed_status=201,
    ),
    _step("election_count", VOTING, lambda w: {"present": election(w.branch_a1, VOTING).expected_voters}),
    _step("election_submit", COUNTED),
    _step("election_approve", SUBMITTED, lambda w: {"note": "同意"}),
    _step("election_reject", SUBMITTED, lambda w: {"reason": "材料不全"}),
    _api(
        "election_ballot",
        method="post",
        json=True,
        in_scope=lambda w: {"id": voting_with_secretary(w)["pk"]},
        out_of_scope=b(VOTING),
        data=lambda w: {"candidate_ids": []},
        allowed_status=201,
        denied_persona="resident",
        two_roles="403",
    ),
]
