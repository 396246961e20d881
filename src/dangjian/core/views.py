"""Shared pages: the workbench and the audit log (people's pages are the members app's)."""

from __future__ import annotations

import contextlib

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from dangjian.core.models import AuditEntry
from dangjian.core.pagination import paginate
from dangjian.core.registry import dashboard_for
from dangjian.core.selectors import AuditEntryFilter, can_read_audit


def _url_or_none(name: str, **kwargs) -> str | None:
    """The URL of a page that may not be installed yet (another app's pages)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


# --- Workbench -------------------------------------------------------------------------------


@require_safe
def home(request):
    """The workbench: the cards and to-dos apps contribute (registry ``dashboard_cards`` and
    ``todo_sources``: where the user's roles apply, recent notifications, …) and the sections.
    An anonymous visitor gets the landing page instead of a redirect to the login form."""
    if not request.user.is_authenticated:
        return landing(request)
    cards, todos = dashboard_for(request)
    return render(request, "core/home.html", {"cards": cards, "todos": todos})


def landing(request):
    """The front door for a visitor who is not signed in: residents go to the portal (no account
    needed), staff to the login form. It names nobody and reads no records, so it is safe to
    show to anyone; the portal's door is left out when the portal app is not installed."""
    return render(
        request,
        "core/landing.html",
        {"portal_url": _url_or_none("portal:index"), "login_url": resolve_url(settings.LOGIN_URL)},
    )


# --- Audit log -------------------------------------------------------------------------------


def _require_audit_reader(user) -> None:
    if not can_read_audit(user):
        raise DjangoPermissionDenied


@login_required
@require_safe
def audit_list(request):
    """Audit lines within the user's subtrees, newest first, filtered; read-only."""
    _require_audit_reader(request.user)
    entries = AuditEntry.objects.visible_to(request.user).order_by("-at", "-id")
    filterset = AuditEntryFilter(request.GET or None, queryset=entries)
    if not filterset.is_bound:
        queryset = entries
    elif filterset.is_valid():
        queryset = filterset.qs
    else:  # the form shows what is wrong with the filters; no lines until it is fixed
        queryset = entries.none()
    page = paginate(request, queryset)
    return render(request, "core/audit_list.html", {"filter": filterset, "page": page})


def _change_rows(entry) -> list[dict]:
    """The entry's changes as rows of (field label, old, new), labels from the model when known."""
    model = None
    if entry.object_type:
        try:
            model = apps.get_model(entry.object_type)
        except (LookupError, ValueError):
            model = None
    rows = []
    for field, values in (entry.changes or {}).items():
        label = field
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                label = str(model._meta.get_field(field).verbose_name)
        if isinstance(values, list | tuple) and len(values) == 2:
            old, new = values
        else:
            old, new = None, values
        rows.append({"field": field, "label": label, "old": old, "new": new})
    return rows


@login_required
@require_safe
def audit_detail(request, pk: int):
    _require_audit_reader(request.user)
    entry = get_object_or_404(AuditEntry.objects.visible_to(request.user), pk=pk)
    return render(request, "core/audit_detail.html", {"entry": entry, "rows": _change_rows(entry)})
