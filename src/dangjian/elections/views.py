"""Pages of elections (换届选举): the list over the user's subtree, an election with its
candidates and result, the steps (confirm candidates, open voting, count, submit, approve or
reject), the staff's paper-ballot entry, and the phone page on which a voter casts a ballot.

Querysets go through ``visible_to(user)`` (out of scope answers 404); changes go through
``elections.services``, whose refusals become form errors or messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.models import Person
from dangjian.core.page_permissions import allowed, require, run_service
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.elections import services
from dangjian.elections.choices import ElectionKind, ElectionState, RoundReason
from dangjian.elections.forms import (
    BallotForm,
    CandidateForm,
    CountForm,
    DecisionForm,
    ElectionEditForm,
    ElectionFilterSet,
    ElectionForm,
    ExclusionForm,
    FurtherRoundForm,
    OfficerDecisionForm,
    OfficerReportForm,
    PaperBallotForm,
    ReduceSeatsForm,
    RejectForm,
)
from dangjian.elections.models import Candidate, Election, OfficerReport, RoundCandidate, VoteRecord
from dangjian.life.choices import MeetingKind
from dangjian.life.models import Meeting
from dangjian.orgs.models import Organization

VIEW, ADD, CHANGE = services.VIEW, services.ADD, services.CHANGE


def _election(request, pk: int, permission: str = VIEW) -> Election:
    election = get_object_or_404(
        Election.objects.visible_to(request.user).select_related("org", "meeting", "committee", "decided_by"),
        pk=pk,
    )
    require(request.user, VIEW, election)
    if permission != VIEW:
        require(request.user, permission, election)
    return election


def _run(request, form, action) -> bool:
    """``run_service`` with the request first, as this module's call sites read."""
    return run_service(form, action, request=request)


def _candidates(election: Election) -> list[Candidate]:
    return list(election.candidates.select_related("member__person", "member__org"))


@login_required
@require_GET
def election_list(request):
    """Elections in the user's subtree, newest first, filtered by organization, kind and state."""
    if not scope_of(request.user).has_any(VIEW):
        raise PageForbidden(VIEW)
    elections = (
        Election.objects.visible_to(request.user)
        .select_related("org")
        .annotate(candidate_count=Count("candidates", distinct=True))
        .order_by("-starts_at", "-id")
    )
    filterset = ElectionFilterSet(request.GET or None, queryset=elections)
    org = None
    if filterset.form.is_valid() and filterset.form.cleaned_data.get("org"):
        org = (
            Organization.objects.visible_to(request.user, VIEW)
            .filter(pk=filterset.form.cleaned_data["org"])
            .first()
        )
    return render(
        request,
        "elections/election_list.html",
        {
            "filterset": filterset,
            "page": paginate(request, filterset.qs),
            "org": org,
            "can_add": org is not None and allowed(request.user, ADD, org),
        },
    )


@login_required
def election_create(request, org_pk: int):
    """Prepare an election of an organization's committee (or secretary)."""
    org = get_object_or_404(Organization.objects.visible_to(request.user, ADD), pk=org_pk)
    require(request.user, ADD, org)
    meetings = Meeting.objects.filter(org=org, kind=MeetingKind.BRANCH_GENERAL).order_by("-starts_at")
    form = ElectionForm(request.POST or None, meetings=meetings)
    if not form.is_bound:
        form.initial.update(
            kind=ElectionKind.COMMITTEE,
            term_years=org.default_term_years,
            title=_("Re-election of %(org)s") % {"org": org.name},
        )
    if request.method == "POST" and form.is_valid():
        created: list[Election] = []
        if _run(
            request,
            form,
            lambda: created.append(services.create_election(org, by=request.user, **form.cleaned_data)),
        ):
            messages.success(request, _("The election is prepared; add the candidates next."))
            return redirect("elections:candidate_list", pk=created[0].pk)
    return render(request, "elections/election_form.html", {"form": form, "org": org})


@login_required
@require_GET
def election_detail(request, pk: int):
    """One election: its facts, candidates (with votes once counted), turnout and the next step."""
    election = _election(request, pk)
    user = request.user
    can_change = allowed(user, CHANGE, election)
    state = election.state
    return render(
        request,
        "elections/election_detail.html",
        {
            "election": election,
            "candidates": _candidates(election),
            "needed": services.minimum_candidates(election.seats, election.kind),
            "ballots": election.vote_records.filter(round=election.round).count(),
            "can_change": can_change,
            "further_reason": services.further_round_reason(election) if can_change else None,
            "can_decide": state == ElectionState.SUBMITTED and services.can_decide(election, user),
            "is_voter": state == ElectionState.VOTING and services.voter_for(election, user) is not None,
            "superior": services.superior_of(election),
        },
    )


@login_required
def election_edit(request, pk: int):
    """Edit a draft election (seats, term, voting window, kind); refused once the candidates are
    confirmed. The form carries the version loaded, so a concurrent save is not overwritten."""
    election = _election(request, pk, CHANGE)
    meetings = Meeting.objects.filter(org=election.org, kind=MeetingKind.BRANCH_GENERAL).order_by(
        "-starts_at"
    )
    form = ElectionEditForm(request.POST or None, instance=election, meetings=meetings)
    editable = election.state == ElectionState.DRAFT
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        version = form.cleaned_data.get("version")
        # ModelForm validation wrote the posted values onto ``election``; the service reloads it.
        if _run(
            request,
            form,
            lambda: services.update_election(election, by=request.user, expected_version=version, **fields),
        ):
            messages.success(request, _("Saved."))
            return redirect("elections:election_detail", pk=election.pk)
    return render(
        request,
        "elections/election_edit.html",
        {"form": form, "election": Election.objects.select_related("org").get(pk=pk), "editable": editable},
    )


@login_required
def further_round(request, pk: int):
    """Open a further round after a count that left a tie (再次投票) or unfilled seats
    (另行选举 among those not elected; 选举工作条例)."""
    election = _election(request, pk, CHANGE)
    reason = services.further_round_reason(election)
    pool = (
        list(services.further_round_pool(election, reason).select_related("member__person")) if reason else []
    )
    elected = election.candidates.filter(elected=True).count()
    form = FurtherRoundForm(
        request.POST or None,
        pool=pool,
        choosable=reason == RoundReason.SHORTFALL,
        initial={
            "candidates": [str(c.pk) for c in pool],
            "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (timezone.localtime() + timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.open_further_round(
                election,
                by=request.user,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                candidate_ids=form.candidate_ids(),
            ),
        )
    ):
        messages.success(request, _("The further round is open: voters can cast their ballots."))
        return redirect("elections:election_detail", pk=election.pk)
    return render(
        request,
        "elections/further_round.html",
        {
            "election": election,
            "form": form,
            "reason": reason,
            "pool": pool,
            "left": election.seats - elected,
            "article": services.ARTICLE_TIE if reason == RoundReason.TIE else services.ARTICLE_MAJORITY,
        },
    )


@login_required
def candidate_list(request, pk: int):
    """The candidate list of a draft election, with a form to add a 正式党员 of the organization."""
    election = _election(request, pk)
    can_change = allowed(request.user, CHANGE, election) and election.state == ElectionState.DRAFT
    members = (
        services.voters(election.org)
        .exclude(candidacies__election=election)
        .select_related("person", "org")
        .order_by("person__name_pinyin", "pk")
    )
    form = CandidateForm(request.POST or None, members=members)
    if request.method == "POST":
        require(request.user, CHANGE, election)
        if form.is_valid() and _run(
            request,
            form,
            lambda: services.add_candidate(election, by=request.user, member=form.cleaned_data["member"]),
        ):
            messages.success(request, _("Candidate added."))
            return redirect("elections:candidate_list", pk=election.pk)
    candidates = _candidates(election)
    return render(
        request,
        "elections/candidate_list.html",
        {
            "election": election,
            "candidates": candidates,
            "needed": services.minimum_candidates(election.seats, election.kind),
            "form": form,
            "can_change": can_change,
        },
    )


@login_required
def candidate_remove(request, pk: int, candidate_pk: int):
    election = _election(request, pk, CHANGE)
    candidate = get_object_or_404(election.candidates.select_related("member__person"), pk=candidate_pk)
    if request.method == "POST":
        if _run(request, None, lambda: services.remove_candidate(candidate, by=request.user)):
            messages.success(request, _("Candidate removed."))
        return redirect("elections:candidate_list", pk=election.pk)
    return render(
        request,
        "elections/confirm.html",
        {
            "election": election,
            "heading": _("Remove %(name)s from the candidates?") % {"name": candidate.member.person.name},
            "consequence": _("The candidate list can be changed until it is confirmed."),
            "confirm_label": _("Remove"),
        },
    )


def _step(request, pk: int, *, action, heading: str, consequence: str, label: str, done: str, danger=False):
    """A confirmation page for a step of the election (GET) that runs it (POST)."""
    election = _election(request, pk, CHANGE)
    if request.method == "POST":
        if _run(request, None, lambda: action(election)):
            messages.success(request, done)
        return redirect("elections:election_detail", pk=election.pk)
    return render(
        request,
        "elections/confirm.html",
        {
            "election": election,
            "heading": heading,
            "consequence": consequence,
            "confirm_label": label,
            "danger": danger,
        },
    )


@login_required
def election_confirm(request, pk: int):
    return _step(
        request,
        pk,
        action=lambda election: services.confirm_candidates(election, by=request.user),
        heading=_("Confirm the candidates?"),
        consequence=_(
            "The candidate list is fixed and printed on the ballot; a committee needs at least 20% "
            "more candidates than seats (差额)."
        ),
        label=_("Confirm the candidates"),
        done=_("The candidates are confirmed."),
    )


@login_required
def election_open(request, pk: int):
    return _step(
        request,
        pk,
        action=lambda election: services.open_voting(election, by=request.user),
        heading=_("Open voting?"),
        consequence=_(
            "Voters can cast their ballots on their phones during the voting window, and staff can "
            "enter paper ballots. The number of voters expected is fixed now."
        ),
        label=_("Open voting"),
        done=_("Voting is open."),
    )


@login_required
def election_submit(request, pk: int):
    return _step(
        request,
        pk,
        action=lambda election: services.submit_results(election, by=request.user),
        heading=_("Report the result to the superior committee?"),
        consequence=_("The result takes effect when the superior party committee approves it."),
        label=_("Submit for approval"),
        done=_("The result has been submitted for approval."),
    )


@login_required
def election_count(request, pk: int):
    """Close the ballot box: enter the voters present and count (quorum and majority checked)."""
    election = _election(request, pk, CHANGE)
    ballots = election.vote_records.filter(round=election.round).count()
    form = CountForm(request.POST or None, initial={"present": ballots})
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.close_and_count(election, by=request.user, present=form.cleaned_data["present"]),
        )
    ):
        messages.success(request, _("The votes are counted."))
        return redirect("elections:election_results", pk=election.pk)
    return render(
        request, "elections/election_count.html", {"election": election, "form": form, "ballots": ballots}
    )


@login_required
@require_GET
def election_results(request, pk: int):
    """The result table: candidates by votes, who is elected, the turnout and the thresholds."""
    election = _election(request, pk)
    candidates = sorted(_candidates(election), key=lambda c: (-c.votes_for, c.order, c.pk))
    counted = election.counted_at is not None
    return render(
        request,
        "elections/election_results.html",
        {
            "election": election,
            "candidates": candidates,
            "counted": counted,
            "rounds": _rounds(election),
            "majority": (election.present_voters or 0) // 2 + 1,
            "quorum": (election.expected_voters or 0) * 4 // 5 + 1,
        },
    )


def _rounds(election: Election) -> list:
    """The further rounds with their candidates' votes (two queries)."""
    rounds = list(election.rounds.order_by("number"))
    entries = RoundCandidate.objects.filter(round__in=rounds).select_related("candidate__member__person")
    by_round: dict[int, list] = {}
    for entry in entries.order_by("-votes_for", "candidate__order", "pk"):
        by_round.setdefault(entry.round_id, []).append(entry)
    for further in rounds:
        further.entry_list = by_round.get(further.pk, [])
    return rounds


def _decision(request, pk: int, *, approving: bool):
    election = _election(request, pk)
    if not services.can_decide(election, request.user):
        raise PageForbidden(CHANGE)
    form = (DecisionForm if approving else RejectForm)(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if approving:
            action = lambda: services.approve_results(  # noqa: E731
                election, by=request.user, note=form.cleaned_data["note"]
            )
        else:
            action = lambda: services.reject_results(  # noqa: E731
                election, by=request.user, reason=form.cleaned_data["reason"]
            )
        if _run(request, form, action):
            messages.success(
                request,
                _("Approved: the new committee and its term are recorded.")
                if approving
                else _("Result rejected."),
            )
            return redirect("elections:election_detail", pk=election.pk)
    return render(
        request,
        "elections/election_decide.html",
        {
            "election": election,
            "form": form,
            "approving": approving,
            "elected": [c for c in _candidates(election) if c.elected],
        },
    )


@login_required
def election_approve(request, pk: int):
    """The superior committee approves the result: the committee and its term are recorded."""
    return _decision(request, pk, approving=True)


@login_required
def election_reject(request, pk: int):
    return _decision(request, pk, approving=False)


@login_required
def paper_ballot(request, pk: int):
    """Staff enter a paper ballot as marked; a ballot with too many marks is kept as invalid."""
    election = _election(request, pk, CHANGE)
    candidates = list(services.ballot_candidates(election).select_related("member__person", "member__org"))
    voted = VoteRecord.objects.filter(election=election, round=election.round, voter=OuterRef("pk"))
    not_voted = (
        services.voters(election.org)
        .exclude(Exists(voted))
        .select_related("person")
        .order_by("person__name_pinyin", "pk")
    )
    form = PaperBallotForm(request.POST or None, candidates=candidates, voters=not_voted)
    if request.method == "POST" and form.is_valid():
        stored: list[services.VoteReceipt] = []
        if _run(
            request,
            form,
            lambda: stored.append(
                services.enter_paper_ballot(
                    election,
                    by=request.user,
                    voter=form.cleaned_data["voter"],
                    candidate_ids=form.candidate_ids(),
                )
            ),
        ):
            if stored[0].is_valid:
                messages.success(request, _("Paper ballot entered."))
            else:
                messages.warning(
                    request, _("The ballot marks more candidates than seats: entered as invalid.")
                )
            return redirect("elections:paper_ballot", pk=election.pk)
    return render(
        request,
        "elections/paper_ballot.html",
        {
            "election": election,
            "form": form,
            "ballots": election.vote_records.filter(round=election.round).count(),
            "seats": services.seats_on_ballot(election, services.current_round(election)),
        },
    )


@login_required
def ballot(request, pk: int):
    """The phone page of a voter: the candidates as checkboxes and one submit.

    Reached by a voter (an active 正式党员 of the organization) through their own account; anyone
    else gets 404, or 403 when they can see the election as staff.
    """
    election = get_object_or_404(Election.objects.select_related("org"), pk=pk)
    voter = services.voter_for(election, request.user)
    if voter is None:
        if Election.objects.visible_to(request.user).filter(pk=pk).exists():
            raise PageForbidden(_("You have no vote in this election."))
        raise Http404
    # Whether I have voted in this round (and on which day), never what: the ballot is not linked.
    cast = VoteRecord.objects.filter(election=election, round=election.round, voter=voter).first()
    further = services.current_round(election)
    candidates = list(services.ballot_candidates(election).select_related("member__person"))
    form = BallotForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if (
        request.method == "POST"
        and cast is None
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.cast_ballot(election, user=request.user, candidate_ids=form.candidate_ids()),
        )
    ):
        messages.success(request, _("Your ballot has been cast. Thank you."))
        return redirect("elections:ballot", pk=election.pk)
    refusal = None if cast else services.ballot_refusal(election, user=request.user, further=further)
    return render(
        request,
        "elections/ballot.html",
        {
            "election": election,
            "further": further,
            "seats": services.seats_on_ballot(election, further),
            "form": form,
            "cast": cast,
            "refusal": refusal,
            "now": timezone.now(),
        },
    )


# --- 应到会, seats, officers (issue 10) ----------------------------------------------------------


@login_required
def voter_exclusions(request, pk: int):
    """Voters left out of 应到会 before voting opens, each with its category and both approvals."""
    election = _election(request, pk, CHANGE)
    exclusions = list(election.exclusions.select_related("member__person", "recorded_by").order_by("pk"))
    excluded = [exclusion.member_id for exclusion in exclusions]
    voters = services.voters(election.org).exclude(pk__in=excluded).select_related("person")
    form = ExclusionForm(request.POST or None, voters=voters.order_by("person__name_pinyin", "pk"))
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request, form, lambda: services.exclude_voter(election, by=request.user, **form.cleaned_data)
        )
    ):
        messages.success(request, _("The voter is left out of the voters expected."))
        return redirect("elections:voter_exclusions", pk=election.pk)
    return render(
        request,
        "elections/voter_exclusions.html",
        {
            "election": election,
            "exclusions": exclusions,
            "form": form,
            "editable": election.state in (ElectionState.DRAFT, ElectionState.CONFIRMED),
            "expected": services.expected_voters(election),
        },
    )


@login_required
def reduce_seats(request, pk: int):
    """Reduce the seats to those elected, with the consent of more than half of the electors."""
    election = _election(request, pk, CHANGE)
    form = ReduceSeatsForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.reduce_seats(election, by=request.user, consents=form.cleaned_data["consents"]),
        )
    ):
        messages.success(request, _("The seats are reduced."))
        return redirect("elections:election_detail", pk=election.pk)
    return render(
        request,
        "elections/reduce_seats.html",
        {"election": election, "form": form, "elected": election.candidates.filter(elected=True).count()},
    )


@login_required
def officer_report(request, pk: int):
    """After an approved committee election: report the 书记 and 副书记 the committee elected."""
    election = _election(request, pk, CHANGE)
    if election.committee_id is None:
        raise Http404("no committee")
    committee = election.committee
    people = Person.objects.filter(
        pk__in=committee.seats.filter(ended_on__isnull=True).values("person_id")
    ).order_by("name_pinyin", "pk")
    form = OfficerReportForm(
        request.POST or None, people=people, initial={"elected_on": timezone.localdate()}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request, form, lambda: services.report_officers(committee, by=request.user, **form.cleaned_data)
        )
    ):
        messages.success(request, _("The secretary and deputy secretary are reported for approval."))
        return redirect("elections:officer_report", pk=election.pk)
    reports = list(
        committee.officer_reports.select_related("secretary", "deputy").order_by("-reported_at", "-pk")
    )
    can_decide = services.can_decide(election, request.user)
    return render(
        request,
        "elections/officer_report.html",
        {"election": election, "form": form, "reports": reports, "can_decide": can_decide},
    )


@login_required
def officer_decide(request, pk: int, report_pk: int):
    """The superior committee approves or rejects the reported 书记 and 副书记."""
    election = _election(request, pk)
    report = get_object_or_404(
        OfficerReport.objects.filter(committee_id=election.committee_id).select_related(
            "secretary", "deputy"
        ),
        pk=report_pk,
    )
    if not services.can_decide(election, request.user):
        raise PageForbidden(CHANGE)
    form = OfficerDecisionForm(request.POST or None)

    def decide():
        if form.cleaned_data["decision"] == "approve":
            return services.approve_officers(report, by=request.user, note=form.cleaned_data["note"])
        return services.reject_officers(report, by=request.user, reason=form.cleaned_data["note"])

    if request.method == "POST" and form.is_valid() and _run(request, form, decide):
        messages.success(request, _("The decision is recorded."))
        return redirect("elections:officer_report", pk=election.pk)
    return render(
        request, "elections/officer_decide.html", {"election": election, "report": report, "form": form}
    )
