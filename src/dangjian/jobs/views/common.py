"""What the 就业 pages share: the permission gate, running a service call from a form, finding a
row the user may see (404 outside the scope), and the list filters."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.orgs.models import Organization

SEARCH_LIMIT = 20


def require_any(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def require_over(user, permission: str, obj) -> None:
    if not has_perm_over(user, permission, obj):
        raise PageForbidden(permission)


def apply(form, call):
    """Run a service call; a refused rule becomes a form error (None), a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def visible(queryset, user, pk: int, permission: str = "view"):
    """The row ``pk`` of ``queryset`` the user may ``permission``; 404 when it is outside their scope."""
    row = queryset.visible_to(user, permission).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def org_filter(request, permission: str) -> Organization | None:
    raw = request.GET.get("org") or ""
    if not raw.isdigit():
        return None
    org = Organization.objects.visible_to(request.user, permission).filter(pk=int(raw)).first()
    if org is None:
        raise Http404
    return org


def date_param(request, name: str) -> datetime.date | None:
    raw = request.GET.get(name) or ""
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def people(request, parameter: str = "person_q") -> list[Person]:
    query = (request.GET.get(parameter) or "").strip()
    if not query:
        return []
    return list(
        Person.objects.visible_to(request.user).search(query).order_by("name_pinyin", "id")[:SEARCH_LIMIT]
    )
