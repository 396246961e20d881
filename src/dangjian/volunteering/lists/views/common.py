"""What the lists' pages share: finding a row in scope, requiring a permission over it, running a
service call behind a form, and the list filters."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.lists import services


def visible_or_404(request, model, pk: int, *related: str):
    """The row ``pk`` of ``model`` if the user may view it (out of scope: 404, no permission: 403)."""
    permission = f"volunteering.view_{model._meta.model_name}"
    if not scope_of(request.user).has_any(permission):
        raise PageForbidden(permission)
    return get_object_or_404(model.objects.visible_to(request.user).select_related(*related), pk=pk)


def detail_url(row) -> str:
    return reverse(f"volunteering:{row._meta.model_name}_detail", args=[row.pk])


def require_any(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def require(user, permission: str, row) -> None:
    if not services.may(user, permission, row):
        raise PageForbidden(permission)


def apply(form, call) -> object | None:
    """Run a service call; a refused rule (or a stale edit) becomes a form error, a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def attempt(call) -> tuple[object | None, str]:
    """Run a service call for a page without a form: (result, "") or (None, the refusal's message)."""
    try:
        return call(), ""
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        return None, error.message


def parse_date(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def filter_place(request, rows: QuerySet) -> tuple[QuerySet, Area | None, Organization | None]:
    """``?area=`` and ``?org=``: rows in that subtree (only a node the user can see; else none)."""
    area = org = None
    raw_area, raw_org = request.GET.get("area", ""), request.GET.get("org", "")
    if raw_area.isdigit():
        area = Area.objects.visible_to(request.user).filter(pk=raw_area).first()
        rows = rows.filter(area__path__startswith=area.path) if area else rows.none()
    if raw_org.isdigit():
        org = Organization.objects.visible_to(request.user).filter(pk=raw_org).first()
        rows = rows.filter(org__path__startswith=org.path) if org else rows.none()
    return rows, area, org


def filter_period(request, rows: QuerySet, field: str) -> tuple[QuerySet, dict]:
    """``?from=`` and ``?to=`` (local dates, ``to`` exclusive) on a date-time field."""
    start, end = parse_date(request.GET.get("from")), parse_date(request.GET.get("to"))
    if start:
        rows = rows.filter(**{f"{field}__gte": start_of(start)})
    if end:
        rows = rows.filter(**{f"{field}__lt": start_of(end)})
    return rows, {"from": start, "to": end}


def start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of a local date (so a period filter uses the column's index)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def search(rows: QuerySet, query: str, *fields: str) -> QuerySet:
    query = (query or "").strip()[:50]
    if not query:
        return rows
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": query})
    return rows.filter(condition)


def photo_response(photo) -> FileResponse:
    """A stored photo of a wish, shown inline, never cached by a shared cache."""
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=photo.content_type, filename=photo.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
