"""Excel import and export pages of the area tree and the party-organization tree.

The pages check that the user may add such nodes somewhere (403 otherwise); each row is then
checked by the services over its own parent, and exports hold the user's visible subtree only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core import excel_views
from dangjian.core.excel import ImportSpec
from dangjian.core.reauth import recent_auth_required
from dangjian.core.scoping import scope_of
from dangjian.orgs.filters import AreaFilterSet, OrganizationFilterSet
from dangjian.orgs.imports import AREA_SPEC, ORG_SPEC, area_export_rows, org_export_rows
from dangjian.orgs.models import Area, Organization


def _require_anywhere(request: HttpRequest, permission: str) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied


def _list_url(name: str) -> str:
    """The tree's list page, once the pages app part defines it (breadcrumbs and the way back)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _import(request: HttpRequest, spec: ImportSpec, *, template_url: str, list_url: str) -> HttpResponse:
    breadcrumbs = [(list_url, spec.title)] if list_url else []
    return excel_views.import_page(
        request, spec, template_url=template_url, done_url=list_url, breadcrumbs=breadcrumbs
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_import(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, "orgs.add_area")
    return _import(
        request,
        AREA_SPEC,
        template_url=reverse("orgs:area_import_template"),
        list_url=_list_url("orgs:area_list"),
    )


@login_required
@require_GET
def area_import_template(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, "orgs.add_area")
    return excel_views.template_download(AREA_SPEC)


@login_required
@require_GET
@recent_auth_required
def area_export(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, "orgs.view_area")
    filterset = AreaFilterSet(request.GET, queryset=Area.objects.visible_to(request.user))
    filters = {name: value for name, value in request.GET.items() if name in filterset.filters and value}
    return excel_views.export_response(
        AREA_SPEC, area_export_rows(filterset.qs), by=request.user, filters=filters
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_import(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, "orgs.add_organization")
    return _import(
        request,
        ORG_SPEC,
        template_url=reverse("orgs:org_import_template"),
        list_url=_list_url("orgs:org_list"),
    )


@login_required
@require_GET
def org_import_template(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, "orgs.add_organization")
    return excel_views.template_download(ORG_SPEC)


@login_required
@require_GET
@recent_auth_required
def org_export(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, "orgs.view_organization")
    filterset = OrganizationFilterSet(request.GET, queryset=Organization.objects.visible_to(request.user))
    filters = {name: value for name, value in request.GET.items() if name in filterset.filters and value}
    return excel_views.export_response(
        ORG_SPEC, org_export_rows(filterset.qs), by=request.user, filters=filters
    )
