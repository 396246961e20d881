"""Generator step: a few elections (换届选举) in various states for the demo and benchmark data.

At the community scale three branches get one election each: the demo member's grid branch is
voting now (so the 党员 login can vote on a phone), another is a draft with its candidates, a third
is the approved election of its current committee. At the district scale every street gets a few,
in the same cycle of states. Everything is bulk-inserted, chosen with ``generator.rng`` over
rows sorted by path, so the data is the same on every run.
"""

from __future__ import annotations

import datetime
import uuid

from django.db.models import Count
from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.elections.choices import ElectionKind, ElectionState, VoteMethod
from dangjian.elections.models import Ballot, Candidate, Election, VoteRecord
from dangjian.elections.services import minimum_candidates
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.members.voters import restricted_on
from dangjian.orgs.choices import BRANCH_KINDS, OrgKind
from dangjian.orgs.models import Committee, CommitteeMember, Organization

SEATS = 3
PER_STREET = 3
STATES = [ElectionState.VOTING, ElectionState.DRAFT, ElectionState.APPROVED]


def _branches(generator) -> list[Organization]:
    """Branches with enough 正式党员 for a committee (7, 支部工作条例 第二十条), in path order; the demo
    member's branch first so that their login has a ballot."""
    counts = dict(
        PartyMember.objects.filter(is_active=True, status=MemberStatus.FULL, org__kind__in=BRANCH_KINDS)
        .values("org_id")
        .annotate(total=Count("id"))
        .order_by()
        .values_list("org_id", "total")
    )
    eligible = [pk for pk, total in counts.items() if total >= 7]
    branches = list(Organization.objects.filter(pk__in=eligible, is_active=True).order_by("path"))
    community = generator.anchors.community_org
    if generator.scale.name == "community" and community is not None:
        # The demo logins of the community see its own elections first.
        inside = [branch for branch in branches if branch.path.startswith(community.path)]
        branches = inside if len(inside) >= len(STATES) else branches
    streets = list(Organization.objects.filter(kind=OrgKind.WORKING_COMMITTEE).order_by("path"))
    chosen: list[Organization] = []
    anchor = generator.anchors.grid_branch
    if anchor is not None and anchor.pk in eligible:
        chosen.append(next(branch for branch in branches if branch.pk == anchor.pk))
    for street in streets or [None]:
        inside = [b for b in branches if street is None or b.path.startswith(street.path)]
        inside = [b for b in inside if b not in chosen]
        wanted = PER_STREET - sum(1 for c in chosen if street is None or c.path.startswith(street.path))
        chosen += generator.rng.sample(inside, min(len(inside), wanted))
        if generator.scale.name == "community":
            break
    return chosen


@generator_step("elections", order=50)
def generate_elections(generator) -> int:
    rng = generator.rng
    now = timezone.now()
    branches = _branches(generator)
    if not branches:
        return 0
    voters_by_org: dict[int, list[PartyMember]] = {}
    for member in (
        PartyMember.objects.filter(org__in=branches, is_active=True, status=MemberStatus.FULL)
        .exclude(restricted_on(generator.today))
        .only("id", "org_id", "person_id")
        .order_by("org_id", "id")
    ):
        voters_by_org.setdefault(member.org_id, []).append(member)
    committees = {c.org_id: c for c in Committee.objects.filter(org__in=branches, is_current=True)}
    sitting: dict[int, set[int]] = {}
    for seat in CommitteeMember.objects.filter(committee__in=committees.values(), ended_on__isnull=True):
        sitting.setdefault(seat.committee_id, set()).add(seat.person_id)

    elections: list[Election] = []
    plans: list[tuple[Election, list[PartyMember], set[int]]] = []
    for index, branch in enumerate(branches):
        state = STATES[index % len(STATES)]
        committee = committees.get(branch.pk)
        if state == ElectionState.APPROVED and committee is None:
            state = ElectionState.DRAFT
        voters = voters_by_org[branch.pk]
        if state == ElectionState.APPROVED:
            starts_at = timezone.make_aware(datetime.datetime.combine(committee.elected_on, datetime.time(9)))
            seated = sitting.get(committee.pk, set())
            seats = max(SEATS, min(len([v for v in voters if v.person_id in seated]), 5))
        else:
            starts_at = (
                now - datetime.timedelta(minutes=30)
                if state == ElectionState.VOTING
                else now + datetime.timedelta(days=rng.randint(7, 40))
            )
            seated = set()
            seats = SEATS
        needed = minimum_candidates(seats)
        pool = [v for v in voters if v.person_id in seated] + [v for v in voters if v.person_id not in seated]
        candidates = pool[: max(needed, min(len(pool), needed + rng.randint(0, 1)))]
        election = Election(
            org=branch,
            kind=ElectionKind.COMMITTEE,
            title=f"{branch.name}换届选举",
            seats=seats,
            term_years=branch.default_term_years,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3),
            state=state,
        )
        if state in (ElectionState.VOTING, ElectionState.APPROVED):
            election.expected_voters = len(voters)
        if state == ElectionState.APPROVED:
            present = max(len(voters) * 4 // 5 + 1, len(voters) - rng.randint(0, 2))
            election.present_voters = election.ballots_cast = present
            election.valid_ballots = present - rng.randint(0, 1)
            election.counted_at = election.submitted_at = election.decided_at = (
                starts_at + datetime.timedelta(hours=2)
            )
            election.committee = committee
            election.decision_note = "同意。"
        elections.append(election)
        plans.append((election, candidates, seated))
    generator.insert(Election, elections, "elections")

    rows: list[Candidate] = []
    for election, candidates, _seated in plans:
        for order, member in enumerate(candidates, start=1):
            # The sitting members of the committee come first in the pool: they won the seats.
            elected = election.state == ElectionState.APPROVED and order <= election.seats
            votes = 0
            if election.state == ElectionState.APPROVED:
                half = election.present_voters // 2 + 1
                votes = rng.randint(half, election.valid_ballots) if elected else rng.randint(0, half - 1)
            rows.append(
                Candidate(election=election, member=member, order=order, votes_for=votes, elected=elected)
            )
    generator.insert(Candidate, rows, "election candidates")
    by_election: dict[int, list[Candidate]] = {}
    for candidate in rows:
        by_election.setdefault(candidate.election_id, []).append(candidate)

    # About half of the voters of a voting election have voted (the demo member has not): a record
    # of each having voted, and the ballots in the box, unlinked and in a shuffled order.
    records: list[VoteRecord] = []
    ballots: list[Ballot] = []
    choices: list[list[Candidate]] = []
    demo = generator.anchors.member
    demo_person = demo.person.pk if demo is not None else None
    today = timezone.localdate(now)
    for election, _candidates, _seated in plans:
        if election.state != ElectionState.VOTING:
            continue
        options = by_election[election.pk]
        box: list[list[Candidate]] = []
        for voter in voters_by_org[election.org_id]:
            if voter.person_id == demo_person or rng.random() < 0.5:
                continue
            records.append(
                VoteRecord(election=election, voter=voter, method=VoteMethod.PAPER, recorded_on=today)
            )
            box.append(rng.sample(options, rng.randint(1, election.seats)))
        rng.shuffle(box)
        for marked in box:
            # Random keys from the seeded generator, so the demo is the same on every run.
            ballots.append(Ballot(id=uuid.UUID(int=rng.getrandbits(128), version=4), election=election))
            choices.append(marked)
    generator.insert(VoteRecord, records, "vote records")
    generator.insert(Ballot, ballots, "ballots")
    through = Ballot.choices.through
    links = [
        through(ballot_id=ballot.pk, candidate_id=c.pk)
        for ballot, marked in zip(ballots, choices, strict=True)
        for c in marked
    ]
    generator.insert(through, links, "ballot choices")
    return len(elections) + len(rows) + len(records) + len(ballots) + len(links)
