"""Counting the votes (quorum, more than half of those present) and the further rounds of 再次投票
and 另行选举 when seats stay unfilled or votes tie."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.elections.choices import ElectionState, RoundReason
from dangjian.elections.models import Candidate, Election, Round, RoundCandidate, VoteRecord
from dangjian.elections.services.common import (
    ARTICLE_MAJORITY,
    ARTICLE_QUORUM,
    ARTICLE_TIE,
    REGULATION,
    _locked,
    _require_state,
    _set_state,
    quorum_reached,
)
from dangjian.elections.services.voting import current_round

# --- Counting ------------------------------------------------------------------------------


def _check_present(election: Election, cast: int, present: int | None) -> int:
    """The voters present (default: the ballots cast), between the ballots cast and the voters
    expected, and more than four fifths of those expected (选举工作条例)."""
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


def _check_box(election: Election, number: int, cast: int) -> None:
    """The box of round ``number`` holds one ballot per voter recorded as having voted; anything
    else means rows were changed outside the application, and nothing is counted."""
    voted = VoteRecord.objects.filter(election=election, round=number).count()
    if voted != cast:
        raise RuleViolation(
            gettext(
                "The ballot box holds %(cast)s ballots but %(voted)s voters are recorded as having voted: "
                "the votes cannot be counted; ask the administrator to check the database."
            )
            % {"cast": cast, "voted": voted},
            rule="ballot_box",
        )


def close_and_count(election: Election, *, by, present: int | None = None) -> Election:
    """Close the ballot box and count.

    ``present`` is the number of voters present (实到会人数; at least the ballots cast, which is
    the default). The election is valid with more than 4/5 of the expected voters present
    (选举工作条例); a candidate needs votes in favour from more than half of those present
    (选举工作条例); if more candidates pass than there are seats, the most votes win, and a tie at
    the last seat is reported as needing a further vote (再次投票) instead of being
    decided here. During a further round (see open_further_round) that round is counted.
    """
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.VOTING)
        further = current_round(current)
        if further is not None:
            return _count_further_round(current, further, by=by, present=present)
        cast = current.ballots.filter(round=1).count()
        _check_box(current, 1, cast)
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
                    "those present (%(article)s): hold a further election for the rest, or, when the number elected is close to "
                    "the seats, reduce the seats with the consent of more than half of the electors."
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


# --- Reducing the seats -----------------------------------------------------------------------


def reduce_seats(election: Election, *, by, consents: int) -> Election:
    """Too few were elected and the number is close to the seats: instead of 另行选举 the seats are
    reduced to those elected, with the consent of more than half of the electors (选举工作条例
    2020; DOMAIN.md: not the superior's approval). ``consents`` is how many electors agreed."""
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.COUNTED)
        elected = current.candidates.filter(elected=True).count()
        if current.needs_revote or not 0 < elected < current.seats:
            raise RuleViolation(
                gettext(
                    "Seats can be reduced only when some but not all seats were filled and no tie is open."
                ),
                rule="reduce_seats_state",
            )
        electors = current.present_voters or 0
        if consents > electors:
            raise RuleViolation(
                gettext("%(consents)s consents, but only %(electors)s electors were present.")
                % {"consents": consents, "electors": electors},
                rule="reduce_seats_consent",
                field="consents",
            )
        if consents * 2 <= electors:
            raise RuleViolation(
                gettext(
                    "Reducing the seats needs the consent of more than half of the electors (%(regulation)s): "
                    "%(consents)s of %(electors)s electors consented."
                )
                % {"regulation": REGULATION, "consents": consents, "electors": electors},
                rule="reduce_seats_consent",
                field="consents",
            )
        before = current.seats
        current.seats_reduced_from, current.seats, current.reduction_consents = before, elected, consents
        current.result_note = "\n".join(
            filter(
                None,
                [
                    current.result_note,
                    gettext(
                        "Seats reduced from %(before)s to %(after)s with the consent of %(consents)s of %(electors)s electors."
                    )
                    % {"before": before, "after": elected, "consents": consents, "electors": electors},
                ],
            )
        )
        _set_state(
            current,
            ElectionState.COUNTED,
            by=by,
            note=gettext("Seats reduced from %(before)s to %(after)s") % {"before": before, "after": elected},
            extra=["seats", "seats_reduced_from", "reduction_consents", "result_note"],
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
    """Which further round a counted election calls for: a tie at the last seat(s) (再次投票), or
    seats left unfilled with someone left to stand (另行选举); None when every seat is filled."""
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
    """Who may stand in the further round: the tied (再次投票), or those not elected (另行选举)."""
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
    votes win (再次投票; ``candidate_ids`` cannot narrow the tied). Seats left unfilled: the
    meeting chooses, after discussion (酝酿), among the candidates not elected — ``candidate_ids``,
    by default all of them — at least as many as the seats left; they need more than half of the
    votes of those present again (另行选举: the seats are never topped up by votes). The winners
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
    _check_box(current, further.number, cast)
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
        eligible = entries  # 再次投票: the most votes among the tied win
    else:
        eligible = [
            entry for entry in entries if entry.votes_for * 2 > present
        ]  # 另行选举: more than half of those present
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
                "those present (%(article)s): hold a further election for the rest, or, when the number elected is close to "
                "the seats, reduce the seats with the consent of more than half of the electors."
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
