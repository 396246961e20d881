"""Teams (志愿服务队, 党群温馨小组): the list of the user's scope, a team with its members, adding
and editing a team, putting a volunteer in a team and taking them out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.core.search import search_in_name_order
from dangjian.volunteering.choices import TeamKind, VolunteerState
from dangjian.volunteering.ledger import services
from dangjian.volunteering.ledger.forms import TeamForm
from dangjian.volunteering.ledger.views.common import (
    apply,
    area_options,
    chosen_area,
    form_status,
    require_anywhere,
    visible_team,
)
from dangjian.volunteering.ledger.views.volunteers import history_of
from dangjian.volunteering.models import Team, Volunteer

CANDIDATE_LIMIT = 12


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    """The teams of the user's scope with their member counts (one query per page)."""
    require_anywhere(request.user, services.VIEW_TEAM)
    kind = request.GET.get("kind", "")
    teams = Team.objects.visible_to(request.user).select_related("area")
    if kind in TeamKind.values:
        teams = teams.filter(kind=kind)
    if request.GET.get("inactive") != "1":
        teams = teams.filter(is_active=True)
    teams = teams.annotate(
        member_count=Count("volunteers", filter=~Q(volunteers__state=VolunteerState.LEFT))
    ).order_by("name", "id")
    return render(
        request,
        "volunteering/ledger/team_list.html",
        {
            "page": paginate(request, teams),
            "kind": kind,
            "kinds": TeamKind.choices,
            "can_add": scope_of(request.user).has_any(services.ADD_TEAM),
        },
    )


@login_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A team, its members (paginated) and, for who may change it, a search to add volunteers."""
    team = visible_team(request, pk)
    user = request.user
    members = (
        Volunteer.objects.visible_to(user)
        .filter(teams=team)
        .exclude(state=VolunteerState.LEFT)
        .select_related("person", "area")
        .order_by("sort_name", "id")
    )
    can_change = has_perm_over(user, services.CHANGE_TEAM, team)
    query = (request.GET.get("q") or "").strip()[:50]
    candidates = []
    if can_change and query:
        found = search_in_name_order(
            Volunteer.objects.visible_to(user).exclude(state=VolunteerState.LEFT).exclude(teams=team),
            query,
            key="sort_name",
        )
        candidates = list(found[:CANDIDATE_LIMIT])
    return render(
        request,
        "volunteering/ledger/team_detail.html",
        {
            "team": team,
            "page": paginate(request, members),
            "can_change": can_change,
            "query": query,
            "candidates": candidates,
            "history": history_of(team, 10),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_anywhere(user, services.ADD_TEAM)
    form = TeamForm(request.POST or None, initial={"kind": request.GET.get("kind") or TeamKind.SERVICE_TEAM})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = chosen_area(request, services.ADD_TEAM, data.get("area"))
        if area is None:
            form.add_error(None, _("Choose the team's area from the search results."))
        else:
            team = apply(
                form,
                lambda: services.create_team(
                    by=user, name=data["name"], kind=data["kind"], area=area, description=data["description"]
                ),
            )
            if team is not None:
                messages.success(request, _("The team “%(name)s” was created.") % {"name": team.name})
                return redirect("volunteering:team_detail", pk=team.pk)
    chosen = str(form.data.get("area") or "")
    area_query, areas = area_options(request, services.ADD_TEAM, chosen)
    return render(
        request,
        "volunteering/ledger/team_form.html",
        {"form": form, "team": None, "area_query": area_query, "areas": areas, "chosen_area": chosen},
        status=form_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    team = visible_team(request, pk, services.CHANGE_TEAM)
    form = TeamForm(
        request.POST or None,
        initial={
            "name": team.name,
            "kind": team.kind,
            "description": team.description,
            "area": team.area_id,
            "version": team.version,
            "is_active": team.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("name", "kind", "description", "is_active")}
        if data.get("area") and data["area"] != team.area_id:
            area = chosen_area(request, services.CHANGE_TEAM, data["area"])
            if area is None:
                form.add_error(None, _("Choose the team's area from the search results."))
            fields["area"] = area
        if not form.errors and apply(
            form, lambda: services.update_team(team, by=user, expected_version=data.get("version"), **fields)
        ):
            messages.success(request, _("The team was saved."))
            return redirect("volunteering:team_detail", pk=team.pk)
    chosen = str(form.data.get("area") or team.area_id) if request.method == "POST" else str(team.area_id)
    area_query, areas = area_options(request, services.CHANGE_TEAM, chosen)
    return render(
        request,
        "volunteering/ledger/team_form.html",
        {"form": form, "team": team, "area_query": area_query, "areas": areas, "chosen_area": chosen},
        status=form_status(form) if request.method == "POST" else 200,
    )


def _member_change(request: HttpRequest, pk: int, volunteer_pk: int, change, done: str) -> HttpResponse:
    team = visible_team(request, pk, services.CHANGE_TEAM)
    volunteer = get_object_or_404(
        Volunteer.objects.visible_to(request.user).select_related("person", "area", "org"), pk=volunteer_pk
    )
    try:
        change(team, volunteer, by=request.user)
        messages.success(request, done)
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        messages.error(request, error.message)
    return redirect("volunteering:team_detail", pk=team.pk)


@login_required
@require_POST
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the posted volunteer (``volunteer``) in the team."""
    value = str(request.POST.get("volunteer") or "")
    if not value.isdigit():
        messages.error(request, _("Choose a volunteer from the search results."))
        return redirect("volunteering:team_detail", pk=visible_team(request, pk, services.CHANGE_TEAM).pk)
    return _member_change(
        request, pk, int(value), services.add_team_member, _("The volunteer joined the team.")
    )


@login_required
@require_POST
def team_member_remove(request: HttpRequest, pk: int, volunteer_pk: int) -> HttpResponse:
    return _member_change(
        request, pk, volunteer_pk, services.remove_team_member, _("The volunteer left the team.")
    )
