"""资源清单 and 项目清单 pages: list (filtered, searched, paged), a row's page, add and edit.

The two lists have the same shape, so one set of views serves both, described by a ``Catalogue``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.volunteering.choices import NeedState, ProjectState, ResourceKind
from dangjian.volunteering.lists import services
from dangjian.volunteering.lists.forms import ProjectForm, ResourceForm
from dangjian.volunteering.lists.views.common import (
    apply,
    detail_url,
    filter_place,
    require,
    require_any,
    search,
    visible_or_404,
)
from dangjian.volunteering.models import Project, Resource


@dataclass(frozen=True)
class Catalogue:
    model: type
    name: str  # resource / project
    title: str | Promise
    form: type
    fields: Callable
    create: Callable
    update: Callable
    search_fields: tuple[str, ...]
    kind_field: str  # the filter beside the place: a resource's kind, a project's state
    kinds: list
    related: tuple[str, ...]
    order: tuple[str, ...]


RESOURCES = Catalogue(
    model=Resource,
    name="resource",
    title=gettext_lazy("Resources"),
    form=ResourceForm,
    fields=lambda form: form.resource_fields(),
    create=services.create_resource,
    update=services.update_resource,
    search_fields=("name", "description"),
    kind_field="kind",
    kinds=ResourceKind.choices,
    related=("area", "org", "team", "unit_org"),
    order=("kind", "name", "id"),
)
PROJECTS = Catalogue(
    model=Project,
    name="project",
    title=gettext_lazy("Service projects"),
    form=ProjectForm,
    fields=lambda form: form.project_fields(),
    create=services.create_project,
    update=services.update_project,
    search_fields=("title", "goals", "places"),
    kind_field="state",
    kinds=ProjectState.choices,
    related=("area", "org"),
    order=("-starts_on", "-id"),
)
CATALOGUES = {"resource": RESOURCES, "project": PROJECTS}


def _perm(catalogue: Catalogue, action: str) -> str:
    return f"volunteering.{action}_{catalogue.name}"


@login_required
@require_GET
def catalogue_list(request, catalogue: str):
    spec = CATALOGUES[catalogue]
    require_any(request.user, _perm(spec, "view"))
    rows = spec.model.objects.visible_to(request.user).select_related(*spec.related)
    rows, area, org = filter_place(request, rows)
    kind = request.GET.get(spec.kind_field, "")
    if kind in dict(spec.kinds):
        rows = rows.filter(**{spec.kind_field: kind})
    query = request.GET.get("q", "")
    rows = search(rows, query, *spec.search_fields)
    page = paginate(request, rows.order_by(*spec.order))
    return render(
        request,
        f"volunteering/lists/{spec.name}_list.html",
        {
            "page": page,
            "spec": spec,
            "kind": kind,
            "query": query,
            "area": area,
            "org": org,
            "can_add": scope_of(request.user).has_any(_perm(spec, "add")),
        },
    )


@login_required
@require_GET
def catalogue_detail(request, pk: int, catalogue: str):
    spec = CATALOGUES[catalogue]
    row = visible_or_404(request, spec.model, pk, *spec.related)
    context = {
        "object": row,
        "spec": spec,
        "can_change": services.may(request.user, _perm(spec, "change"), row),
    }
    if spec is PROJECTS:
        # The project's needs by state, in one query.
        counts = row.need_set.aggregate(
            total=Count("pk"),
            open=Count("pk", filter=Q(state__in=services.OPEN_NEED_STATES)),
            met=Count("pk", filter=Q(state=NeedState.MET)),
        )
        context["need_counts"] = counts
    return render(request, f"volunteering/lists/{spec.name}_detail.html", context)


@login_required
def catalogue_create(request, catalogue: str):
    spec = CATALOGUES[catalogue]
    require_any(request.user, _perm(spec, "add"))
    form = spec.form(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = spec.fields(form)
        row = apply(form, lambda: spec.create(by=request.user, **fields))
        if row is not None:
            messages.success(request, _("“%(name)s” was added.") % {"name": row})
            return redirect(f"volunteering:{spec.name}_detail", pk=row.pk)
    heading = _("Add a resource") if spec is RESOURCES else _("Add a service project")
    return render(
        request,
        "volunteering/lists/form.html",
        {"form": form, "heading": heading, "cancel_href": reverse(f"volunteering:{spec.name}_list")},
    )


@login_required
def catalogue_edit(request, pk: int, catalogue: str):
    spec = CATALOGUES[catalogue]
    row = visible_or_404(request, spec.model, pk, *spec.related)
    require(request.user, _perm(spec, "change"), row)
    initial = {name: getattr(row, name) for name in spec.form.base_fields if name not in ("area", "team")}
    initial.update({"area": row.area_id, "version": row.version})
    if spec is RESOURCES:
        initial["team"] = row.team_id
    form = spec.form(
        request.POST or None, user=request.user, permission=_perm(spec, "change"), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        fields = spec.fields(form)
        done = apply(form, lambda: spec.update(row, by=request.user, version=version, **fields))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect(f"volunteering:{spec.name}_detail", pk=row.pk)
    return render(
        request,
        "volunteering/lists/form.html",
        {
            "form": form,
            "heading": _("Edit “%(name)s”") % {"name": row},
            "object": row,
            "cancel_href": detail_url(row),
        },
    )
