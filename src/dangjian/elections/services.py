"""State changes of an election (换届选举), from the draft to the superior committee's approval.

Each function checks the permission over the election's organization, applies the rule of
《中国共产党基层组织选举工作条例》 it is about, writes the change with its audit line in one
transaction and raises RuleViolation with a message naming the article. Pages and the API call
these; nothing here trusts the caller to have checked anything.

The states: draft → candidates confirmed → voting → counted → submitted → approved / rejected.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.scoping import check_perm, scope_of
from dangjian.elections.choices import OPEN_STATES, ElectionKind, ElectionState, RoundReason
from dangjian.elections.models import Ballot, Candidate, Election, Round, RoundCandidate
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs import services as org_services
from dangjian.orgs.choices import CommitteeRole, OrgKind
from dangjian.orgs.models import Organization

ADD = "elections.add_election"
CHANGE = "elections.change_election"
VIEW = "elections.view_election"

# 条例第十二条: candidates exceed the seats by at least 20% (差额).
MARGIN = 0.2
# 条例第十七条: the meeting is valid with more than 4/5 of the voters present.
QUORUM_NUMERATOR, QUORUM_DENOMINATOR = 4, 5
# A secretary election fills the 书记 and, optionally, the 副书记.
SECRETARY_SEATS = 2

ARTICLE_MARGIN = "《中国共产党基层组织选举工作条例》第十二条"
ARTICLE_QUORUM = "《中国共产党基层组织选举工作条例》第十七条"
# The tie and the unfilled seats: 第二十一条 (再次投票 among the tied, the most votes win) and
# 第二十二条 (more than half of those present to be elected; seats left unfilled are voted on again
# among those who did not get more than half, never topped up by votes), as numbered in the
# 1990 text of the 条例.
ARTICLE_TIE = "《中国共产党基层组织选举工作条例》第二十一条"
ARTICLE_MAJORITY = "《中国共产党基层组织选举工作条例》第二十二条"
ARTICLE_VOTE = "《中国共产党章程》第七条"

EDITABLE_FIELDS = ["kind", "title", "seats", "term_years", "starts_at", "ends_at", "meeting"]


def voters(org: Organization) -> QuerySet[PartyMember]:
    """Who votes in ``org``'s election: its active 正式党员, with those of its party groups.

    预备党员 have no vote and cannot be elected (党章第七条).
    """
    return PartyMember.objects.filter(
        org__path__startswith=org.path, is_active=True, status=MemberStatus.FULL
    )


def minimum_candidates(seats: int, kind: str = ElectionKind.COMMITTEE) -> int:
    """The fewest candidates for ``seats``: 20% more, rounded up (5 → 6, 7 → 9); 等额 for a secretary."""
    if kind == ElectionKind.SECRETARY:
        return seats
    return seats + math.ceil(seats * MARGIN - 1e-9)


def quorum_reached(present: int, expected: int) -> bool:
    """More than 4/5 of the voters present (条例第十七条), in integers: 5 × present > 4 × expected."""
    return present * QUORUM_DENOMINATOR > expected * QUORUM_NUMERATOR


def voter_for(election: Election, user) -> PartyMember | None:
    """The membership through which ``user`` votes in ``election``, or None if they have no vote."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    return voters(election.org).filter(person_id=person_id).first()


# --- Creating and editing ------------------------------------------------------------------


def _check_fields(org: Organization, fields: dict) -> None:
    kind = fields.get("kind", ElectionKind.COMMITTEE)
    seats = fields.get("seats") or 0
    if kind == ElectionKind.SECRETARY and not 1 <= seats <= SECRETARY_SEATS:
        raise RuleViolation(
            gettext("A secretary election fills 1 seat (secretary) or 2 (secretary and deputy secretary)."),
            rule="election_seats",
            field="seats",
        )
    if kind == ElectionKind.COMMITTEE and not 3 <= seats <= 15:
        raise RuleViolation(
            gettext(
                "A committee has 3 to 15 seats (a branch committee 3 to 5, at most 7; "
                "Article 9 of 《中国共产党支部工作条例（试行）》); %(seats)s is not possible."
            )
            % {"seats": seats},
            rule="election_seats",
            field="seats",
        )
    term_years = fields.get("term_years") or 0
    if not 1 <= term_years <= 10:
        raise RuleViolation(
            gettext("A term of %(years)s years is not plausible; enter 1 to 10 years.")
            % {"years": term_years},
            rule="term_years",
            field="term_years",
        )
    if fields["ends_at"] <= fields["starts_at"]:
        raise RuleViolation(
            gettext("Voting must end after it starts."), rule="election_times", field="ends_at"
        )
    meeting = fields.get("meeting")
    if meeting is not None and meeting.org_id != org.pk:
        raise RuleViolation(
            gettext("The meeting must be a meeting of “%(org)s”.") % {"org": org.name},
            rule="election_meeting",
            field="meeting",
        )


def create_election(
    org: Organization,
    *,
    by,
    title: str,
    seats: int,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    kind: str = ElectionKind.COMMITTEE,
    term_years: int | None = None,
    meeting=None,
) -> Election:
    """Prepare an election of ``org``'s committee (a draft: candidates are added next)."""
    title = (title or "").strip()
    if not title:
        raise RuleViolation(gettext("The title cannot be empty."), rule="required", field="title")
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        check_perm(by, ADD, org)
        if not org.is_active:
            raise RuleViolation(
                gettext("The organization “%(name)s” is deactivated.") % {"name": org.name},
                rule="inactive_org",
            )
        if org.kind == OrgKind.GROUP:
            raise RuleViolation(
                gettext("A party group has a group leader, not a committee; it holds no election."),
                rule="group_without_committee",
            )
        fields = {
            "kind": kind,
            "title": title,
            "seats": seats,
            "term_years": term_years or org.default_term_years,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "meeting": meeting,
        }
        _check_fields(org, fields)
        running = Election.objects.filter(org=org, state__in=OPEN_STATES).first()
        if running is not None:
            raise RuleViolation(
                gettext("“%(org)s” already has an election under way: “%(title)s”; finish it first.")
                % {"org": org.name, "title": running.title},
                rule="one_open_election",
            )
        election = Election.objects.create(org=org, created_by=by, **fields)
        audit.record(
            AuditAction.CREATE,
            election,
            by=by,
            changes=audit.diff({}, audit.snapshot(election, [*EDITABLE_FIELDS, "org", "state"])),
        )
    return election


def update_election(election: Election, *, by, expected_version: int | None = None, **fields) -> Election:
    """Edit a draft election (kind, title, seats, term, voting window, meeting).

    Refused once the candidates are confirmed: the seats and the kind decide how many candidates
    the list needs (差额), and the confirmed list is what the ballot prints. ``expected_version``
    is the version the user loaded; someone else's save in between answers ConcurrentChange.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise RuleViolation(gettext("The title cannot be empty."), rule="required", field="title")
    with transaction.atomic():
        current = _locked(election, by)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentChange(
                gettext(
                    "This election has been changed by someone else (now version %(version)s); "
                    "refresh the page and edit again."
                )
                % {"version": current.version},
                rule="concurrent_change",
            )
        if current.state != ElectionState.DRAFT:
            raise RuleViolation(
                gettext(
                    "The candidates of this election are confirmed (it is “%(state)s”); "
                    "its seats, term and voting times can no longer be changed."
                )
                % {"state": current.get_state_display()},
                rule="election_not_draft",
            )
        before = audit.snapshot(current, EDITABLE_FIELDS)
        merged = {name: getattr(current, name) for name in EDITABLE_FIELDS}
        merged.update(
            {name: value for name, value in fields.items() if value is not None or name == "meeting"}
        )
        if merged.get("term_years") is None:
            merged["term_years"] = current.org.default_term_years
        _check_fields(current.org, merged)
        for name, value in merged.items():
            setattr(current, name, value)
        current.version += 1
        current.save(update_fields=[*EDITABLE_FIELDS, "version"])
        changes = audit.diff(before, audit.snapshot(current, EDITABLE_FIELDS))
        if changes:
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes)
    return current


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


# --- Candidates ----------------------------------------------------------------------------


def add_candidate(election: Election, *, by, member: PartyMember) -> Candidate:
    """Put a 正式党员 of the organization on the list (only while the election is a draft)."""
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.DRAFT)
        member = PartyMember.objects.select_related("person", "org").get(pk=member.pk)
        if not PartyMember.objects.visible_to(by).filter(pk=member.pk).exists():
            raise PermissionDenied(
                gettext("You do not have permission to view this person's information."),
                rule="scope",
                field="member",
            )
        if not voters(current.org).filter(pk=member.pk).exists():
            raise RuleViolation(
                gettext(
                    "%(name)s is not an active full party member of “%(org)s”: only full members "
                    "may be elected (%(article)s)."
                )
                % {"name": member.person.name, "org": current.org.name, "article": ARTICLE_VOTE},
                rule="candidate_full_member",
                field="member",
            )
        if current.candidates.filter(member=member).exists():
            raise RuleViolation(
                gettext("%(name)s is already a candidate.") % {"name": member.person.name},
                rule="candidate_unique",
                field="member",
            )
        order = (current.candidates.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        candidate = Candidate.objects.create(election=current, member=member, order=order)
        audit.record(
            AuditAction.CREATE,
            candidate,
            by=by,
            note=gettext("Candidate %(name)s") % {"name": member.person.name},
        )
    return candidate


def remove_candidate(candidate: Candidate, *, by) -> None:
    """Take a candidate off the list while the election is a draft (nothing has been voted on)."""
    with transaction.atomic():
        current = _locked(candidate.election, by)
        _require_state(current, ElectionState.DRAFT)
        row = Candidate.objects.select_related("member__person").get(pk=candidate.pk, election=current)
        audit.record(
            AuditAction.DELETE,
            row,
            by=by,
            note=gettext("Candidate %(name)s removed") % {"name": row.member.person.name},
        )
        row.delete()


def confirm_candidates(election: Election, *, by) -> Election:
    """Fix the list of candidates; a committee needs 20% more candidates than seats (差额)."""
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.DRAFT)
        count = current.candidates.count()
        needed = minimum_candidates(current.seats, current.kind)
        if count < needed:
            if current.kind == ElectionKind.COMMITTEE:
                message = gettext(
                    "%(seats)s seats need at least %(needed)s candidates (the candidates must exceed "
                    "the seats by at least 20%%, 差额选举, %(article)s); there are %(count)s."
                ) % {"seats": current.seats, "needed": needed, "count": count, "article": ARTICLE_MARGIN}
            else:
                message = gettext(
                    "%(seats)s seats need at least %(needed)s candidates; there are %(count)s."
                ) % {
                    "seats": current.seats,
                    "needed": needed,
                    "count": count,
                }
            raise RuleViolation(message, rule="candidate_margin")
        _set_state(current, ElectionState.CONFIRMED, by=by)
    return current


# --- Voting --------------------------------------------------------------------------------


def open_voting(election: Election, *, by, now: datetime.datetime | None = None) -> Election:
    """Open the ballot box; the number of voters expected (应到会人数) is fixed now."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.CONFIRMED)
        if now > current.ends_at:
            raise RuleViolation(
                gettext("The voting window ended at %(time)s; change the voting times first.")
                % {"time": date_format(timezone.localtime(current.ends_at), "DATETIME_FORMAT")},
                rule="election_window",
            )
        current.expected_voters = voters(current.org).count()
        _set_state(
            current,
            ElectionState.VOTING,
            by=by,
            note=gettext("%(count)s voters expected") % {"count": current.expected_voters},
            extra=["expected_voters"],
        )
    return current


def current_round(election: Election) -> Round | None:
    """The further round being voted on or last counted; None while the first round is current."""
    if election.round <= 1:
        return None
    return Round.objects.get(election=election, number=election.round)


def ballot_candidates(election: Election) -> QuerySet[Candidate]:
    """Who is on the ballot of the current round: every candidate, or those of the further round."""
    candidates = election.candidates.all()
    if election.round > 1:
        candidates = candidates.filter(round_entries__round__number=election.round)
    return candidates.order_by("order", "pk")


def seats_on_ballot(election: Election, further: Round | None = None) -> int:
    """How many may be marked on a ballot of the current round (more makes it invalid)."""
    return further.seats if further is not None else election.seats


def ballot_refusal(
    election: Election, *, user, now: datetime.datetime | None = None, further: Round | None = None
) -> str | None:
    """Why ``user`` cannot cast a ballot in ``election`` now, in words for the phone page."""
    now = now or timezone.now()
    if election.state != ElectionState.VOTING:
        return gettext("Voting is not open for this election (it is “%(state)s”).") % {
            "state": election.get_state_display()
        }
    if further is None and election.round > 1:
        further = current_round(election)
    starts_at, ends_at = (
        (further.starts_at, further.ends_at) if further else (election.starts_at, election.ends_at)
    )
    if now < starts_at:
        return gettext("Voting opens at %(time)s.") % {
            "time": date_format(timezone.localtime(starts_at), "DATETIME_FORMAT")
        }
    if now > ends_at:
        return gettext("Voting closed at %(time)s.") % {
            "time": date_format(timezone.localtime(ends_at), "DATETIME_FORMAT")
        }
    return None


def _choices(election: Election, candidate_ids: Iterable[int]) -> list[Candidate]:
    ids = {int(pk) for pk in candidate_ids}
    chosen = list(ballot_candidates(election).filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise RuleViolation(
            gettext("The ballot marks someone who is not a candidate in this round of the election."),
            rule="ballot_choices",
            field="choices",
        )
    return chosen


def _store_ballot(
    election: Election,
    voter: PartyMember,
    chosen: list[Candidate],
    *,
    seats: int,
    now,
    cast_by=None,
    entered_by=None,
) -> Ballot:
    if Ballot.objects.filter(election=election, round=election.round, voter=voter).exists():
        raise RuleViolation(
            gettext("%(name)s has already voted in this election; each voter has one ballot.")
            % {"name": voter.person.name},
            rule="one_ballot",
        )
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                election=election,
                round=election.round,
                voter=voter,
                is_valid=len(chosen) <= seats,
                cast_at=now,
                cast_by=cast_by,
                entered_by=entered_by,
            )
    except IntegrityError as error:  # the unique constraint: a second ballot at the same instant
        raise RuleViolation(
            gettext("%(name)s has already voted in this election; each voter has one ballot.")
            % {"name": voter.person.name},
            rule="one_ballot",
        ) from error
    ballot.choices.set(chosen)
    return ballot


def cast_ballot(
    election: Election, *, user, candidate_ids: Iterable[int], now: datetime.datetime | None = None
) -> Ballot:
    """The voter casts their own ballot on a phone, once, during the voting window.

    The phone refuses more marks than seats (the voter corrects them) instead of keeping an
    invalid ballot; whom the voter marked is not written to the audit log (the vote is secret).
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
        voter = voter_for(current, user)
        if voter is None:
            raise PermissionDenied(
                gettext(
                    "You have no vote in this election: only the active full party members of "
                    "“%(org)s” vote (%(article)s)."
                )
                % {"org": current.org.name, "article": ARTICLE_VOTE},
                rule="voter",
            )
        further = current_round(current)
        refusal = ballot_refusal(current, user=user, now=now, further=further)
        if refusal:
            raise RuleViolation(refusal, rule="election_window")
        chosen = _choices(current, candidate_ids)
        seats = seats_on_ballot(current, further)
        if len(chosen) > seats:
            raise RuleViolation(
                gettext(
                    "You marked %(marked)s candidates but there are only %(seats)s seats; mark at most %(seats)s."
                )
                % {"marked": len(chosen), "seats": seats},
                rule="ballot_too_many",
                field="choices",
            )
        voter = PartyMember.objects.select_related("person").get(pk=voter.pk)
        ballot = _store_ballot(current, voter, chosen, seats=seats, now=now, cast_by=user)
        audit.record(AuditAction.CREATE, ballot, by=user, note=gettext("Ballot cast on a phone"))
    return ballot


def enter_paper_ballot(
    election: Election, *, by, voter: PartyMember, candidate_ids: Iterable[int], now=None
) -> Ballot:
    """Staff enter a paper ballot as marked; more marks than seats make it invalid (it is kept)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.VOTING)
        if not voters(current.org).filter(pk=voter.pk).exists():
            raise RuleViolation(
                gettext(
                    "%(name)s is not an active full party member of “%(org)s” and has no vote (%(article)s)."
                )
                % {"name": voter.person.name, "org": current.org.name, "article": ARTICLE_VOTE},
                rule="voter",
                field="voter",
            )
        chosen = _choices(current, candidate_ids)
        voter = PartyMember.objects.select_related("person").get(pk=voter.pk)
        seats = seats_on_ballot(current, current_round(current))
        ballot = _store_ballot(current, voter, chosen, seats=seats, now=now, entered_by=by)
        audit.record(
            AuditAction.CREATE,
            ballot,
            by=by,
            note=gettext("Paper ballot entered")
            if ballot.is_valid
            else gettext("Invalid paper ballot entered"),
        )
    return ballot


# --- Counting ------------------------------------------------------------------------------


def _check_present(election: Election, cast: int, present: int | None) -> int:
    """The voters present (default: the ballots cast), between the ballots cast and the voters
    expected, and more than four fifths of those expected (条例第十七条)."""
    present = cast if present is None else present
    if present < cast:
        raise RuleViolation(
            gettext("%(cast)s ballots were cast, so at least %(cast)s voters were present, not %(present)s.")
            % {"cast": cast, "present": present},
            rule="present_voters",
            field="present",
        )
    expected = election.expected_voters or 0
    if present > expected:
        raise RuleViolation(
            gettext("At most %(expected)s voters can be present (the voters expected), not %(present)s.")
            % {"expected": expected, "present": present},
            rule="present_voters",
            field="present",
        )
    if not quorum_reached(present, expected):
        raise RuleViolation(
            gettext(
                "%(present)s of %(expected)s voters present: an election needs more than four fifths "
                "of the voters present (%(article)s); the votes cannot be counted."
            )
            % {"present": present, "expected": expected, "article": ARTICLE_QUORUM},
            rule="election_quorum",
            field="present",
        )
    return present


def close_and_count(election: Election, *, by, present: int | None = None) -> Election:
    """Close the ballot box and count.

    ``present`` is the number of voters present (实到会人数; at least the ballots cast, which is
    the default). The election is valid with more than 4/5 of the expected voters present
    (第十七条); a candidate needs votes in favour from more than half of those present
    (第二十二条); if more candidates pass than there are seats, the most votes win, and a tie at
    the last seat is reported as needing a further vote (再次投票, 第二十一条) instead of being
    decided here. During a further round (see open_further_round) that round is counted.
    """
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.VOTING)
        further = current_round(current)
        if further is not None:
            return _count_further_round(current, further, by=by, present=present)
        cast = current.ballots.count()
        present = _check_present(current, cast, present)
        valid = current.ballots.filter(is_valid=True, round=1)
        tallies = dict(
            Candidate.objects.filter(election=current)
            .annotate(total=Count("ballots", filter=Q(ballots__is_valid=True, ballots__round=1)))
            .values_list("pk", "total")
        )
        candidates = list(current.candidates.select_related("member__person"))
        for candidate in candidates:
            candidate.votes_for = tallies.get(candidate.pk, 0)
            candidate.elected = False
        passing = sorted(
            (c for c in candidates if c.votes_for * 2 > present), key=lambda c: (-c.votes_for, c.order, c.pk)
        )
        notes: list[str] = []
        winners = passing
        tied: list[Candidate] = []
        current.needs_revote = False
        if len(passing) > current.seats:
            boundary = passing[current.seats - 1].votes_for
            winners = [c for c in passing if c.votes_for > boundary]
            tied = [c for c in passing if c.votes_for == boundary]
            if len(winners) + len(tied) == current.seats:
                winners += tied
            else:
                current.needs_revote = True
                notes.append(
                    gettext(
                        "%(names)s are tied with %(votes)s votes for the remaining %(left)s seat(s): "
                        "a further vote among them is needed (%(article)s)."
                    )
                    % {
                        "names": gettext(", ").join(c.member.person.name for c in tied),
                        "votes": boundary,
                        "left": current.seats - len(winners),
                        "article": ARTICLE_TIE,
                    }
                )
        for candidate in candidates:
            candidate.tied = candidate in tied and current.needs_revote
        for candidate in winners:
            candidate.elected = True
        if len(winners) < current.seats and not current.needs_revote:
            notes.append(
                gettext(
                    "Only %(elected)s of %(seats)s seats were filled by more than half of the votes of "
                    "those present (%(article)s): hold a further election for the rest, or reduce the seats "
                    "with the approval of the superior committee."
                )
                % {"elected": len(winners), "seats": current.seats, "article": ARTICLE_MAJORITY}
            )
        Candidate.objects.bulk_update(candidates, ["votes_for", "elected", "tied"])
        current.present_voters = present
        current.ballots_cast = cast
        current.valid_ballots = valid.count()
        current.result_note = "\n".join(notes)
        current.counted_at = timezone.now()
        _set_state(
            current,
            ElectionState.COUNTED,
            by=by,
            note=gettext("%(elected)s elected; %(cast)s ballots, %(valid)s valid")
            % {"elected": len(winners), "cast": cast, "valid": current.valid_ballots},
            extra=[
                "present_voters",
                "ballots_cast",
                "valid_ballots",
                "result_note",
                "counted_at",
                "needs_revote",
            ],
        )
    return current


# --- Further rounds (再次投票 / 另行选举) -----------------------------------------------------


def _pick_winners(eligible: list, seats: int, votes, order) -> tuple[list, list]:
    """The winners of ``seats`` among ``eligible`` by votes, and those tied for the last seat(s)
    when the tie leaves more people than seats (then only those above the tie win)."""
    ranked = sorted(eligible, key=lambda item: (-votes(item), order(item)))
    if len(ranked) <= seats:
        return ranked, []
    boundary = votes(ranked[seats - 1])
    above = [item for item in ranked if votes(item) > boundary]
    level = [item for item in ranked if votes(item) == boundary]
    if len(above) + len(level) == seats:
        return above + level, []
    return above, level


def further_round_reason(election: Election) -> str | None:
    """Which further round a counted election calls for: a tie at the last seat(s) (第二十一条), or
    seats left unfilled with someone left to stand (第二十二条); None when every seat is filled."""
    if election.state != ElectionState.COUNTED:
        return None
    if election.needs_revote:
        return RoundReason.TIE
    counts = election.candidates.aggregate(
        n_elected=Count("pk", filter=Q(elected=True)), n_others=Count("pk", filter=Q(elected=False))
    )
    left = election.seats - counts["n_elected"]
    if left > 0 and counts["n_others"] >= left:
        return RoundReason.SHORTFALL
    return None


def further_round_pool(election: Election, reason: str) -> QuerySet[Candidate]:
    """Who may stand in the further round: the tied (第二十一条), or those not elected (第二十二条)."""
    if reason == RoundReason.TIE:
        return election.candidates.filter(tied=True, elected=False).order_by("order", "pk")
    return election.candidates.filter(elected=False).order_by("order", "pk")


def open_further_round(
    election: Election,
    *,
    by,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    candidate_ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> Round:
    """Open a further round of voting after a count that did not settle every seat.

    A tie at the last seat(s): every tied candidate stands again for the seats left and the most
    votes win (条例第二十一条; ``candidate_ids`` cannot narrow the tied). Seats left unfilled: the
    meeting chooses, after discussion (酝酿), among the candidates not elected — ``candidate_ids``,
    by default all of them — at least as many as the seats left; they need more than half of the
    votes of those present again (第二十二条: the seats are never topped up by votes). The winners
    join those already elected; one ballot per voter and round.
    """
    now = now or timezone.now()
    starts_at = starts_at or now
    ends_at = ends_at or starts_at + datetime.timedelta(hours=2)
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.COUNTED)
        reason = further_round_reason(current)
        if reason is None:
            raise RuleViolation(
                gettext(
                    "Every seat is filled (or nobody is left to stand): there is no further vote to hold."
                ),
                rule="no_further_round",
            )
        pool = list(further_round_pool(current, reason).select_related("member__person"))
        left = current.seats - current.candidates.filter(elected=True).count()
        standing = pool
        if candidate_ids is not None:
            ids = {int(pk) for pk in candidate_ids}
            by_pk = {candidate.pk: candidate for candidate in pool}
            if not ids <= set(by_pk):
                raise RuleViolation(
                    gettext("Only candidates who were not elected can stand in the further vote.")
                    if reason == RoundReason.SHORTFALL
                    else gettext("Only the tied candidates stand in the further vote."),
                    rule="further_round_candidates",
                    field="candidates",
                )
            standing = [candidate for candidate in pool if candidate.pk in ids]
            if reason == RoundReason.TIE and len(standing) != len(pool):
                raise RuleViolation(
                    gettext("Every tied candidate stands in the further vote (%(article)s).")
                    % {"article": ARTICLE_TIE},
                    rule="further_round_candidates",
                    field="candidates",
                )
        if len(standing) < left:
            raise RuleViolation(
                gettext(
                    "%(left)s seat(s) are left: at least %(left)s candidates must stand in the further vote; "
                    "%(count)s chosen."
                )
                % {"left": left, "count": len(standing)},
                rule="further_round_candidates",
                field="candidates",
            )
        if ends_at <= starts_at:
            raise RuleViolation(
                gettext("Voting must end after it starts."), rule="election_times", field="ends_at"
            )
        if ends_at <= now:
            raise RuleViolation(
                gettext("The voting window has to end in the future."), rule="election_times", field="ends_at"
            )
        number = current.round + 1
        further = Round.objects.create(
            election=current,
            number=number,
            reason=reason,
            seats=left,
            starts_at=starts_at,
            ends_at=ends_at,
            opened_by=by,
        )
        RoundCandidate.objects.bulk_create(
            [RoundCandidate(round=further, candidate=candidate) for candidate in standing]
        )
        current.candidates.filter(tied=True).update(tied=False)
        audit.record(
            AuditAction.CREATE,
            further,
            by=by,
            note=gettext("Round %(number)s (%(reason)s) for %(left)s seat(s): %(names)s")
            % {
                "number": number,
                "reason": further.get_reason_display(),
                "left": left,
                "names": gettext(", ").join(c.member.person.name for c in standing),
            },
        )
        current.round = number
        current.needs_revote = False
        current.result_note = ""
        _set_state(
            current,
            ElectionState.VOTING,
            by=by,
            note=gettext("Further round %(number)s opened") % {"number": number},
            extra=["round", "needs_revote", "result_note"],
        )
    return further


def _count_further_round(current: Election, further: Round, *, by, present: int | None) -> Election:
    """Count a further round (inside close_and_count's transaction) and combine its winners with
    those already elected."""
    cast = current.ballots.filter(round=further.number).count()
    present = _check_present(current, cast, present)
    tallies = dict(
        RoundCandidate.objects.filter(round=further)
        .annotate(
            total=Count(
                "candidate__ballots",
                filter=Q(candidate__ballots__is_valid=True, candidate__ballots__round=further.number),
            )
        )
        .values_list("pk", "total")
    )
    entries = list(further.entries.select_related("candidate__member__person"))
    for entry in entries:
        entry.votes_for = tallies.get(entry.pk, 0)
        entry.elected = False
    if further.reason == RoundReason.TIE:
        eligible = entries  # 第二十一条: the most votes among the tied win
    else:
        eligible = [entry for entry in entries if entry.votes_for * 2 > present]  # 第二十二条
    winners, tied = _pick_winners(
        eligible,
        further.seats,
        votes=lambda entry: entry.votes_for,
        order=lambda entry: (entry.candidate.order, entry.candidate.pk),
    )
    notes: list[str] = []
    if tied:
        notes.append(
            gettext(
                "%(names)s are tied with %(votes)s votes for the remaining %(left)s seat(s): "
                "a further vote among them is needed (%(article)s)."
            )
            % {
                "names": gettext(", ").join(entry.candidate.member.person.name for entry in tied),
                "votes": tied[0].votes_for,
                "left": further.seats - len(winners),
                "article": ARTICLE_TIE,
            }
        )
    elif len(winners) < further.seats:
        notes.append(
            gettext(
                "Only %(elected)s of %(seats)s seats were filled by more than half of the votes of "
                "those present (%(article)s): hold a further election for the rest, or reduce the seats "
                "with the approval of the superior committee."
            )
            % {
                "elected": current.seats - further.seats + len(winners),
                "seats": current.seats,
                "article": ARTICLE_MAJORITY,
            }
        )
    for entry in winners:
        entry.elected = True
    RoundCandidate.objects.bulk_update(entries, ["votes_for", "elected"])
    winner_ids = [entry.candidate_id for entry in winners]
    Candidate.objects.filter(pk__in=winner_ids).update(elected=True)
    Candidate.objects.filter(pk__in=[entry.candidate_id for entry in tied]).update(tied=True)
    further.present_voters = present
    further.ballots_cast = cast
    further.valid_ballots = current.ballots.filter(round=further.number, is_valid=True).count()
    further.result_note = "\n".join(notes)
    further.counted_at = timezone.now()
    further.save(
        update_fields=["present_voters", "ballots_cast", "valid_ballots", "result_note", "counted_at"]
    )
    current.needs_revote = bool(tied)
    current.result_note = further.result_note
    current.counted_at = further.counted_at
    _set_state(
        current,
        ElectionState.COUNTED,
        by=by,
        note=gettext("Round %(number)s: %(elected)s elected; %(cast)s ballots, %(valid)s valid")
        % {"number": further.number, "elected": len(winners), "cast": cast, "valid": further.valid_ballots},
        extra=["needs_revote", "result_note", "counted_at"],
    )
    return current


# --- Approval by the superior committee ----------------------------------------------------


def superior_of(election: Election) -> Organization | None:
    return Organization.objects.get_parent(election.org)


def can_decide(election: Election, user) -> bool:
    """Whether ``user`` acts for the superior committee: change_election over the parent org."""
    superior = superior_of(election)
    scope = scope_of(user)
    if superior is None:
        return scope.is_global
    return scope.has_perm(CHANGE, org_path=superior.path)


def _check_superior(election: Election, by) -> None:
    if not can_decide(election, by):
        raise PermissionDenied(
            gettext("Only the superior party committee of “%(org)s” approves its election results.")
            % {"org": election.org.name},
            rule="superior_approval",
        )


def submit_results(election: Election, *, by) -> Election:
    """Report the counted result to the superior committee for approval."""
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.COUNTED)
        if current.needs_revote:
            raise RuleViolation(
                gettext("A tie has to be settled by a further vote before the result can be reported."),
                rule="needs_revote",
            )
        if not current.candidates.filter(elected=True).exists():
            raise RuleViolation(
                gettext("Nobody was elected; there is no result to report."), rule="nobody_elected"
            )
        current.submitted_at = timezone.now()
        _set_state(current, ElectionState.SUBMITTED, by=by, extra=["submitted_at"])
    return current


def _seat_roles(election: Election, elected: list[Candidate]) -> list[tuple[Candidate, str]]:
    """Roles of the new seats: a secretary election fills 书记 then 副书记 by votes; a committee's
    members are 委员 until the committee divides its work (分工) at its first meeting."""
    if election.kind == ElectionKind.SECRETARY:
        roles = [CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY]
        return list(zip(elected, roles, strict=False))
    return [(candidate, CommitteeRole.MEMBER) for candidate in elected]


def approve_results(election: Election, *, by, note: str = "") -> Election:
    """The superior committee approves: the new committee, its term and its members are recorded
    (through ``orgs.services``) in the same transaction as the approval."""
    with transaction.atomic():
        current = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
        _check_superior(current, by)
        _require_state(current, ElectionState.SUBMITTED)
        elected = list(
            current.candidates.filter(elected=True)
            .select_related("member__person")
            .order_by("-votes_for", "order", "pk")
        )
        elected_on = timezone.localdate(current.starts_at)
        committee = org_services.elect_committee(
            current.org,
            by=by,
            elected_on=elected_on,
            term_years=current.term_years,
            note=gettext("Elected in “%(title)s”") % {"title": current.title},
        )
        for candidate, role in _seat_roles(current, elected):
            org_services.add_committee_seat(
                committee, by=by, person=candidate.member.person, role=role, started_on=elected_on
            )
        current.committee = committee
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decision_note = note.strip()
        _set_state(
            current,
            ElectionState.APPROVED,
            by=by,
            note=note.strip(),
            extra=["committee", "decided_by", "decided_at", "decision_note"],
        )
    return current


def reject_results(election: Election, *, by, reason: str) -> Election:
    """The superior committee does not approve the result; the reason is kept and shown."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            gettext("Give the reason for rejecting the result."), rule="required", field="reason"
        )
    with transaction.atomic():
        current = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
        _check_superior(current, by)
        _require_state(current, ElectionState.SUBMITTED)
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decision_note = reason
        _set_state(
            current,
            ElectionState.REJECTED,
            by=by,
            note=reason,
            extra=["decided_by", "decided_at", "decision_note"],
        )
    return current
