"""Pages of the reports: the yearly 党建台账 of an organization and the service figures by grid
and month of an area, each as a printable page, a PDF and an Excel workbook (both audited).

An organization or area the user may not read answers 404 (as if it did not exist), a year
outside 2000 … next year too; a user without the permission anywhere gets 403.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.excel_views import attachment
from dangjian.core.page_permissions import require_any
from dangjian.core.pagination import paginate
from dangjian.core.pdf import pdf_response
from dangjian.core.reauth import recent_auth_required
from dangjian.core.scoping import parse_id, restrict
from dangjian.dashboard.reports import exports, ledger, service_grid
from dangjian.dashboard.reports.services import record_report_export
from dangjian.orgs.models import Area, Organization

YEARS_OFFERED = 6


def _year(value) -> int:
    """The year of the URL, or 404 for one the platform cannot hold (9999, 0)."""
    if not ledger.year_allowed(value):
        raise Http404
    return value


def _years_offered() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - YEARS_OFFERED, -1))


def _chosen_year(request: HttpRequest) -> int:
    """``?year=`` of an index page when it is one offered, else this year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if year in _years_offered() else timezone.localdate().year


# --- 党建台账 -------------------------------------------------------------------------------------


def _ledger_org(request: HttpRequest, pk: int) -> Organization:
    require_any(request.user, ledger.VIEW)
    org_id = parse_id(pk)
    org = (
        restrict(Organization.objects.all(), request.user, ledger.VIEW)
        .filter(pk=org_id, kind__in=ledger.LEDGER_ORG_KINDS)
        .first()
        if org_id
        else None
    )
    if org is None:
        raise Http404
    return org


@login_required
@require_GET
def ledger_index(request: HttpRequest) -> HttpResponse:
    """The organizations whose 台账 the user may print, with a year to choose."""
    require_any(request.user, ledger.VIEW)
    orgs = (
        restrict(Organization.objects.all(), request.user, ledger.VIEW)
        .filter(kind__in=ledger.LEDGER_ORG_KINDS, is_active=True)
        .order_by("path", "id")
    )
    context = {"page": paginate(request, orgs), "year": _chosen_year(request), "years": _years_offered()}
    return render(request, "dashboard/reports/ledger_index.html", context)


def _ledger_context(request: HttpRequest, pk: int, year: int) -> dict:
    org = _ledger_org(request, pk)
    report = ledger.party_ledger(org, _year(year), request.user)
    return {
        "ledger": report,
        "org": org,
        "year": year,
        "marks": ledger.MONTH_MARKS,
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def ledger_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    context = _ledger_context(request, pk, year)
    return render(request, "dashboard/reports/ledger.html", context)


def _ledger_file_name(org: Organization, year: int, extension: str) -> str:
    return f"{org.name}-{year}年党建台账.{extension}"


@login_required
@require_GET
@recent_auth_required
def ledger_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    context = _ledger_context(request, pk, year)
    org, report = context["org"], context["ledger"]
    file_name = _ledger_file_name(org, year, "pdf")
    response = pdf_response("dashboard/reports/ledger_pdf.html", context, filename=file_name, request=request)
    record_report_export(
        request.user,
        org,
        permission=ledger.VIEW,
        report=_("Party-building ledger"),
        year=year,
        file_format="pdf",
        file_name=file_name,
        rows=len(report.members),
    )
    return response


@login_required
@require_GET
@recent_auth_required
def ledger_export(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    context = _ledger_context(request, pk, year)
    org, report = context["org"], context["ledger"]
    file_name = _ledger_file_name(org, year, "xlsx")
    content, rows = exports.ledger_workbook(report)
    record_report_export(
        request.user,
        org,
        permission=ledger.VIEW,
        report=_("Party-building ledger"),
        year=year,
        file_format="xlsx",
        file_name=file_name,
        rows=rows,
    )
    return attachment(content, file_name)


# --- Service figures by grid and month ------------------------------------------------------------


def _service_area(request: HttpRequest, pk: int) -> Area:
    require_any(request.user, service_grid.VIEW)
    area_id = parse_id(pk)
    area = (
        restrict(Area.objects.all(), request.user, service_grid.VIEW)
        .filter(pk=area_id, kind__in=service_grid.AREA_KINDS)
        .first()
        if area_id
        else None
    )
    if area is None:
        raise Http404
    return area


@login_required
@require_GET
def service_index(request: HttpRequest) -> HttpResponse:
    """The streets and communities whose service figures the user may read, with a year to choose."""
    require_any(request.user, service_grid.VIEW)
    areas = (
        restrict(Area.objects.all(), request.user, service_grid.VIEW)
        .filter(kind__in=service_grid.AREA_KINDS)
        .order_by("path", "id")
    )
    context = {"page": paginate(request, areas), "year": _chosen_year(request), "years": _years_offered()}
    return render(request, "dashboard/reports/service_index.html", context)


def _service_context(request: HttpRequest, pk: int, year: int) -> dict:
    area = _service_area(request, pk)
    report = service_grid.service_grid(area, _year(year))
    return {"report": report, "area": area, "year": year, "matrices": service_grid.matrices(report)}


@login_required
@require_GET
def service_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return render(request, "dashboard/reports/service.html", _service_context(request, pk, year))


def _service_file_name(area: Area, year: int, extension: str) -> str:
    return f"{area.name}-{year}年网格为民服务统计.{extension}"


@login_required
@require_GET
@recent_auth_required
def service_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    context = _service_context(request, pk, year)
    area = context["area"]
    file_name = _service_file_name(area, year, "pdf")
    response = pdf_response(
        "dashboard/reports/service_pdf.html", context, filename=file_name, request=request
    )
    record_report_export(
        request.user,
        area,
        permission=service_grid.VIEW,
        report=_("Service figures by grid and month"),
        year=year,
        file_format="pdf",
        file_name=file_name,
        rows=len(context["report"].lines),
    )
    return response


@login_required
@require_GET
@recent_auth_required
def service_export(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    context = _service_context(request, pk, year)
    area = context["area"]
    file_name = _service_file_name(area, year, "xlsx")
    content, rows = exports.service_grid_workbook(context["report"])
    record_report_export(
        request.user,
        area,
        permission=service_grid.VIEW,
        report=_("Service figures by grid and month"),
        year=year,
        file_format="xlsx",
        file_name=file_name,
        rows=rows,
    )
    return attachment(content, file_name)
