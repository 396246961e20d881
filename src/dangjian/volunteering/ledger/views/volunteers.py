"""Pages of the volunteer ledger (志愿者台账): the filtered list, a volunteer's entry with its
history, registering (an existing person found by search, or a new one), editing, pausing,
leaving and coming back, joining by oneself, and the Excel import and export.

The list costs a fixed number of queries whatever its size; every change goes through
``volunteering.ledger.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import excel_views
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry, Person
from dangjian.core.pagination import paginate
from dangjian.core.reauth import recent_auth_required
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.dual_reporting.choices import ReportState
from dangjian.dual_reporting.models import MemberReport
from dangjian.dual_reporting.services import community_containing
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.choices import VolunteerState
from dangjian.volunteering.ledger import services
from dangjian.volunteering.ledger.filters import (
    DAY_LABELS,
    SLOT_LABELS,
    active_filters,
    filtered,
    volunteer_rows,
)
from dangjian.volunteering.ledger.forms import EntryForm, NewPersonForm, StaffEntryForm, StateForm, slots_of
from dangjian.volunteering.ledger.imports import VOLUNTEER_SPEC, volunteer_export_rows
from dangjian.volunteering.ledger.views.common import (
    AREA_SEARCH_LIMIT,
    apply,
    area_options,
    chosen_area,
    form_status,
    require_anywhere,
    visible_volunteer,
)
from dangjian.volunteering.models import Team, Volunteer

PEOPLE_SEARCH_LIMIT = 20
HISTORY_LINES = 20


def grid_rows(mask: int) -> list[dict]:
    """The 7×3 availability grid: one row per day, a flag per slot (morning, afternoon, evening)."""
    return [
        {"day": DAY_LABELS[day], "slots": [bool(mask & (1 << (day * 3 + slot))) for slot in range(3)]}
        for day in range(7)
    ]


def _list_queryset(user):
    return Volunteer.objects.visible_to(user).select_related("person", "area").prefetch_related("skills")


@login_required
@require_GET
def volunteer_list(request: HttpRequest) -> HttpResponse:
    """The ledger of the user's areas and organizations, filtered, in pinyin order; fixed cost."""
    require_anywhere(request.user, services.VIEW)
    filterset = filtered(request.GET, _list_queryset(request.user), request)
    page = paginate(request, volunteer_rows(filterset))
    keep = request.GET.copy()
    keep.pop("page", None)
    keep.pop("area_q", None)
    current = active_filters(request.GET, filterset)
    # The area filter is picked by a search (name or code) among the areas the user reads the
    # ledger of, at most AREA_SEARCH_LIMIT results: the same few queries for a grid or a district.
    area_query = (request.GET.get("area_q") or "").strip()[:50]
    area_found = []
    if area_query:
        area_found = list(
            Area.objects.visible_to(request.user, services.VIEW)
            .search(area_query)
            .only("pk", "name", "kind")
            .order_by("path")[:AREA_SEARCH_LIMIT]
        )
    without_area = keep.copy()
    without_area.pop("area", None)
    return render(
        request,
        "volunteering/ledger/volunteer_list.html",
        {
            "filter": filterset,
            "page": page,
            "area_node": filterset.area_node,
            "org_node": filterset.org_node,
            "team_node": filterset.team_node,
            "export_query": keep.urlencode(),
            "area_query": area_query,
            "area_found": area_found,
            "query_without_area": without_area.urlencode(),
            "can_add": scope_of(request.user).has_any(services.ADD),
            "filtered": bool(current),
            "filter_count": len(current),
        },
    )


@login_required
@require_GET
@recent_auth_required
def volunteer_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger as .xlsx (mobiles masked), audited with its filters."""
    require_anywhere(request.user, services.VIEW)
    filterset = filtered(request.GET, _list_queryset(request.user).prefetch_related("teams"), request)
    return excel_views.export_response(
        VOLUNTEER_SPEC,
        volunteer_export_rows(volunteer_rows(filterset)),
        by=request.user,
        filters=active_filters(request.GET, filterset),
    )


def _visible_names(user, org: Organization | None, areas: list[Area]) -> tuple[bool, set[int]]:
    """Whether the member's organization and which of ``areas`` the user may see (two queries):
    an out-of-scope node is never named."""
    org_visible = (
        org is not None and Organization.objects.visible_to(user).filter(pk=org.pk).exists()
        if org is not None
        else False
    )
    area_ids = {area.pk for area in areas}
    visible = set(Area.objects.visible_to(user).filter(pk__in=area_ids).values_list("pk", flat=True))
    return org_visible, visible


def history_of(obj, limit: int = HISTORY_LINES) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .only("at", "username", "action", "changes", "note")
        .order_by("-at", "-id")[:limit]
    )


@login_required
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A volunteer's entry: skills, interests, capacity, availability grid, home, party membership
    and its active 双报到, teams, and the changes from the audit log."""
    volunteer = visible_volunteer(request, pk)
    user = request.user
    member = volunteer.party_member
    report = None
    if member is not None:
        report = (
            MemberReport.objects.filter(member=member, state=ReportState.ACTIVE)
            .select_related("community")
            .order_by("-reported_on")
            .first()
        )
    org_visible, areas_visible = _visible_names(
        user,
        member.org if member is not None else None,
        [report.community] if report is not None else [],
    )
    member_org = member.org if member is not None else None
    can_change = has_perm_over(user, services.CHANGE, volunteer)
    return render(
        request,
        "volunteering/ledger/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "person": volunteer.person,
            "skills": list(volunteer.skills.all()),
            "teams": list(volunteer.teams.filter(is_active=True).order_by("name")),
            "grid": grid_rows(volunteer.availability),
            "slot_labels": SLOT_LABELS,
            "member": member,
            "member_org_name": member_org.name if member_org is not None and org_visible else "",
            "report": report,
            "report_community": report.community.name
            if report is not None and report.community_id in areas_visible
            else "",
            "history": history_of(volunteer),
            "can_change": can_change,
            "states": _state_actions(volunteer) if can_change else [],
        },
    )


def _state_actions(volunteer: Volunteer) -> list[tuple[str, str, str]]:
    """(state, label, button class) the volunteer may move to."""
    labels = {
        VolunteerState.PAUSED: (_("Pause"), "btn-outline-warning"),
        VolunteerState.LEFT: (_("Leave the ledger"), "btn-outline-danger"),
        VolunteerState.ACTIVE: (_("Bring back"), "btn-outline-success"),
    }
    return [
        (state, *labels[state])
        for state, sources in services.STATE_CHANGES.items()
        if volunteer.state in sources
    ]


def _teams_for(user, volunteer: Volunteer | None = None):
    """The teams offered on the form: the user's active teams; for an entry, those of its
    community and the ones it is already in (a district's 1,300 teams are no list to tick)."""
    teams = Team.objects.visible_to(user).filter(is_active=True)
    if volunteer is not None:
        community = community_containing(volunteer.area)
        if community is not None:
            current = list(volunteer.teams.values_list("pk", flat=True))
            teams = teams.filter(Q(area__path__startswith=community.path) | Q(pk__in=current))
    return teams.order_by("name", "id")


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_create(request: HttpRequest) -> HttpResponse:
    """Register a volunteer: a person found by name among those the user may see, or a new person
    (name, ID number, mobile); the home area is found by search (default: the person's home)."""
    user = request.user
    require_anywhere(user, services.ADD)
    posted = request.method == "POST"
    person_value = str(request.POST.get("person") or request.GET.get("person") or "")
    new_person = NewPersonForm(request.POST if posted and not person_value else None)
    form = StaffEntryForm(request.POST or None, teams=_teams_for(user))
    created: list[Volunteer] = []
    if posted and form.is_valid() and (person_value or new_person.is_valid()):
        area = chosen_area(request, services.ADD, form.cleaned_data.get("area"))

        def register() -> Volunteer:
            if person_value:
                person = Person.objects.visible_to(user, services.ADD).filter(pk=person_value).first()
                if person is None:
                    raise RuleViolation(_("Choose the person from the search results."), field="person")
            else:
                person, _created = services.register_person(by=user, **new_person.cleaned_data)
            volunteer = services.create_volunteer(person, by=user, area=area, **form.entry_fields())
            created.append(volunteer)
            return volunteer

        if apply(form, register) is not None:
            messages.success(
                request, _("%(name)s was added to the volunteer ledger.") % {"name": created[0].person}
            )
            return redirect("volunteering:volunteer_detail", pk=created[0].pk)
    query = (request.GET.get("q") or "").strip()[:50]
    people: list[Person] = []
    if query:
        people = list(
            Person.objects.visible_to(user, services.ADD)
            .search(query)
            .exclude(pk__in=Volunteer.objects.values("person_id"))
            .only("pk", "name", "id_number_masked", "mobile_masked")
            .order_by("name_pinyin", "id")[:PEOPLE_SEARCH_LIMIT]
        )
    elif person_value.isdigit():
        people = list(Person.objects.visible_to(user, services.ADD).filter(pk=person_value)[:1])
    area_query, areas = area_options(request, services.ADD, str(form.data.get("area") or ""))
    return render(
        request,
        "volunteering/ledger/volunteer_form.html",
        {
            "form": form,
            "new_person": new_person,
            "volunteer": None,
            "query": query,
            "people": [(p.pk, p.name, p.id_number_masked or p.mobile_masked) for p in people],
            "chosen_person": person_value,
            "area_query": area_query,
            "areas": areas,
            "chosen_area": str(form.data.get("area") or ""),
        },
        status=form_status(form, new_person) if posted else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the entry; someone else's change meanwhile refuses this one (409)."""
    user = request.user
    volunteer = visible_volunteer(request, pk, services.CHANGE)
    initial = {
        "skills": list(volunteer.skills.all()),
        "skills_note": volunteer.skills_note,
        "interests": volunteer.interests,
        "capacity_hours": volunteer.capacity_hours,
        "availability": slots_of(volunteer.availability),
        "teams": list(volunteer.teams.all()),
        "area": volunteer.area_id,
        "version": volunteer.version,
    }
    form = StaffEntryForm(request.POST or None, initial=initial, teams=_teams_for(user, volunteer))
    if request.method == "POST" and form.is_valid():
        fields = form.entry_fields()
        area_value = form.cleaned_data.get("area")
        if area_value and area_value != volunteer.area_id:
            area = chosen_area(request, services.CHANGE, area_value)
            if area is None:
                form.add_error(None, _("Choose the home area from the search results."))
            fields["area"] = area
        if not form.errors and apply(
            form,
            lambda: services.update_volunteer(
                volunteer, by=user, expected_version=form.cleaned_data.get("version"), **fields
            ),
        ):
            messages.success(request, _("The entry of %(name)s was saved.") % {"name": volunteer.person})
            return redirect("volunteering:volunteer_detail", pk=volunteer.pk)
    chosen = (
        str(form.data.get("area") or volunteer.area_id)
        if request.method == "POST"
        else str(volunteer.area_id)
    )
    area_query, areas = area_options(request, services.CHANGE, chosen)
    return render(
        request,
        "volunteering/ledger/volunteer_form.html",
        {
            "form": form,
            "volunteer": volunteer,
            "area_query": area_query,
            "areas": areas,
            "chosen_area": chosen,
        },
        status=form_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_POST
def volunteer_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause, leave or bring back (a POST from the entry's page); audited with the reason."""
    volunteer = visible_volunteer(request, pk, services.CHANGE)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form is incomplete; reload the page and try again."))
        return redirect("volunteering:volunteer_detail", pk=volunteer.pk)
    try:
        services.change_state(
            volunteer,
            form.cleaned_data["state"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The volunteer's state was changed."))
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except (ConcurrentChange, RuleViolation) as error:
        messages.error(request, error.message)
    return redirect("volunteering:volunteer_detail", pk=volunteer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_join(request: HttpRequest) -> HttpResponse:
    """加入志愿者台账: a signed-in resident or member joins by themself; once in, they edit what they
    offer and may pause or come back here."""
    user = request.user
    if not services.may_join_self(user):
        raise PageForbidden(
            _("Only a person whose home or party membership is recorded can join by themself.")
        )
    mine = services.own_volunteer(user)
    initial = {}
    if mine is not None:
        initial = {
            "skills": list(mine.skills.all()),
            "skills_note": mine.skills_note,
            "interests": mine.interests,
            "capacity_hours": mine.capacity_hours,
            "availability": slots_of(mine.availability),
        }
    if request.method == "POST" and mine is not None and request.POST.get("state") in services.STATE_CHANGES:
        # 暂停 or 恢复 by oneself; leaving for good is the community's to record.
        state = request.POST["state"]
        if state in (VolunteerState.PAUSED, VolunteerState.ACTIVE):
            try:
                services.change_state(mine, state, by=user, expected_version=None, self_service=True)
                messages.success(request, _("Your state in the ledger was changed."))
            except RuleViolation as error:
                messages.error(request, error.message)
        return redirect("volunteering:volunteer_join")
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if mine is None:
            done = apply(form, lambda: services.join_self(user, **form.entry_fields()))
            message = _("Welcome to the volunteer ledger of your community.")
        else:
            done = apply(
                form,
                lambda: services.update_volunteer(
                    mine, by=user, expected_version=None, self_service=True, **form.entry_fields()
                ),
            )
            message = _("What you offer was saved.")
        if done is not None:
            messages.success(request, message)
            return redirect("volunteering:volunteer_join")
    return render(
        request,
        "volunteering/ledger/volunteer_join.html",
        {"form": form, "mine": mine, "grid": grid_rows(mine.availability) if mine else []},
        status=form_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_import(request: HttpRequest) -> HttpResponse:
    require_anywhere(request.user, services.ADD)
    list_url = reverse("volunteering:volunteer_list")
    return excel_views.import_page(
        request,
        VOLUNTEER_SPEC,
        template_url=reverse("volunteering:volunteer_import_template"),
        done_url=list_url,
        breadcrumbs=[(list_url, _("Volunteer ledger"))],
    )


@login_required
@require_GET
def volunteer_import_template(request: HttpRequest) -> HttpResponse:
    require_anywhere(request.user, services.ADD)
    return excel_views.template_download(VOLUNTEER_SPEC)
