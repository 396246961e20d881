"""Committees (委员会) of party organizations: creating one, its page, seating and unseating members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.errors import RuleViolation
from dangjian.core.models import Person
from dangjian.core.page_permissions import allowed, require
from dangjian.orgs import services
from dangjian.orgs.forms import (
    CommitteeForm,
    SeatEndForm,
    SeatForm,
)
from dangjian.orgs.models import Committee, CommitteeMember, Organization
from dangjian.orgs.views.common import (
    ORGS,
    SEARCH_LIMIT,
    _node,
    _visible_ancestors,
)
from dangjian.orgs.warnings import ROLE_RANK


def _committees(user):
    return Committee.objects.filter(org__in=Organization.objects.visible_to(user)).select_related(
        "org__jurisdiction"
    )


@login_required
def committee_create(request, pk: int):
    """Record a newly elected committee of org ``pk`` (换届); the previous one becomes history."""
    org = _node(request, ORGS, pk)
    require(request.user, "orgs.add_committee", org)
    form = CommitteeForm(
        request.POST or None,
        initial={"term_years": org.default_term_years, "elected_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.elect_committee(org, by=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The new committee is recorded; now add its members."))
            return redirect("orgs:committee_detail", pk=committee.pk)
    return render(
        request,
        "orgs/committee_form.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "form": form,
            "ancestors": _visible_ancestors(ORGS, request.user, [org])[org.path],
            "previous": Committee.objects.filter(org=org, is_current=True).first(),
        },
    )


@login_required
@require_GET
def committee_detail(request, pk: int):
    seats = CommitteeMember.objects.select_related("person").order_by("ended_on", "role", "id")
    committee = get_object_or_404(
        _committees(request.user).prefetch_related(Prefetch("seats", queryset=seats)), pk=pk
    )
    org = committee.org
    can_change = committee.is_current and allowed(request.user, "orgs.change_committee", committee)
    return render(
        request,
        "orgs/committee_detail.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "committee": committee,
            "seats": sorted(
                committee.seats.all(),
                key=lambda seat: (seat.ended_on is not None, ROLE_RANK.get(seat.role, 99), seat.pk),
            ),
            "can_change": can_change,
            "ancestors": [*_visible_ancestors(ORGS, request.user, [org])[org.path], org],
            "today": timezone.localdate(),
        },
    )


@login_required
def committee_seat_add(request, pk: int):
    """Seat a person (found by search among the members of the org's subtree) on the committee."""
    user = request.user
    committee = get_object_or_404(_committees(user), pk=pk)
    require(user, "orgs.change_committee", committee)
    org = committee.org
    people = Person.objects.visible_to(user)
    form = SeatForm(request.POST or None, people=people, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.add_committee_seat(committee, by=user, **form.cleaned_data)
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("%(person)s joined the committee as %(role)s.")
                % {"person": seat.person.name, "role": seat.get_role_display()},
            )
            return redirect("orgs:committee_detail", pk=committee.pk)
    query = (request.GET.get("q") or "").strip()
    candidates = []
    if query:
        candidates = list(
            people.search(query)
            .filter(membership__org__path__startswith=org.path, membership__is_active=True)
            .select_related("membership__org")[:SEARCH_LIMIT]
        )
    elif request.method == "POST" and form.data.get("person"):
        candidates = list(
            people.filter(pk=form.data.get("person")).select_related("membership__org")[:1]
            if str(form.data.get("person")).isdigit()
            else []
        )
    return render(
        request,
        "orgs/committee_seat_form.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "committee": committee,
            "form": form,
            "query": query,
            "options": [
                (
                    person.pk,
                    person.name,
                    f"{person.membership.org.name} · {person.membership.get_status_display()}",
                )
                for person in candidates
            ],
            "chosen": str(form.data.get("person", "")),
            "ancestors": [*_visible_ancestors(ORGS, user, [org])[org.path], org],
        },
    )


@login_required
def committee_seat_end(request, pk: int):
    """End a committee member's seat (confirmation with the end date and a reason)."""
    user = request.user
    seat = get_object_or_404(
        CommitteeMember.objects.filter(committee__in=_committees(user)).select_related(
            "person", "committee__org__jurisdiction"
        ),
        pk=pk,
    )
    require(user, "orgs.change_committee", seat)
    form = SeatEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_committee_seat(
                seat, by=user, ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"]
            )
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The seat of %(person)s has ended.") % {"person": seat.person.name})
            return redirect("orgs:committee_detail", pk=seat.committee_id)
    org = seat.committee.org
    return render(
        request,
        "orgs/committee_seat_end.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "seat": seat,
            "form": form,
            "ancestors": [*_visible_ancestors(ORGS, user, [org])[org.path], org],
        },
    )
