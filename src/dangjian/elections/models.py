"""换届选举: an election of a party organization's committee (or secretary) by its 党员大会.

The rules are those of 《中国共产党基层组织选举工作条例》 (2020): candidates exceed the seats by at
least 20% (差额); only 正式党员 not under 留党察看 vote and may be elected (第五条); the meeting is
valid when more than 4/5 of the voters expected (应到会) are present, where 应到会 may leave out the
five categories of ``VoterExclusion``; a candidate is elected with votes in favour from more than
half of the voters present; the result takes effect when the superior committee approves it, which
records the new committee and its term. A committee elects its 书记 and 副书记 itself and reports
them for approval (``OfficerReport``; 支部工作条例 第二十一条).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.elections.choices import (
    OPEN_STATES,
    ElectionKind,
    ElectionState,
    ExclusionCategory,
    OfficerReportState,
    RoundReason,
    VoteMethod,
)


class Election(models.Model):
    """One election of ``org``'s committee: candidates, a voting window, the count, the approval."""

    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="elections",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ElectionKind.choices, default=ElectionKind.COMMITTEE
    )
    title = models.CharField(_("title"), max_length=200)
    seats = models.PositiveSmallIntegerField(_("seats"))
    term_years = models.PositiveSmallIntegerField(_("term (years)"))
    meeting = models.ForeignKey(
        "life.Meeting",
        verbose_name=_("party members' general meeting"),
        on_delete=models.SET_NULL,
        related_name="elections",
        null=True,
        blank=True,
    )
    starts_at = models.DateTimeField(_("voting starts at"))
    ends_at = models.DateTimeField(_("voting ends at"))
    state = models.CharField(
        _("state"), max_length=16, choices=ElectionState.choices, default=ElectionState.DRAFT
    )
    # 应到会人数: the org's active 正式党员, counted when voting opens.
    expected_voters = models.PositiveIntegerField(_("voters expected"), null=True, blank=True)
    # 实到会人数: entered at the count (at least the number of ballots cast).
    present_voters = models.PositiveIntegerField(_("voters present"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("ballots cast"), null=True, blank=True)
    valid_ballots = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    # The count could not fill every seat because of a tie at the boundary: 再次投票 is needed.
    needs_revote = models.BooleanField(_("re-vote needed"), default=False)
    # The round being voted on or last counted: 1 is the election itself, 2… are further rounds
    # (再次投票 among tied candidates, 另行选举 for unfilled seats; see Round).
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    result_note = models.TextField(_("result note"), blank=True, default="")
    # Seats reduced after too few were elected: the seats before, and how many electors consented
    # (more than half of the electors must consent; 选举工作条例 2020).
    seats_reduced_from = models.PositiveSmallIntegerField(
        _("seats before the reduction"), null=True, blank=True
    )
    reduction_consents = models.PositiveIntegerField(
        _("electors consenting to the reduction"), null=True, blank=True
    )
    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("committee recorded"),
        on_delete=models.PROTECT,
        related_name="elections",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decision_note = models.TextField(_("decision note"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=Q(state__in=OPEN_STATES), name="elections_election_one_open_per_org"
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at", "id"], name="elections_election_start_idx"),
            models.Index(fields=["org", "state"], name="elections_election_org_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def is_open_for_ballots(self) -> bool:
        return self.state == ElectionState.VOTING


class Candidate(models.Model):
    """A 正式党员 of the organization standing for election; votes and result after the count."""

    election = models.ForeignKey(
        Election, verbose_name=_("election"), on_delete=models.CASCADE, related_name="candidates"
    )
    member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    # Candidates are listed on the ballot by the strokes of their surnames (姓氏笔画) or as decided:
    # this is the order on the ballot.
    order = models.PositiveSmallIntegerField(_("order on the ballot"), default=0)
    # Votes of the first round; the votes of further rounds are on RoundCandidate.
    votes_for = models.PositiveIntegerField(_("votes in favour"), default=0)
    # Elected in the first round or in a further round: the final outcome.
    elected = models.BooleanField(_("elected"), default=False)
    # Tied for the last seat(s) in the latest count: stands in the further vote (再次投票).
    tied = models.BooleanField(_("tied"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="elections_candidate_member_uniq"),
        ]

    def __str__(self) -> str:
        return str(self.member)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "election__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.election.audit_scope_paths()


class VoteRecord(models.Model):
    """That a voter has voted in a round of an election (the roll of who voted), never what.

    One per voter and round (the unique constraint keeps a second ballot out, even from two phones
    at the same instant). The ballot itself is a ``Ballot`` with no link back here: the vote is
    secret (选举工作条例: 无记名投票), also from whoever holds a copy of the database. The day is
    kept, not the time: a precise time could be matched against the ballot box.
    """

    election = models.ForeignKey(
        Election, verbose_name=_("election"), on_delete=models.CASCADE, related_name="vote_records"
    )
    # 1 for the election itself; 2… for further rounds (Round.number).
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    voter = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("voter"),
        on_delete=models.PROTECT,
        related_name="vote_records",
    )
    method = models.CharField(_("how"), max_length=8, choices=VoteMethod.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cast by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_on = models.DateField(_("voted on"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("record of having voted")
        verbose_name_plural = _("records of having voted")
        ordering = ["election_id", "round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "round", "voter"], name="elections_voterecord_one_per_voter_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.voter}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "election__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.election.audit_scope_paths()

    @property
    def is_paper(self) -> bool:
        return self.method == VoteMethod.PAPER


class Ballot(models.Model):
    """One ballot in the box of an election's round: the candidates marked in favour, and nothing
    that says whose it is.

    No voter, user, time or sequential id: the primary key is random, and each ballot cast
    rewrites the round's box in a random order (``services.voting``), so neither the order of the
    rows on disk nor the transaction that wrote them follows the order of the voters in
    ``VoteRecord`` or the audit log. A ballot marking more candidates than there are seats is
    invalid (kept, counted as cast, none of its marks count). The round's ballots number exactly
    its ``VoteRecord`` rows: both are written in one transaction.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(
        Election, verbose_name=_("election"), on_delete=models.CASCADE, related_name="ballots"
    )
    # 1 for the election itself; 2… for further rounds (Round.number).
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    choices = models.ManyToManyField(
        Candidate, verbose_name=_("candidates in favour"), related_name="ballots", blank=True
    )
    is_valid = models.BooleanField(_("valid"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["election_id", "round", "id"]

    def __str__(self) -> str:
        return f"{self.election} · {self.round}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "election__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.election.audit_scope_paths()


class Round(models.Model):
    """A further round of voting after the first count (number 2, 3 …), among some candidates.

    ``reason`` says which rule calls for it (see RoundReason): a tie at the last seat(s)
    (再次投票: the most votes among the tied win) or unfilled seats (另行选举: more than half of
    those present is needed again). Its winners join those of the earlier rounds.
    """

    election = models.ForeignKey(
        Election, verbose_name=_("election"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    reason = models.CharField(_("reason"), max_length=16, choices=RoundReason.choices)
    seats = models.PositiveSmallIntegerField(_("seats to fill"))
    candidates = models.ManyToManyField(
        Candidate, verbose_name=_("candidates"), through="RoundCandidate", related_name="rounds"
    )
    starts_at = models.DateTimeField(_("voting starts at"))
    ends_at = models.DateTimeField(_("voting ends at"))
    present_voters = models.PositiveIntegerField(_("voters present"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("ballots cast"), null=True, blank=True)
    valid_ballots = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    result_note = models.TextField(_("result note"), blank=True, default="")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("further round")
        verbose_name_plural = _("further rounds")
        ordering = ["election_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="elections_round_number_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.number}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "election__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.election.audit_scope_paths()


class RoundCandidate(models.Model):
    """A candidate standing in a further round, with the votes and the outcome of that round."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="entries"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="round_entries"
    )
    votes_for = models.PositiveIntegerField(_("votes in favour"), default=0)
    elected = models.BooleanField(_("elected"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate in a further round")
        verbose_name_plural = _("candidates in further rounds")
        ordering = ["round_id", "candidate__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="elections_roundcandidate_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.candidate}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "round__election__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.round.audit_scope_paths()


class VoterExclusion(models.Model):
    """A voter left out of 应到会 of an election: one of the five categories (ill and unable to
    attend, abroad ≥ half a year, serving a sentence, bedridden, away ≥ half a year without
    transferring), with the superior's consent and the meeting's approval recorded
    (选举工作条例 2020; DOMAIN.md "Organizational life")."""

    election = models.ForeignKey(
        Election, verbose_name=_("election"), on_delete=models.CASCADE, related_name="exclusions"
    )
    member = models.ForeignKey(
        "members.PartyMember", verbose_name=_("party member"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=16, choices=ExclusionCategory.choices)
    superior_consent = models.CharField(
        _("superior's consent"),
        max_length=200,
        help_text=_("Who consented and when, e.g. the superior committee's reply and its date."),
    )
    meeting_approved = models.BooleanField(_("approved by the meeting"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("voter left out of 应到会")
        verbose_name_plural = _("voters left out of 应到会")
        ordering = ["election_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="elections_exclusion_one_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_category_display()}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "election__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.election.audit_scope_paths()


class OfficerReport(models.Model):
    """The committee's election of the 书记 and 副书记, reported to the superior committee for
    approval (支部工作条例 第二十一条); approval gives the seats their roles on the committee."""

    committee = models.ForeignKey(
        "orgs.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="officer_reports",
    )
    secretary = models.ForeignKey(
        "core.Person", verbose_name=_("secretary"), on_delete=models.PROTECT, related_name="+"
    )
    deputy = models.ForeignKey(
        "core.Person",
        verbose_name=_("deputy secretary"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    elected_on = models.DateField(_("elected by the committee on"))
    state = models.CharField(
        _("state"), max_length=16, choices=OfficerReportState.choices, default=OfficerReportState.SUBMITTED
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True, default="")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report of the committee's officers")
        verbose_name_plural = _("reports of the committee's officers")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.committee} · {self.secretary}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "committee__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.committee.audit_scope_paths()
