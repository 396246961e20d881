"""Permission table of the election pages: secretary_a of 社区A runs and approves the elections of
社区A's branch; elections of 社区B's branch are out of scope (404). The ballot page is reached by
membership rather than by a role: secretary_a is made a 正式党员 of the branch so the rows check a
real ballot; a resident, who has no vote and sees nothing, gets 404."""

from __future__ import annotations

from dangjian.accounts.models import User
from dangjian.elections.choices import ElectionState
from dangjian.elections.models import Election
from dangjian.members.models import PartyMember
from tests.elections.helpers import election_in, link_voter
from tests.permissions import Route


def election(org, state: str = ElectionState.DRAFT) -> Election:
    """One election of ``org`` in ``state`` per test (the table calls the builders repeatedly)."""
    title = f"routes {state}"
    found = Election.objects.filter(org=org, title=title).first()
    if found is not None:
        return found
    Election.objects.filter(org=org).exclude(
        state__in=[ElectionState.APPROVED, ElectionState.REJECTED]
    ).update(state=ElectionState.REJECTED)
    found = election_in(org, state=state, title=title)
    if state in (ElectionState.COUNTED, ElectionState.SUBMITTED, ElectionState.APPROVED):
        found.present_voters = found.expected_voters
        found.ballots_cast = found.valid_ballots = 0
        found.save(update_fields=["present_voters", "ballots_cast", "valid_ballots"])
        for candidate in found.candidates.order_by("order")[:3]:
            candidate.elected = True
            candidate.votes_for = 4
            candidate.save(update_fields=["elected", "votes_for"])
        from django.utils import timezone

        Election.objects.filter(pk=found.pk).update(counted_at=timezone.now())
    return found


def short(org) -> Election:
    """A counted election of ``org`` with one of its 3 seats unfilled (另行选举 possible)."""
    found = Election.objects.filter(org=org, title="routes shortfall").first()
    if found is not None:
        return found
    found = election(org, ElectionState.COUNTED)
    Election.objects.filter(pk=found.pk).update(title="routes shortfall")
    found.candidates.filter(order=3).update(elected=False)
    found.refresh_from_db()
    return found


def short_a(world) -> dict:
    return {"pk": short(world.branch_a1).pk}


def short_b(world) -> dict:
    return {"pk": short(world.branch_b1).pk}


def further_round_form(world) -> dict:
    from django.utils import timezone

    current = short(world.branch_a1)
    now = timezone.localtime()
    return {
        "candidates": [
            str(pk) for pk in current.candidates.filter(elected=False).values_list("pk", flat=True)
        ],
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }


def _edit_form(world) -> dict:
    current = election(world.branch_a1, ElectionState.DRAFT)
    return {**_create_form(world), "version": current.version}


def voting_with_secretary(world) -> dict:
    """A voting election of 社区A's branch in which secretary_a has a vote."""
    user = User.objects.filter(username="secretary_a").first()
    if user is not None:
        link_voter(user, world.branch_a1)
    return {"pk": election(world.branch_a1, ElectionState.VOTING).pk}


def a(state):
    return lambda world: {"pk": election(world.branch_a1, state).pk}


def b(state):
    return lambda world: {"pk": election(world.branch_b1, state).pk}


def _new_member(world) -> int:
    from tests.elections.helpers import add_voters

    return add_voters(world.branch_a1, 1)[0].pk


def _voter(world) -> int:
    current = election(world.branch_a1, ElectionState.VOTING)
    return (
        PartyMember.objects.filter(org=world.branch_a1, status="full", is_active=True)
        .exclude(vote_records__election=current)
        .values_list("pk", flat=True)
        .first()
    )


def _create_form(world) -> dict:
    from django.utils import timezone

    starts = timezone.localtime() + timezone.timedelta(days=3)
    return {
        "kind": "committee",
        "title": "第五届支部委员会换届选举",
        "seats": 3,
        "term_years": 5,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timezone.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }


def _candidate(world, org) -> dict:
    current = election(org, ElectionState.DRAFT)
    return {"pk": current.pk, "candidate_pk": current.candidates.first().pk}


DRAFT, CONFIRMED, VOTING = ElectionState.DRAFT, ElectionState.CONFIRMED, ElectionState.VOTING
COUNTED, SUBMITTED = ElectionState.COUNTED, ElectionState.SUBMITTED
DENIED = "grid_worker_a"


def _pair(name: str, state: str, data, **options) -> list[Route]:
    """The confirmation page (GET) and its action (POST → 302) of one step."""
    return [
        Route(name, in_scope=a(state), out_of_scope=b(state), denied_persona=DENIED, **options),
        Route(
            name,
            method="post",
            in_scope=a(state),
            out_of_scope=b(state),
            data=data,
            allowed_status=302,
            denied_persona=DENIED,
            **options,
        ),
    ]


ROUTES: list[Route] = [
    # The list is scoped rather than refused: its scoping is tested in test_pages.py.
    Route("elections:election_list", denied_persona="resident"),
    Route(
        "elections:election_create",
        in_scope=lambda w: {"org_pk": w.branch_a1.pk},
        out_of_scope=lambda w: {"org_pk": w.branch_b1.pk},
        denied_persona=DENIED,
    ),
    Route(
        "elections:election_create",
        method="post",
        in_scope=lambda w: {"org_pk": w.branch_a1.pk},
        out_of_scope=lambda w: {"org_pk": w.branch_b1.pk},
        data=_create_form,
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("elections:election_detail", in_scope=a(DRAFT), out_of_scope=b(DRAFT), denied_persona="resident"),
    Route("elections:candidate_list", in_scope=a(DRAFT), out_of_scope=b(DRAFT), denied_persona="resident"),
    Route("elections:election_edit", in_scope=a(DRAFT), out_of_scope=b(DRAFT), denied_persona=DENIED),
    Route(
        "elections:election_edit",
        method="post",
        in_scope=a(DRAFT),
        out_of_scope=b(DRAFT),
        data=_edit_form,
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("elections:further_round", in_scope=short_a, out_of_scope=short_b, denied_persona=DENIED),
    Route(
        "elections:further_round",
        method="post",
        in_scope=short_a,
        out_of_scope=short_b,
        data=further_round_form,
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route(
        "elections:candidate_list",
        method="post",
        in_scope=a(DRAFT),
        out_of_scope=b(DRAFT),
        data=lambda w: {"member": _new_member(w)},
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route(
        "elections:candidate_remove",
        in_scope=lambda w: _candidate(w, w.branch_a1),
        out_of_scope=lambda w: _candidate(w, w.branch_b1),
        denied_persona=DENIED,
    ),
    Route(
        "elections:candidate_remove",
        method="post",
        in_scope=lambda w: _candidate(w, w.branch_a1),
        out_of_scope=lambda w: _candidate(w, w.branch_b1),
        data=lambda w: {},
        allowed_status=302,
        denied_persona=DENIED,
    ),
    *_pair("elections:election_confirm", DRAFT, lambda w: {}),
    *_pair("elections:election_open", CONFIRMED, lambda w: {}),
    *_pair("elections:election_submit", COUNTED, lambda w: {}),
    *_pair("elections:election_approve", SUBMITTED, lambda w: {"note": "同意"}),
    *_pair("elections:election_reject", SUBMITTED, lambda w: {"reason": "材料不全"}),
    *_pair(
        "elections:election_count",
        VOTING,
        lambda w: {"present": election(w.branch_a1, VOTING).expected_voters},
    ),
    *_pair("elections:paper_ballot", VOTING, lambda w: {"voter": _voter(w), "choices": []}),
    Route(
        "elections:election_results", in_scope=a(COUNTED), out_of_scope=b(COUNTED), denied_persona="resident"
    ),
    Route(
        "elections:ballot",
        in_scope=voting_with_secretary,
        out_of_scope=b(VOTING),
        denied_persona="resident",
        two_roles="403",
    ),
    Route(
        "elections:ballot",
        method="post",
        in_scope=voting_with_secretary,
        out_of_scope=b(VOTING),
        data=lambda w: {"choices": []},
        allowed_status=302,
        denied_persona="resident",
        two_roles="403",
    ),
]


# --- 应到会 exclusions, seat reduction, the committee's officers (issue 10) ------------------------


def _excludable(world) -> dict:
    current = election(world.branch_a1, DRAFT)
    member = (
        PartyMember.objects.filter(org=world.branch_a1, status="full", is_active=True)
        .exclude(pk__in=current.exclusions.values("member_id"))
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "member": member,
        "category": "abroad",
        "superior_consent": "街道党工委复函同意",
        "meeting_approved": "on",
    }


def _with_committee(org) -> dict:
    """An approved committee election of ``org`` whose committee has three members."""
    import datetime

    from dangjian.orgs.choices import CommitteeRole
    from dangjian.orgs.models import Committee, CommitteeMember

    current = election(org, ElectionState.APPROVED)
    if current.committee_id is None:
        Committee.objects.filter(org=org, is_current=True).update(is_current=False)
        committee = Committee.objects.create(org=org, elected_on=datetime.date(2025, 1, 5), term_years=3)
        for candidate in current.candidates.order_by("order")[:3]:
            CommitteeMember.objects.create(
                committee=committee, person=candidate.member.person, role=CommitteeRole.MEMBER
            )
        Election.objects.filter(pk=current.pk).update(committee=committee)
        current.refresh_from_db()
    return {"pk": current.pk}


def _officer_form(world) -> dict:
    from django.utils import timezone

    current = Election.objects.get(pk=_with_committee(world.branch_a1)["pk"])
    current.committee.officer_reports.all().delete()
    person = current.committee.seats.order_by("pk").first().person_id
    return {"secretary": person, "elected_on": timezone.localdate().isoformat()}


def _officer_report(org) -> dict:
    from django.utils import timezone

    from dangjian.elections.models import OfficerReport

    current = Election.objects.get(pk=_with_committee(org)["pk"])
    report = current.committee.officer_reports.filter(state="submitted").first()
    if report is None:
        report = OfficerReport.objects.create(
            committee=current.committee,
            secretary=current.committee.seats.order_by("pk").first().person,
            elected_on=timezone.localdate(),
        )
    return {"pk": current.pk, "report_pk": report.pk}


ROUTES += [
    Route("elections:voter_exclusions", in_scope=a(DRAFT), out_of_scope=b(DRAFT), denied_persona=DENIED),
    Route(
        "elections:voter_exclusions",
        method="post",
        in_scope=a(DRAFT),
        out_of_scope=b(DRAFT),
        data=_excludable,
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("elections:reduce_seats", in_scope=short_a, out_of_scope=short_b, denied_persona=DENIED),
    Route(
        "elections:reduce_seats",
        method="post",
        in_scope=short_a,
        out_of_scope=short_b,
        data=lambda w: {"consents": short(w.branch_a1).present_voters},
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route(
        "elections:officer_report",
        in_scope=lambda w: _with_committee(w.branch_a1),
        out_of_scope=lambda w: _with_committee(w.branch_b1),
        denied_persona=DENIED,
    ),
    Route(
        "elections:officer_report",
        method="post",
        in_scope=lambda w: _with_committee(w.branch_a1),
        out_of_scope=lambda w: _with_committee(w.branch_b1),
        data=_officer_form,
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route(
        "elections:officer_decide",
        in_scope=lambda w: _officer_report(w.branch_a1),
        out_of_scope=lambda w: _officer_report(w.branch_b1),
        denied_persona=DENIED,
    ),
    Route(
        "elections:officer_decide",
        method="post",
        in_scope=lambda w: _officer_report(w.branch_a1),
        out_of_scope=lambda w: _officer_report(w.branch_b1),
        data=lambda w: {"decision": "approve", "note": "同意"},
        allowed_status=302,
        denied_persona=DENIED,
    ),
]
