"""What the ledger's pages share: reading a volunteer or team within scope, running a service
with its refusals turned into form errors, and picking an area by search."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.orgs.models import Area
from dangjian.volunteering.ledger import services
from dangjian.volunteering.models import Team, Volunteer

VOLUNTEER_RELATED = ["person", "area", "org", "party_member"]
AREA_SEARCH_LIMIT = 12


def require_anywhere(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def visible_volunteer(request: HttpRequest, pk: int, permission: str = services.VIEW) -> Volunteer:
    """A volunteer in the user's scope (404 outside it) over whom the user holds ``permission``."""
    volunteer = get_object_or_404(
        Volunteer.objects.visible_to(request.user).select_related(*VOLUNTEER_RELATED), pk=pk
    )
    if permission != services.VIEW and not has_perm_over(request.user, permission, volunteer):
        raise PageForbidden(permission)
    return volunteer


def visible_team(request: HttpRequest, pk: int, permission: str = services.VIEW_TEAM) -> Team:
    team = get_object_or_404(
        Team.objects.visible_to(request.user).select_related("area", "org", "leader"), pk=pk
    )
    if permission != services.VIEW_TEAM and not has_perm_over(request.user, permission, team):
        raise PageForbidden(permission)
    return team


def apply(form, call):
    """Run a service; a refused rule or a stale edit becomes a form error (None), a missing right 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except ConcurrentChange as error:
        form.add_error(None, forms.ValidationError(error.message, code="stale"))
        return None
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def form_status(*forms_) -> int:
    for form in forms_:
        if any(error.code == "stale" for error in form.non_field_errors().as_data()):
            return 409
    return 400 if any(form.errors for form in forms_) else 200


def area_options(
    request: HttpRequest, permission: str, chosen: str
) -> tuple[str, list[tuple[int, str, str]]]:
    """The search for an area (``?area_q=``) among those where the user holds ``permission``, at most
    ``AREA_SEARCH_LIMIT`` results, or the chosen one: ``(query, [(pk, name, kind)])``."""
    query = (request.GET.get("area_q") or "").strip()[:50]
    areas = Area.objects.visible_to(request.user, permission)
    if query:
        found = areas.search(query).only("pk", "name", "kind").order_by("path")[:AREA_SEARCH_LIMIT]
    elif chosen.isdigit():
        found = areas.filter(pk=chosen).only("pk", "name", "kind")[:1]
    else:
        found = []
    return query, [(area.pk, area.name, area.get_kind_display()) for area in found]


def chosen_area(request: HttpRequest, permission: str, value) -> Area | None:
    """The posted area, if the user holds ``permission`` there (else None: the service refuses)."""
    if not value:
        return None
    return Area.objects.visible_to(request.user, permission).filter(pk=value).first()
