"""The grid worker's phone pages: my grids with their open requests, 上报 on patrol, logging a
visit, the grid's households and the neighbours of an address (the "网络图").

Pages are light (no script beyond the geolocation button) for cheap phones on a poor signal.
Household data is visible only to the staff of the grid and every look at it is audited
(DOMAIN.md, "Out of scope, on purpose": no risk lists, no scoring — only who lives where).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.page_permissions import require_any, run_service
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.members.models import GridWorker, Resident
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service import services
from dangjian.service.choices import OPEN_STATES, RequestSource, RequestState
from dangjian.service.config_forms import GridReportForm, VisitForm
from dangjian.service.models import Category, ServiceRequest
from dangjian.service.selectors import figure_q

REGISTER = "service.add_servicerequest"
VIEW_RESIDENTS = "members.view_resident"
REVEAL = "core.reveal_personal_data"
GRIDS_PER_PAGE = 10
REQUESTS_PER_GRID = 8
HOUSEHOLD_ROWS_PER_PAGE = 60
# A building's residents for the neighbours page; far above any real building's household count.
BUILDING_LIMIT = 800
RECENT_DAYS = 90


# --- my grids -------------------------------------------------------------------------------------


@login_required
@require_safe
def grid_home(request):
    """我的网格: the grids of my posts (or, for staff without posts, the grids of my scope)."""
    require_any(request.user, REGISTER)
    visible = Area.objects.visible_to(request.user, REGISTER).filter(kind=AreaKind.GRID, is_active=True)
    query = request.GET.get("q", "").strip()[:50]
    person_id = getattr(request.user, "person_id", None)
    post_ids = (
        list(
            GridWorker.objects.filter(person_id=person_id, is_active=True, area__in=visible).values_list(
                "area_id", flat=True
            )
        )
        if person_id
        else []
    )
    from_posts = bool(post_ids) and not query
    grids = visible.filter(pk__in=post_ids) if from_posts else visible
    if query:
        grids = grids.search(query)
    page = paginate(request, grids.order_by("path", "id"), per_page=GRIDS_PER_PAGE)
    grid_ids = [grid.pk for grid in page]
    now = timezone.now()
    requests = ServiceRequest.objects.visible_to(request.user).filter(
        area_id__in=grid_ids, state__in=OPEN_STATES
    )
    counts = {
        row["area_id"]: row
        for row in requests.values("area_id").annotate(
            open=Count("id"),
            overdue=Count("id", filter=figure_q("overdue", now=now)),
            supervised=Count("id", filter=Q(is_supervised=True)),
        )
    }
    # Most urgent first: overdue (earliest deadline) then due soonest; a few per grid in one query.
    ranked = (
        requests.annotate(
            rank=Window(RowNumber(), partition_by=[F("area_id")], order_by=[F("due_at").asc(), F("id").asc()])
        )
        .filter(rank__lte=REQUESTS_PER_GRID)
        .select_related("category")
        .order_by("area_id", "due_at", "id")
    )
    by_grid: dict[int, list] = {}
    for item in ranked:
        # The clock stops while 挂起: a suspended request is not overdue (as in the figures).
        item.is_overdue = item.due_at < now and item.state != RequestState.SUSPENDED
        item.is_mine = item.reported_by_id == request.user.pk
        by_grid.setdefault(item.area_id, []).append(item)
    cards = [
        {
            "grid": grid,
            "requests": by_grid.get(grid.pk, []),
            "open": counts.get(grid.pk, {}).get("open", 0),
            "overdue": counts.get(grid.pk, {}).get("overdue", 0),
            "supervised": counts.get(grid.pk, {}).get("supervised", 0),
        }
        for grid in page
    ]
    return render(
        request,
        "service/grid/home.html",
        {"page": page, "cards": cards, "query": query, "from_posts": from_posts, "now": now},
    )


def _grid(request, pk: int, permission: str) -> Area:
    """A grid the user holds ``permission`` over; any other grid answers 404."""
    grid = get_object_or_404(
        Area.objects.visible_to(request.user, permission).filter(kind=AreaKind.GRID, is_active=True), pk=pk
    )
    if not scope_of(request.user).has_perm(permission, area_path=grid.path):
        raise Http404
    return grid


# --- 上报 ----------------------------------------------------------------------------------------


@dataclass
class _Choice:
    pk: int
    name: str
    label: str


def report_categories(user) -> list[tuple[_Choice, str]]:
    """Leaf categories, the ones this user reported most in the last months first ("recent")."""
    categories = list(Category.objects.filter(is_active=True).order_by("path").only("name", "path", "depth"))
    names = {category.path: category.name for category in categories}
    parents = {category.path[: -category.steplen] for category in categories if category.depth > 1}
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    frequent = [
        row["category_id"]
        for row in ServiceRequest.objects.filter(reported_by=user, created_at__gte=since)
        .values("category_id")
        .annotate(times=Count("id"))
        .order_by("-times", "category_id")[:5]
    ]
    leaves = []
    for category in categories:
        if category.path in parents:
            continue
        parent_name = names.get(category.path[: -category.steplen], "")
        label = f"{parent_name} · {category.name}" if parent_name else category.name
        leaves.append(_Choice(category.pk, category.name, label))
    by_pk = {choice.pk: choice for choice in leaves}
    recent = [(by_pk[pk], "recent") for pk in frequent if pk in by_pk]
    return recent + [(choice, "all") for choice in leaves]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grid_report(request, area_pk: int):
    """上报 on patrol, in under a minute: category, description, photo, place, optional contact."""
    grid = _grid(request, area_pk, REGISTER)
    choices = report_categories(request.user)
    form = GridReportForm(request.POST or None, request.FILES or None, categories=choices)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields["category"] = Category.objects.get(pk=fields["category"].pk)
        photo = form.cleaned_data.get("photo")
        created: list[ServiceRequest] = []

        def submit() -> None:
            with transaction.atomic():
                request_obj = services.submit_request(
                    source=RequestSource.PATROL, by=request.user, area=grid, **fields
                )
                if photo:
                    services.add_photo(request_obj, upload=photo, by=request.user)
                created.append(request_obj)

        if run_service(form, submit):
            request_obj = created[0]
            messages.success(
                request,
                _("Reported. Tracking code: %(code)s (due %(due)s).")
                % {
                    "code": request_obj.tracking_code,
                    "due": timezone.localtime(request_obj.due_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("service:grid_home")
    return render(request, "service/grid/report.html", {"grid": grid, "form": form})


# --- 走访 ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grid_visit(request, pk: int):
    """Log one more visit (最多跑一次) on a request, with a note, from the phone."""
    request_obj = get_object_or_404(
        ServiceRequest.objects.visible_to(request.user).select_related("category", "area"), pk=pk
    )
    if not services.may(request.user, "visit", request_obj):
        raise PageForbidden("visit")
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done: list[ServiceRequest] = []
        if run_service(
            form,
            lambda: done.append(
                services.log_visit(request_obj, by=request.user, note=form.cleaned_data["note"])
            ),
        ):
            request_obj.refresh_from_db(fields=["visit_count"])
            messages.success(
                request,
                _("Visit logged for %(code)s (visit %(count)s).")
                % {"code": request_obj.tracking_code, "count": request_obj.visit_count},
            )
            return redirect("service:grid_home")
    return render(request, "service/grid/visit.html", {"request_obj": request_obj, "form": form})


# --- households and neighbours ------------------------------------------------------------------


@dataclass
class Household:
    building: Area
    household: str
    residents: list = field(default_factory=list)
    first_pk: int = 0


def _group(residents) -> list[Household]:
    groups: list[Household] = []
    for resident in residents:
        last = groups[-1] if groups else None
        if last is None or last.building.pk != resident.area_id or last.household != resident.household:
            last = Household(building=resident.area, household=resident.household, first_pk=resident.pk)
            groups.append(last)
        last.residents.append(resident)
    return groups


def _audit_look(user, obj, note: str, resident_ids: list[int]) -> None:
    """Every look at household data is audited, masked or not (DOMAIN.md)."""
    with transaction.atomic():
        audit.record(AuditAction.REVEAL, obj, by=user, changes={"residents": [None, resident_ids]}, note=note)


RESIDENT_COLUMNS = (
    "household",
    "area",
    "area__name",
    "area__path",
    "area__kind",
    "person__name",
    "person__mobile_masked",
    "person__id_number_masked",
    "person__gender",
)


@login_required
@require_safe
def grid_households(request, area_pk: int):
    """The grid's households by building, names shown, phones and ID numbers masked; audited."""
    grid = _grid(request, area_pk, VIEW_RESIDENTS)
    residents = (
        Resident.objects.filter(area__path__startswith=grid.path, is_current=True)
        .select_related("person", "area")
        .only(*RESIDENT_COLUMNS)
        .order_by("area__path", "household", "id")
    )
    page = paginate(request, residents, per_page=HOUSEHOLD_ROWS_PER_PAGE)
    _audit_look(
        request.user,
        grid,
        _("Viewed the household list of the grid (page %(page)s)") % {"page": page.number},
        [resident.pk for resident in page],
    )
    return render(
        request,
        "service/grid/households.html",
        {
            "grid": grid,
            "page": page,
            "households": _group(page),
            "can_reveal": scope_of(request.user).has_perm(REVEAL, area_path=grid.path),
        },
    )


HOUSEHOLD_PATTERN = re.compile(r"(?:(?P<unit>\d+)\s*单元)?\D*?(?P<room>\d{3,4})\s*(?:室|号)?\s*$")


def room_number(text: str) -> int | None:
    """502 for "3单元502" (None when the household string has no room number)."""
    match = HOUSEHOLD_PATTERN.search(text or "")
    return int(match.group("room")) if match is not None else None


def parse_household(text: str) -> tuple[str, int | None]:
    """``("3", 5)`` for "3单元502": the unit (may be "") and the floor of a household string."""
    match = HOUSEHOLD_PATTERN.search(text or "")
    if match is None:
        return "", None
    return match.group("unit") or "", int(match.group("room")) // 100


def _neighbour_page(request, grid: Area, building: Area, household: str):
    unit, floor = parse_household(household)
    rows = list(
        Resident.objects.filter(area=building, is_current=True)
        .select_related("person")
        .only("household", "area", "person__name", "person__mobile_masked")
        .order_by("household", "id")[:BUILDING_LIMIT]
    )
    groups = _group_by_household(rows, building)
    same_home, same_floor, same_unit, same_building = [], [], [], []
    for item in groups:
        item_unit, item_floor = parse_household(item.household)
        if item.household == household:
            same_home.append(item)
        elif floor is not None and item_unit == unit and item_floor == floor:
            same_floor.append(item)
        elif unit and item_unit == unit:
            same_unit.append(item)
        else:
            same_building.append(item)
    # The small diagram: the floors of the household's unit (top floor first), one column per
    # room position (…01, …02), so the homes above and below each other line up.
    cells: dict[tuple[int, int], Household] = {}
    for item in [*same_home, *same_floor, *same_unit]:
        item_unit, item_floor = parse_household(item.household)
        room = room_number(item.household)
        if item_floor is not None and room is not None and item_unit == unit:
            cells.setdefault((item_floor, room % 100), item)
    columns = sorted({column for _floor, column in cells})
    diagram = [
        (number, [cells.get((number, column)) for column in columns])
        for number in sorted({floor_number for floor_number, _column in cells}, reverse=True)
    ]
    _audit_look(
        request.user,
        building,
        _("Viewed the neighbours of %(building)s %(household)s")
        % {"building": building.name, "household": household},
        [resident.pk for resident in rows],
    )
    return render(
        request,
        "service/grid/neighbours.html",
        {
            "grid": grid,
            "building": building,
            "household": household,
            "unit": unit,
            "floor": floor,
            "same_home": same_home,
            "same_floor": same_floor,
            "same_unit": same_unit,
            "same_building": same_building,
            "diagram": diagram,
            "truncated": len(rows) >= BUILDING_LIMIT,
        },
    )


def _group_by_household(rows, building: Area) -> list[Household]:
    groups: dict[str, Household] = {}
    for resident in rows:
        group = groups.setdefault(
            resident.household,
            Household(building=building, household=resident.household, first_pk=resident.pk),
        )
        group.residents.append(resident)
    return list(groups.values())


def _grid_of(area: Area) -> Area | None:
    """The grid an area lies in (the area itself for a grid)."""
    if area.kind == AreaKind.GRID:
        return area
    prefixes = [area.path[:end] for end in range(area.steplen, len(area.path), area.steplen)]
    return Area.objects.filter(path__in=prefixes, kind=AreaKind.GRID).first()


@login_required
@require_safe
def grid_neighbours(request, area_pk: int):
    """The neighbours of an address in the grid (``?address=1号楼3单元502``)."""
    grid = _grid(request, area_pk, VIEW_RESIDENTS)
    address = request.GET.get("address", "").strip()[:100]
    buildings = list(
        Area.objects.filter(path__startswith=grid.path, is_active=True).order_by("-depth", "path")[:500]
    )
    building, household = grid, address
    compact = address.replace(" ", "")
    for candidate in buildings:
        if candidate.pk != grid.pk and compact.startswith(candidate.name):
            building, household = candidate, compact[len(candidate.name) :]
            break
    if not household:
        return render(
            request, "service/grid/neighbours.html", {"grid": grid, "address": address, "ask": True}
        )
    return _neighbour_page(request, grid, building, household)


@login_required
@require_safe
def grid_household_neighbours(request, resident_pk: int):
    """The neighbours of a resident's household (the 网络图 of one home)."""
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("area").filter(is_current=True),
        pk=resident_pk,
    )
    grid = _grid_of(resident.area)
    if grid is None or not scope_of(request.user).has_perm(VIEW_RESIDENTS, area_path=resident.area.path):
        raise Http404
    return _neighbour_page(request, grid, resident.area, resident.household)
