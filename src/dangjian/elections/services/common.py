"""What every stage of an election shares: the permissions, the 条例's numbers and articles,
who may vote, and the lock and state checks of a state change."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.scoping import check_perm
from dangjian.elections.choices import ElectionKind
from dangjian.elections.models import Election
from dangjian.members.models import PartyMember
from dangjian.members.voters import members_with_a_vote
from dangjian.orgs.models import Organization

ADD = "elections.add_election"
CHANGE = "elections.change_election"
VIEW = "elections.view_election"

# 《中国共产党基层组织选举工作条例》 (2020) is cited by its own article numbers where DOMAIN.md
# confirms one (第五条: who votes and stands); elsewhere the document is cited without a number
# (never the 1990 暂行条例's numbering).
REGULATION = "《中国共产党基层组织选举工作条例》"
# Candidates exceed the seats by at least 20% (差额).
MARGIN = 0.2
# The meeting is valid with more than 4/5 of the voters expected (应到会) present.
QUORUM_NUMERATOR, QUORUM_DENOMINATOR = 4, 5
# A secretary election fills the 书记 and, optionally, the 副书记.
SECRETARY_SEATS = 2

ARTICLE_MARGIN = REGULATION
ARTICLE_QUORUM = REGULATION
# The tie (再次投票 among the tied, the most votes win) and the unfilled seats (more than half of
# those present to be elected; seats left unfilled are voted on again among those who did not get
# more than half, never topped up by votes).
ARTICLE_TIE = REGULATION
ARTICLE_MAJORITY = REGULATION
# Only 正式党员 not under 留党察看 vote and stand.
ARTICLE_VOTE = "《中国共产党基层组织选举工作条例》第五条"

EDITABLE_FIELDS = ["kind", "title", "seats", "term_years", "starts_at", "ends_at", "meeting"]


def voters(org: Organization, on: datetime.date | None = None) -> QuerySet[PartyMember]:
    """Who votes and may stand in ``org``'s election on ``on`` (default today): ``members.voters``,
    the one answer for every vote — its active 正式党员 with those of its party groups, without
    预备党员 and without members under 留党察看 or with rights suspended (选举工作条例第五条)."""
    return members_with_a_vote(org, on)


def minimum_candidates(seats: int, kind: str = ElectionKind.COMMITTEE) -> int:
    """The fewest candidates for ``seats``: 20% more, rounded up (5 → 6, 7 → 9); 等额 for a secretary."""
    if kind == ElectionKind.SECRETARY:
        return seats
    return seats + math.ceil(seats * MARGIN - 1e-9)


def quorum_reached(present: int, expected: int) -> bool:
    """More than 4/5 of the voters expected present (选举工作条例), in integers: 5 × present > 4 × expected."""
    return present * QUORUM_DENOMINATOR > expected * QUORUM_NUMERATOR


def voter_for(election: Election, user) -> PartyMember | None:
    """The membership through which ``user`` votes in ``election``, or None if they have no vote."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    return voters(election.org).filter(person_id=person_id).first()


def _locked(election: Election, by, permission: str = CHANGE) -> Election:
    current = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
    check_perm(by, permission, current)
    return current


def _require_state(election: Election, *states: str) -> None:
    if election.state not in states:
        raise RuleViolation(
            gettext("This election is “%(state)s”; this step is not possible now.")
            % {"state": election.get_state_display()},
            rule="election_state",
        )


def _set_state(election: Election, state: str, *, by, note: str = "", extra: Iterable[str] = ()) -> None:
    before = election.state
    election.state = state
    election.version += 1
    election.save(update_fields=["state", "version", *extra])
    audit.record(AuditAction.UPDATE, election, by=by, changes={"state": [before, state]}, note=note)
