"""API of service requests at /api/v1/service: list (the page's filters, by keyset), detail with the
timeline, staff registration, every action of ``services.ACTIONS`` plus 评价, categories, departments
and figures.

Handlers stay thin: the service functions check rights and rules, so a refused rule answers 400
with its message and rule name, a missing right 403, a stale ``version`` 409, and a request outside
the caller's scope 404 (``ServiceRequest.objects.visible_to``).
"""

from __future__ import annotations

import base64
import datetime

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from dangjian.core.converters import MAX_ID
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.core.scoping import scope_of
from dangjian.core.validators import ANY_DATES, AnyDate
from dangjian.orgs.models import Area, Organization
from dangjian.service import services
from dangjian.service.choices import PhotoKind, RequestSource, WhistleState
from dangjian.service.filters import RequestFilterSet
from dangjian.service.models import (
    Category,
    Department,
    DepartmentMember,
    ServiceRequest,
)
from dangjian.service.schemas import (
    ActionIn,
    CategoryNode,
    DepartmentOut,
    RequestCreate,
    RequestDetailOut,
    RequestListParams,
    RequestPage,
)

router = Router(tags=["service"])

VIEW = services.VIEW
# Sources staff register; portal and Open311 requests arrive through their own doors.
STAFF_SOURCES = (
    RequestSource.PATROL,
    RequestSource.HOTLINE,
    RequestSource.WALK_IN,
    RequestSource.MAILBOX,
    RequestSource.HOTLINE_12345,
)
LIST_RELATED = ("category", "area", "org", "handler_org", "handler_department", "assignee")


# --- reading -------------------------------------------------------------------------------------


def _may_read(request: HttpRequest) -> None:
    """Staff with the view right somewhere, or users of a department (they see what it is sent)."""
    user = request.user
    if scope_of(user).has_any(VIEW) or DepartmentMember.objects.filter(user=user).exists():
        return
    raise PermissionDenied(gettext("You do not have permission to view service requests."), rule="scope")


def _visible(request: HttpRequest):
    return ServiceRequest.objects.visible_to(request.user)


def _get(request: HttpRequest, id: int) -> ServiceRequest:
    return get_object_or_404(_visible(request).select_related(*LIST_RELATED), pk=id)


def _detail(request: HttpRequest, request_obj: ServiceRequest) -> ServiceRequest:
    request_obj = _get(request, request_obj.pk)
    request_obj.timeline = list(request_obj.events.order_by("created_at", "id"))
    request_obj.whistle_calls = list(request_obj.whistles.select_related("department").order_by("called_at"))
    request_obj.photos_list = list(request_obj.photos.order_by("created_at", "id"))
    request_obj.actions = services.available_actions(request.user, request_obj)
    return request_obj


def _cursor(request_obj: ServiceRequest) -> str:
    return base64.urlsafe_b64encode(
        f"{request_obj.created_at.isoformat()}|{request_obj.pk}".encode()
    ).decode()


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        created, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = parse_datetime(created)
        # A cursor is sent back by the client: a far year or id would overflow the query.
        if moment is None or ANY_DATES.message(moment) is not None or not 0 < int(pk) <= MAX_ID:
            raise ValueError(cursor)
        return moment, int(pk)
    except (ValueError, UnicodeDecodeError) as error:
        raise RuleViolation(
            gettext("The cursor is not valid; start again from the first page."), rule="cursor"
        ) from error


def _check_node(request: HttpRequest, model, value) -> None:
    """A filter by an area or organization outside the caller's scope answers 404, as its page would."""
    if value and not model.objects.visible_to(request.user).filter(pk=value).exists():
        raise Http404


@router.get("/requests", response=RequestPage, url_name="service_request_list")
def request_list(request: HttpRequest, params: Query[RequestListParams]) -> dict:
    """Requests in the caller's scope, newest first, by keyset; the request list page's filters
    (``state``, ``category``, ``area``, ``org``, ``created_from``/``created_to`` dates, ``overdue``,
    ``supervised``, ``figure`` with ``start``/``end`` …) plus ``department``."""
    _may_read(request)
    _check_node(request, Area, params.area)
    _check_node(request, Organization, params.org)
    filters = RequestFilterSet(request.GET, queryset=_visible(request), request=request)
    if not filters.form.is_valid():
        field, errors = next(iter(filters.form.errors.items()))
        raise RuleViolation(f"{field}: {' '.join(errors)}", rule="filter", field=field)
    rows = filters.qs.select_related(*LIST_RELATED)
    if params.department is not None:
        rows = rows.filter(handler_department_id=params.department)
    if params.cursor:
        created, pk = _parse_cursor(params.cursor)
        rows = rows.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))
    page = list(rows.order_by("-created_at", "-id")[: params.limit + 1])
    has_next = len(page) > params.limit
    page = page[: params.limit]
    return {"items": page, "next_cursor": _cursor(page[-1]) if has_next else None}


@router.get("/requests/{id:id}", response=RequestDetailOut, url_name="service_request_detail")
def request_detail(request: HttpRequest, id: int) -> ServiceRequest:
    """One request with its timeline, its 吹哨 calls and the actions the caller may take now."""
    return _detail(request, _get(request, id))


# --- writing -------------------------------------------------------------------------------------


@router.post("/requests", response={201: RequestDetailOut}, url_name="service_request_create")
def request_create(request: HttpRequest, payload: RequestCreate) -> Status:
    """Register a request for a resident (hotline, walk-in, patrol, mailbox, 12345).

    Send an ``Idempotency-Key`` header (any 1–255 printable ASCII characters, new for each
    request) to make a retry safe: the same key again answers the request already made."""
    if payload.source not in STAFF_SOURCES:
        raise RuleViolation(
            gettext("Staff register requests from the hotline, walk-ins, patrols, the mailbox or 12345."),
            rule="submit.source",
            field="source",
        )
    category = get_object_or_404(Category, pk=payload.category_id)
    area = get_object_or_404(Area, pk=payload.area_id) if payload.area_id is not None else None
    client_key = services.client_key_for(f"user:{request.user.pk}", request.headers.get("Idempotency-Key"))
    request_obj = services.submit_request(
        category=category,
        description=payload.description,
        source=payload.source.value,
        area=area,
        latitude=payload.latitude,
        longitude=payload.longitude,
        address=payload.address,
        title=payload.title,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        visit=payload.visit,
        by=request.user,
        client_key=client_key,
    )
    return Status(201, _detail(request, request_obj))


def _handler(payload: ActionIn) -> dict:
    org = department = None
    if payload.handler_org_id is not None:
        org = get_object_or_404(Organization, pk=payload.handler_org_id)
    if payload.handler_department_id is not None:
        department = get_object_or_404(Department, pk=payload.handler_department_id)
    return {"handler_org": org, "handler_department": department}


def _department(payload: ActionIn) -> Department:
    if payload.department_id is None:
        raise RuleViolation(
            gettext("Please choose the department to call."), rule="required", field="department_id"
        )
    return get_object_or_404(Department, pk=payload.department_id)


def _category(payload: ActionIn) -> Category:
    if payload.category_id is None:
        raise RuleViolation(gettext("Please choose the new category."), rule="required", field="category_id")
    return get_object_or_404(Category, pk=payload.category_id)


def _grid(payload: ActionIn) -> Area:
    if payload.area_id is None:
        raise RuleViolation(gettext("Please choose the grid."), rule="required", field="area_id")
    return get_object_or_404(Area, pk=payload.area_id)


def _whistle_report(request_obj: ServiceRequest, user, payload: ActionIn) -> ServiceRequest:
    """报到: the called department's user reports; the department becomes the handler."""
    calls = request_obj.whistles.filter(state__in=[WhistleState.CALLED, WhistleState.OVERDUE])
    if payload.department_id is not None:
        calls = calls.filter(department_id=payload.department_id)
    else:
        calls = calls.filter(department__memberships__user=user)
    call = calls.order_by("called_at").first()
    if call is None:
        raise RuleViolation(
            gettext("No department of yours has been called to this request."), rule="whistle_report.none"
        )
    services.report_to_whistle(call, by=user, note=payload.note)
    return request_obj


# One line per action: which service function, with which of the payload's fields.
# No "rate": only the resident rates, on the portal, with the proof sent to their phone
# (``services.rate_request``); a staff token or session must never produce a 满意率 entry.
ACTION_CALLS = {
    "place": lambda r, u, p: services.place_request(r, by=u, grid=_grid(p), note=p.note),
    "accept": lambda r, u, p: services.accept_request(r, by=u, note=p.note),
    "reject": lambda r, u, p: services.reject_request(r, by=u, reason=p.reason),
    "dispatch": lambda r, u, p: services.dispatch_request(r, by=u, note=p.note, **_handler(p)),
    "reassign": lambda r, u, p: services.reassign_request(r, by=u, note=p.note, **_handler(p)),
    "start": lambda r, u, p: services.start_handling(r, by=u),
    "feedback": lambda r, u, p: services.report_result(r, by=u, resolution=p.resolution),
    "return": lambda r, u, p: services.return_request(r, by=u, reason=p.reason),
    "approve": lambda r, u, p: services.approve_result(r, by=u, note=p.note),
    "send_back": lambda r, u, p: services.send_back(r, by=u, reason=p.reason),
    "suspend": lambda r, u, p: services.suspend_request(r, by=u, reason=p.reason),
    "resume": lambda r, u, p: services.resume_request(r, by=u, note=p.note),
    "reopen": lambda r, u, p: services.reopen_request(r, by=u, reason=p.reason),
    "archive": lambda r, u, p: services.archive_request(r, by=u),
    "recategorize": lambda r, u, p: services.recategorize_request(
        r, by=u, category=_category(p), note=p.note
    ),
    "supervise": lambda r, u, p: services.supervise_request(r, by=u, note=p.note),
    "whistle": lambda r, u, p: services.whistle_request(r, by=u, department=_department(p), note=p.note),
    "visit": lambda r, u, p: services.log_visit(r, by=u, note=p.note),
    "comment": lambda r, u, p: services.add_comment(r, by=u, note=p.note),
    "follow_up": lambda r, u, p: services.record_follow_up(r, by=u, note=p.note),
    "whistle_report": _whistle_report,
}


# Before the {action} route, which would otherwise take "photos" and expect a JSON body.
@router.post("/requests/{id:id}/photos", response={201: RequestDetailOut}, url_name="service_request_photo")
def request_photo(
    request: HttpRequest,
    id: int,
    photo: File[UploadedFile],
    kind: Form[str] = PhotoKind.REPORT.value,
) -> Status:
    """Add a photo (multipart ``photo``; ``kind`` report or result): checked, resized, its EXIF
    location kept for staff only."""
    if kind not in PhotoKind.values:
        raise RuleViolation(
            gettext("The photo kind must be report or result."), rule="photo.kind", field="kind"
        )
    request_obj = _get(request, id)
    services.add_photo(request_obj, upload=photo, kind=kind, by=request.user)
    return Status(201, _detail(request, request_obj))


@router.post("/requests/{id:id}/{action}", response=RequestDetailOut, url_name="service_request_action")
def request_action(request: HttpRequest, id: int, action: str, payload: ActionIn) -> ServiceRequest:
    """Take one action (see ``actions`` on the request): accept, reject (reason), dispatch/reassign
    (handler_org_id or handler_department_id; none: the routing table's), start, feedback
    (resolution), return/send_back/suspend/reopen (reason), approve, resume, archive, recategorize
    (category_id), supervise, whistle (department_id, note), visit, comment, follow_up (note),
    place (area_id: the grid of a request 待定位), whistle_report (报到 of the caller's called
    department). There is no rating here: only the resident rates, on the portal. Photos: POST
    /requests/{id}/photos. Send ``version`` to be told (409) when
    someone changed the request since you read it."""
    call = ACTION_CALLS.get(action)
    if call is None:
        raise Http404
    request_obj = _get(request, id)
    if payload.version is not None and payload.version != request_obj.version:
        raise ConcurrentChange(
            gettext("Someone changed this request at the same moment; reload the page and try again."),
            rule="version",
        )
    call(request_obj, request.user, payload)
    return _detail(request, request_obj)


# --- configuration -----------------------------------------------------------------------------------


def _tree(categories: list[Category]) -> list[dict]:
    """Nested nodes from a path-ordered list: each node after its parent."""
    roots: list[dict] = []
    nodes: dict[str, dict] = {}
    for category in categories:
        node = {name: getattr(category, name) for name in CategoryNode.model_fields if name != "children"}
        node["children"] = []
        nodes[category.path] = node
        parent = nodes.get(category.path[: -category.steplen]) if category.depth > 1 else None
        (parent["children"] if parent is not None else roots).append(node)
    return roots


@router.get("/categories", response=list[CategoryNode], url_name="service_category_list")
def category_list(request: HttpRequest, include_inactive: bool = False) -> list[dict]:
    """The category tree (one query), with each category's time limit and default handler."""
    categories = Category.objects.order_by("path")
    if not include_inactive:
        categories = categories.filter(is_active=True)
    return _tree(list(categories))


@router.get("/departments", response=list[DepartmentOut], url_name="service_department_list")
def department_list(request: HttpRequest) -> list[Department]:
    """The departments (职能部门) serving the caller's areas."""
    return list(Department.objects.visible_to(request.user).select_related("area").order_by("code"))


# --- figures ----------------------------------------------------------------------------------------


class FigureValues(Schema):
    received: int
    resolved: int
    on_time: int
    early: int
    rated: int
    satisfied: int
    overdue: int
    on_time_rate: float | None
    early_rate: float | None
    satisfaction_rate: float | None
    average_hours: float | None


class FigureRow(Schema):
    key: str
    label: str
    figures: FigureValues


class FiguresOut(Schema):
    tree: str
    node_id: int
    node_name: str
    category_id: int | None
    start: datetime.date
    end: datetime.date = Field(description="Exclusive.")
    early_margin_hours: float
    total: FigureValues
    by_child: list[FigureRow]
    by_category: list[FigureRow]
    by_month: list[FigureRow]


def _values(counts) -> dict:
    """The counts, and the derived figures read through the figures store."""
    average = get_figure("service.average_hours").pick(counts)
    return {
        "received": counts.received,
        "resolved": counts.resolved,
        "on_time": counts.on_time,
        "early": counts.early,
        "rated": counts.rated,
        "satisfied": counts.satisfied,
        "overdue": counts.overdue,
        "on_time_rate": get_figure("service.on_time_rate").pick(counts),
        "early_rate": get_figure("service.early_rate").pick(counts),
        "satisfaction_rate": get_figure("service.satisfaction_rate").pick(counts),
        "average_hours": float(average) if average is not None else None,
    }


def _rows(rows) -> list[dict]:
    return [{"key": str(row.key), "label": row.label, "figures": _values(row.figures)} for row in rows]


@router.get("/figures", response=FiguresOut, url_name="service_figures")
def figures_data(
    request: HttpRequest,
    area: int | None = None,
    org: int | None = None,
    category: int | None = None,
    start: AnyDate | None = None,
    end: AnyDate | None = None,
) -> dict:
    """受理量, 办结量, 按时/提前办结率, 满意率, average handling time and overdue now for an area's or an
    organization's subtree (default: the caller's first area or organization), optionally a
    category subtree, over [start, end) (default: this year); broken down by child node, child
    category and month. Each figure's requests: GET /requests with ``figure``, ``start``, ``end``."""
    from dangjian.service import figures

    scope = scope_of(request.user)
    if not scope.has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view service requests."), rule="scope")
    if area is not None and org is not None:
        raise RuleViolation(gettext("Give an area or an organization, not both."), rule="figures.scope")
    if org is not None:
        node = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=org)
        permitted = scope.has_perm(VIEW, org_path=node.path)
    elif area is not None:
        node = get_object_or_404(Area.objects.visible_to(request.user, VIEW), pk=area)
        permitted = scope.has_perm(VIEW, area_path=node.path)
    else:
        visible = Area.objects.visible_to(request.user, VIEW)
        roots = visible.filter(depth=1) if scope.is_global else visible.filter(path__in=scope.area_paths)
        node = roots.order_by("path").first()
        if node is None:
            visible = Organization.objects.visible_to(request.user, VIEW)
            roots = visible.filter(path__in=scope.org_paths)
            node = roots.order_by("path").first()
        if node is None:
            raise Http404
        permitted = True
    if not permitted:
        raise PermissionDenied(gettext("You do not have permission to view service requests."), rule="scope")
    category_node = get_object_or_404(Category, pk=category) if category is not None else None
    if start is None:
        start = datetime.date(timezone.localdate().year, 1, 1)
    if end is None:
        end = start.replace(year=start.year + 1)
    if end <= start or (end - start).days > 366 * 5:
        raise RuleViolation(
            gettext("The period must end after it starts and span at most five years."), rule="figures.period"
        )
    report = figures.compute(figures.Scope.for_node(node, category_node), Period(start, end))
    return {
        "tree": report.scope.tree,
        "node_id": node.pk,
        "node_name": node.name,
        "category_id": category_node.pk if category_node else None,
        "start": start,
        "end": end,
        "early_margin_hours": report.margin_hours,
        "total": _values(report.total),
        "by_child": _rows(report.by_child),
        "by_category": _rows(report.by_category),
        "by_month": _rows(report.by_month),
    }
