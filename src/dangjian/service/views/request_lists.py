"""Request lists for staff: the filtered list (also the figures' drill-down), its audited Excel
export, and registering a request from the hotline, a walk-in, the mailbox or a 12345 transfer."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core import excel_views
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.excel import Column, ImportSpec
from dangjian.core.pagination import paginate
from dangjian.core.reauth import recent_auth_required
from dangjian.core.scoping import scope_of
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service import services
from dangjian.service.choices import OPEN_STATES, RequestSource, RequestState
from dangjian.service.filters import RequestFilterSet
from dangjian.service.forms import (
    RequestCreateForm,
)
from dangjian.service.models import (
    RatingLevel,
    ServiceRequest,
)
from dangjian.service.views.requests import (
    GRID_SEARCH_LIMIT,
    LIST_RELATED,
    REVEAL,
    S,
    readable_requests,
    require_reader,
    with_marks,
)

# --- the request list and its export ------------------------------------------------------------


def _filtered(request: HttpRequest, department_ids: list[int]) -> tuple[RequestFilterSet, QuerySet]:
    filterset = RequestFilterSet(
        request.GET, queryset=readable_requests(request.user, department_ids), request=request
    )
    requests = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, requests


def _active_filters(request: HttpRequest, filterset: RequestFilterSet) -> dict[str, Any]:
    return {
        name: request.GET.getlist(name) if name == "state" else request.GET.get(name)
        for name in filterset.filters
        if request.GET.get(name)
    }


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests of the user's scope, filtered; also the drill-down list behind each figure."""
    department_ids = require_reader(request.user)
    filterset, requests = _filtered(request, department_ids)
    page = paginate(request, with_marks(requests).order_by("-created_at", "-id"))
    area_query = request.GET.get("area_q", "").strip()[:50]
    area_options = []
    if area_query:
        area_options = list(
            Area.objects.visible_to(request.user)
            .search(area_query)
            .only("pk", "name", "code")
            .order_by("path")[:GRID_SEARCH_LIMIT]
        )
    keep = request.GET.copy()
    keep.pop("page", None)
    keep.pop("area_q", None)
    without_area = keep.copy()
    without_area.pop("area", None)
    without_org = keep.copy()
    without_org.pop("org", None)
    without_figure = keep.copy()
    for name in ("figure", "start", "end"):
        without_figure.pop(name, None)
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    end = data.get("end")
    return render(
        request,
        "service/requests/request_list.html",
        {
            "filter": filterset,
            "page": page,
            "now": timezone.now(),
            "area_node": filterset.area_node if filterset.is_valid() else None,
            "org_node": filterset.org_node if filterset.is_valid() else None,
            "figure_label": filterset.figure_label,
            "period_start": data.get("start"),
            "period_last": end - datetime.timedelta(days=1) if end else None,
            "area_query": area_query,
            "area_options": area_options,
            "query_without_area": without_area.urlencode(),
            "query_without_org": without_org.urlencode(),
            "query_without_figure": without_figure.urlencode(),
            "export_query": keep.urlencode(),
            "filtered": bool(_active_filters(request, filterset)),
            "can_create": scope_of(request.user).has_any(services.REGISTER),
        },
    )


def _no_import(row, context):  # pragma: no cover - the request list exports only
    raise RuleViolation(_("Requests are not imported from Excel."), rule="import")


REQUEST_SPEC = ImportSpec(
    name="service.servicerequest",
    title=gettext_lazy("Service requests"),
    columns=[
        Column("tracking_code", gettext_lazy("Tracking code"), width=14),
        Column("title", gettext_lazy("Title"), width=30),
        Column("category", gettext_lazy("Category"), width=16),
        Column("area", gettext_lazy("Grid"), width=20),
        Column("state", gettext_lazy("State"), choices=RequestState.choices, width=10),
        Column("source", gettext_lazy("Source"), choices=RequestSource.choices, width=12),
        Column("handler", gettext_lazy("Handler"), width=20),
        Column("created_at", gettext_lazy("Reported at"), width=18),
        Column("due_at", gettext_lazy("Due at"), width=18),
        Column("resolved_at", gettext_lazy("Resolved at"), width=18),
        Column("overdue", gettext_lazy("Overdue now"), width=8),
        Column("supervised", gettext_lazy("Supervised (督办)"), width=8),
        Column("visits", gettext_lazy("Visits"), width=6),
        Column("rating", gettext_lazy("Rating"), width=10),
        Column("contact_name", gettext_lazy("Contact name"), width=10),
        Column("contact_phone", gettext_lazy("Contact mobile"), width=14),
    ],
    handle_row=_no_import,
)


def _export_rows(requests: QuerySet, *, by, revealed: dict):
    scope = scope_of(by)
    now = timezone.now()
    levels = {level.code: level.label for level in RatingLevel.objects.all()}
    revealed.setdefault("clear_personal_data_rows", 0)
    yes, no = _("Yes"), _("No")
    for item in requests.select_related(*LIST_RELATED).iterator(chunk_size=1000):
        clear = bool(item.contact_phone) and scope.has_perm(
            REVEAL, org_path=item.org_path or None, area_path=item.area_path or None
        )
        if clear:
            revealed["clear_personal_data_rows"] += 1
        overdue = item.state in OPEN_STATES and item.state != S.SUSPENDED and item.due_at < now
        yield {
            "tracking_code": item.tracking_code,
            "title": item.title,
            "category": item.category.name,
            "area": item.area.name,
            "state": item.state,
            "source": item.source,
            "handler": str(item.handler_org or item.handler_department or ""),
            "created_at": item.created_at,
            "due_at": item.due_at,
            "resolved_at": item.resolved_at,
            "overdue": yes if overdue else no,
            "supervised": yes if item.is_supervised else no,
            "visits": item.visit_count,
            "rating": levels.get(item.rating_level, ""),
            "contact_name": item.contact_name,
            "contact_phone": item.contact_phone.clear() if clear else item.contact_phone_masked,
        }


@login_required
@require_GET
@recent_auth_required
def request_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx, audited; contact phones masked without the reveal permission."""
    department_ids = require_reader(request.user)
    filterset, requests = _filtered(request, department_ids)
    revealed: dict = {}
    return excel_views.export_response(
        REQUEST_SPEC,
        _export_rows(requests.order_by("-created_at", "-id"), by=request.user, revealed=revealed),
        by=request.user,
        filters=_active_filters(request, filterset),
        extra=revealed,
    )


# --- registering a request ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """Staff register a request from the hotline, a walk-in, the mailbox or a 12345 transfer.

    The grid is found by a search (name, code or pinyin) among the user's grids, at most
    ``GRID_SEARCH_LIMIT`` shown, so the page costs the same for one community and a district.
    """
    if not scope_of(request.user).has_any(services.REGISTER):
        raise PageForbidden(services.REGISTER)
    grids = Area.objects.visible_to(request.user, services.REGISTER).filter(
        kind=AreaKind.GRID, is_active=True
    )
    form = RequestCreateForm(request.POST or None, request.FILES or None)
    chosen = (request.POST.get("area") if request.method == "POST" else request.GET.get("area")) or ""
    area_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = grids.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        located = data["latitude"] is not None and data["longitude"] is not None
        if area is None and not located and not data["address"].strip():
            area_errors.append(
                _("Please choose the grid, give the latitude and longitude of the place, or its address.")
            )
        else:
            # With the address alone (most hotline and 12345 transfers) the request waits 待定位
            # in the user's community or street until a dispatcher there places it.
            created: list[ServiceRequest] = []
            try:
                created.append(
                    services.submit_request(
                        category=data["category"],
                        description=data["description"],
                        source=data["source"],
                        area=area,
                        latitude=data["latitude"] if located else None,
                        longitude=data["longitude"] if located else None,
                        address=data["address"],
                        title=data["title"],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        visit=data["visit"],
                        by=request.user,
                    )
                )
            except PermissionDenied as error:
                raise PageForbidden(error.message) from error
            except RuleViolation as error:
                if error.field == "area":
                    area_errors.append(error.message)
                else:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
            if created:
                request_obj = created[0]
                if data.get("photo"):
                    try:
                        services.add_photo(request_obj, upload=data["photo"], by=request.user)
                    except RuleViolation as error:
                        messages.warning(
                            request,
                            _("The request was registered, but the photo was not added: %(error)s")
                            % {"error": error.message},
                        )
                messages.success(
                    request,
                    _("The request was registered with the tracking code %(code)s.")
                    % {"code": request_obj.tracking_code},
                )
                return redirect("service:request_detail", pk=request_obj.pk)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        options = list(grids.search(query).only("pk", "name", "code").order_by("path")[:GRID_SEARCH_LIMIT])
        too_many = False
    elif chosen.isdigit():
        options = list(grids.filter(pk=int(chosen)).only("pk", "name", "code")[:1])
        too_many = False
    else:
        options = list(grids.only("pk", "name", "code").order_by("path")[: GRID_SEARCH_LIMIT + 1])
        too_many = len(options) > GRID_SEARCH_LIMIT
        if too_many:
            options = []
    return render(
        request,
        "service/requests/request_form.html",
        {
            "form": form,
            "query": query,
            "options": [(grid.pk, grid.name, grid.code) for grid in options],
            "chosen": chosen,
            "too_many": too_many,
            "area_field": {"label": _("Grid"), "html_name": "area", "errors": area_errors},
        },
        status=400 if request.method == "POST" else 200,
    )
