"""State changes of matching: assigning a suggested volunteer, and a batch proposal's life —
proposed, edited pair by pair, accepted (every pair assigned in one transaction) or discarded.

Who: whoever holds ``volunteering.change_need`` over the scope (the proposal's street or
community, or the need's place). Each change checks that, applies its rule (RuleViolation with a
Chinese message), writes an audit line, and refuses a stale edit of a proposal (its version).
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.scoping import check_perm, scope_of
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import NeedState, VolunteerState
from dangjian.volunteering.matchmaking import batch
from dangjian.volunteering.matchmaking.candidates import current_loads, place_of
from dangjian.volunteering.matchmaking.choices import ProposalState
from dangjian.volunteering.matchmaking.models import NEED_PERMISSION, MatchProposal, ProposedPair
from dangjian.volunteering.matchmaking.scoring import distance_level, fit, slots_of
from dangjian.volunteering.models import Need, Volunteer

SCOPE_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY)
# How many refused needs a message names before it says "and N more".
NAMED_IN_MESSAGE = 5


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _names(titles: list[str]) -> str:
    shown = "、".join(f"“{title}”" for title in titles[:NAMED_IN_MESSAGE])
    if len(titles) > NAMED_IN_MESSAGE:
        shown += gettext(" and %(count)d more") % {"count": len(titles) - NAMED_IN_MESSAGE}
    return shown


def may_match(user) -> bool:
    """Whether the matching pages open for ``user``: they may change needs somewhere."""
    return scope_of(user).has_any(NEED_PERMISSION)


# --- one need -------------------------------------------------------------------------------


def _require_open(need: Need) -> None:
    if need.state != NeedState.OPEN:
        raise RuleViolation(
            gettext("The need “%(title)s” is no longer open (it is %(state)s); it cannot be assigned.")
            % {"title": need.title, "state": need.get_state_display()},
            rule="need_not_open",
        )


def _require_active(volunteer: Volunteer) -> None:
    if volunteer.state != VolunteerState.ACTIVE:
        raise RuleViolation(
            gettext("%(name)s is not an active volunteer (%(state)s).")
            % {"name": volunteer.person.name, "state": volunteer.get_state_display()},
            rule="volunteer_not_active",
        )


def assign_need_here(need: Need, volunteer: Volunteer, *, by) -> Need:
    """Give ``need`` to ``volunteer`` (open → assigned): the minimal assignment this part needs
    while ``dangjian.volunteering.lists.services.assign_need`` is not there; see ``assign``."""
    with transaction.atomic():
        current = Need.objects.select_for_update(of=("self",)).select_related("area", "org").get(pk=need.pk)
        check_perm(by, NEED_PERMISSION, current)
        _require_open(current)
        _require_active(volunteer)
        now = timezone.now()
        updated = Need.objects.filter(pk=current.pk, version=current.version, state=NeedState.OPEN).update(
            state=NeedState.ASSIGNED, volunteer=volunteer, assigned_at=now, version=F("version") + 1
        )
        if updated != 1:
            raise ConcurrentChange(
                gettext("Someone changed this need at the same moment; reload the page and try again."),
                rule="version",
            )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=_user(by),
            changes={"state": [NeedState.OPEN, NeedState.ASSIGNED], "volunteer": [None, str(volunteer)]},
            note="volunteering.assign_need",
        )
        current.refresh_from_db()
    return current


def assign(need: Need, volunteer: Volunteer, *, by) -> Need:
    """Assign through the lists' ``assign_need`` where it exists, else through ``assign_need_here``."""
    try:
        from dangjian.volunteering.lists.services import assign_need
    except ImportError:
        assign_need = assign_need_here
    return assign_need(need, volunteer, by=by)


def assign_suggested(need: Need, volunteer: Volunteer, *, by) -> Need:
    """Assign a volunteer chosen from the need's suggestions (the user must see the volunteer)."""
    check_perm(by, NEED_PERMISSION, need)
    if not Volunteer.objects.visible_to(by, "view").filter(pk=volunteer.pk).exists():
        raise PermissionDenied(gettext("This volunteer is outside your scope."), rule="scope")
    _require_active(volunteer)
    return assign(need, volunteer, by=by)


# --- batch proposals ------------------------------------------------------------------------


def _require_scope(by, area: Area) -> None:
    if area.kind not in SCOPE_KINDS:
        raise RuleViolation(
            gettext("A proposal is made for a street or a community; “%(name)s” is neither.")
            % {"name": area.name},
            rule="scope_kind",
            field="area",
        )
    if not scope_of(by).has_perm(NEED_PERMISSION, area_path=area.path):
        raise PermissionDenied(
            gettext("You may not assign the needs of %(name)s.") % {"name": area.name}, rule="scope"
        )


def propose(area: Area, *, by) -> MatchProposal:
    """Solve the open needs of ``area`` (a street or community) and store the answer as a draft."""
    _require_scope(by, area)
    plan = batch.plan(area, by)
    if plan.open_needs == 0:
        raise RuleViolation(
            gettext("%(name)s has no open needs you may assign.") % {"name": area.name}, rule="no_open_needs"
        )
    with transaction.atomic():
        proposal = MatchProposal.objects.create(
            area=area,
            open_needs=plan.open_needs,
            volunteers_considered=plan.volunteers_considered,
            created_by=_user(by),
        )
        ProposedPair.objects.bulk_create(
            [
                ProposedPair(
                    proposal=proposal,
                    need_id=pair.need_id,
                    volunteer_id=pair.volunteer_id,
                    score=pair.score,
                    skill_matched=pair.skill_matched,
                    skill_wanted=pair.skill_wanted,
                    distance=pair.distance,
                    slots_overlap=pair.slots_overlap,
                    load=pair.load,
                    slots=pair.slots,
                )
                for pair in plan.pairs
            ],
            batch_size=1000,
        )
        audit.record(
            AuditAction.CREATE,
            proposal,
            by=_user(by),
            changes={
                "area": [None, area.name],
                "open_needs": [None, plan.open_needs],
                "pairs": [None, len(plan.pairs)],
                "total_cost": [None, plan.total_cost],
            },
            note="volunteering.propose_matching",
        )
    return proposal


def _locked(proposal: MatchProposal, by, version: int | None) -> MatchProposal:
    """The proposal locked for a change: in the user's scope, still a draft, not changed meanwhile."""
    current = MatchProposal.objects.select_for_update(of=("self",)).select_related("area").get(pk=proposal.pk)
    _require_scope(by, current.area)
    if current.state != ProposalState.DRAFT:
        raise RuleViolation(
            gettext("This proposal is %(state)s; only a draft can be changed.")
            % {"state": current.get_state_display()},
            rule="proposal_not_draft",
        )
    if version is not None and int(version) != current.version:
        raise ConcurrentChange(
            gettext("Someone changed this proposal meanwhile; reload the page and try again."), rule="version"
        )
    return current


def _bump(proposal: MatchProposal, **fields) -> None:
    MatchProposal.objects.filter(pk=proposal.pk).update(version=F("version") + 1, **fields)
    proposal.refresh_from_db()


def remove_pair(
    proposal: MatchProposal, pair: ProposedPair, *, by, version: int | None = None
) -> MatchProposal:
    """Take one pair out of a draft: its need stays open."""
    with transaction.atomic():
        current = _locked(proposal, by, version)
        pair = ProposedPair.objects.select_related("need", "volunteer__person").get(
            pk=pair.pk, proposal=current
        )
        pair.delete()
        _bump(current)
        audit.record(
            AuditAction.UPDATE,
            current,
            by=_user(by),
            changes={"pair": [f"{pair.need.title} → {pair.volunteer.person.name}", None]},
            note="volunteering.remove_pair",
        )
    return current


def _fit_for(need: Need, volunteer: Volunteer, load: int):
    need_skills = set(need.skills.values_list("id", flat=True))
    place = place_of(need.area)
    return fit(
        need_skills=need_skills,
        volunteer_skills=set(volunteer.skills.filter(id__in=need_skills).values_list("id", flat=True)),
        distance=distance_level(volunteer.area.path, place.grid, place.community, place.street),
        need_availability=need.availability,
        volunteer_availability=volunteer.availability,
        load=load,
        capacity_hours=volunteer.capacity_hours,
    )


def change_pair(
    proposal: MatchProposal, pair: ProposedPair, volunteer: Volunteer, *, by, version: int | None = None
) -> ProposedPair:
    """Give a pair's need to another volunteer, within that volunteer's free capacity."""
    with transaction.atomic():
        current = _locked(proposal, by, version)
        pair = ProposedPair.objects.select_related("need__area", "volunteer__person").get(
            pk=pair.pk, proposal=current
        )
        volunteer = (
            Volunteer.objects.visible_to(by, "view")
            .select_related("person", "area")
            .filter(pk=volunteer.pk)
            .first()
        )
        if volunteer is None:
            raise PermissionDenied(gettext("This volunteer is outside your scope."), rule="scope")
        _require_active(volunteer)
        load = current_loads([volunteer.pk]).get(volunteer.pk, 0)
        taken = current.pairs.filter(volunteer=volunteer).exclude(pk=pair.pk).count()
        slots = slots_of(volunteer.capacity_hours)
        if load + taken >= slots:
            raise RuleViolation(
                gettext(
                    "%(name)s can hold %(slots)d needs at once and already has %(held)d "
                    "(assigned or in this proposal); choose another volunteer."
                )
                % {"name": volunteer.person.name, "slots": slots, "held": load + taken},
                rule="capacity",
                field="volunteer",
            )
        before = pair.volunteer.person.name
        new_fit = _fit_for(pair.need, volunteer, load)
        pair.volunteer = volunteer
        pair.score = new_fit.score
        pair.skill_matched = new_fit.skill_matched
        pair.skill_wanted = new_fit.skill_wanted
        pair.distance = new_fit.distance
        pair.slots_overlap = new_fit.slots_overlap
        pair.load = load
        pair.slots = slots
        pair.save()
        _bump(current)
        audit.record(
            AuditAction.UPDATE,
            current,
            by=_user(by),
            changes={
                "pair": [f"{pair.need.title} → {before}", f"{pair.need.title} → {volunteer.person.name}"]
            },
            note="volunteering.change_pair",
        )
    return pair


def accept(proposal: MatchProposal, *, by, version: int | None = None) -> MatchProposal:
    """Assign every pair of a draft in one transaction, or nothing: refused when a need is no
    longer open (or outside the user's scope), a volunteer has left, or a volunteer would hold
    more needs than their capacity."""
    with transaction.atomic():
        current = _locked(proposal, by, version)
        pairs = list(current.pairs.select_related("volunteer__person").order_by("id"))
        if not pairs:
            raise RuleViolation(gettext("This proposal has no pairs to accept."), rule="empty_proposal")
        need_ids = [pair.need_id for pair in pairs]
        needs = {
            need.pk: need
            for need in Need.objects.select_for_update(of=("self",))
            .select_related("area", "org")
            .filter(pk__in=need_ids)
            .order_by("pk")
        }
        changeable = set(
            Need.objects.visible_to(by, NEED_PERMISSION).filter(pk__in=need_ids).values_list("pk", flat=True)
        )
        stale = sorted(
            needs[pair.need_id].title
            for pair in pairs
            if needs[pair.need_id].state != NeedState.OPEN or pair.need_id not in changeable
        )
        if stale:
            raise RuleViolation(
                gettext(
                    "%(count)d needs of this proposal are no longer open: %(names)s. Remove their "
                    "pairs (or make a new proposal) and accept again."
                )
                % {"count": len(stale), "names": _names(stale)},
                rule="need_not_open",
            )
        gone = sorted(
            {pair.volunteer.person.name for pair in pairs if pair.volunteer.state != VolunteerState.ACTIVE}
        )
        if gone:
            raise RuleViolation(
                gettext("These volunteers are no longer active: %(names)s. Change their pairs first.")
                % {"names": _names(gone)},
                rule="volunteer_not_active",
            )
        taking = Counter(pair.volunteer_id for pair in pairs)
        loads = current_loads(list(taking))
        over = sorted(
            {
                pair.volunteer.person.name
                for pair in pairs
                if loads.get(pair.volunteer_id, 0) + taking[pair.volunteer_id]
                > slots_of(pair.volunteer.capacity_hours)
            }
        )
        if over:
            raise RuleViolation(
                gettext(
                    "These volunteers would hold more needs than their capacity: %(names)s. "
                    "Change some of their pairs first."
                )
                % {"names": _names(over)},
                rule="capacity",
            )
        for pair in pairs:
            assign(needs[pair.need_id], pair.volunteer, by=by)
        _bump(current, state=ProposalState.ACCEPTED, decided_by=_user(by), decided_at=timezone.now())
        audit.record(
            AuditAction.UPDATE,
            current,
            by=_user(by),
            changes={"state": [ProposalState.DRAFT, ProposalState.ACCEPTED], "assigned": [0, len(pairs)]},
            note="volunteering.accept_matching",
        )
    return current


def discard(proposal: MatchProposal, *, by, version: int | None = None) -> MatchProposal:
    """Set a draft aside without assigning anything."""
    with transaction.atomic():
        current = _locked(proposal, by, version)
        _bump(current, state=ProposalState.DISCARDED, decided_by=_user(by), decided_at=timezone.now())
        audit.record(
            AuditAction.UPDATE,
            current,
            by=_user(by),
            changes={"state": [ProposalState.DRAFT, ProposalState.DISCARDED]},
            note="volunteering.discard_matching",
        )
    return current
