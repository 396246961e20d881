"""Browsing the two trees: the tree browser, its lazily loaded children, the filtered lists and the
lookups of the search boxes. Each page costs a fixed number of queries, whatever the tree's size."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangjian.core.pagination import MAX_OFFSET, paginate
from dangjian.orgs.models import Area, Organization

# The batch size is read through the module, so that a test can make it small.
from dangjian.orgs.views import common
from dangjian.orgs.views.common import (
    SEARCH_LIMIT,
    TreeConfig,
    _batch,
    _children,
    _lookup_text,
    _node,
    _scope_roots,
    _visible_ancestors,
)


@login_required
@require_GET
def tree(request, config: TreeConfig):
    """The collapsible tree from the user's scope roots, or search results with their paths."""
    filterset = config.filterset(request.GET or None, queryset=config.visible(request.user))
    query = (request.GET.get("q") or "").strip()
    context = {"config": config, "urls": config.urls(), "filterset": filterset, "query": query}
    if query:
        page = paginate(request, filterset.qs)
        ancestors = _visible_ancestors(config, request.user, page.object_list)
        context["results"] = [(node, ancestors[node.path]) for node in page]
        context["page"] = page
    else:
        page = paginate(request, _scope_roots(config, request.user).select_related(*config.select))
        context["page"] = page
        # A single root (a secretary's own community) opens at once with its children.
        if len(page.object_list) == 1 and page.object_list[0].numchild:
            root = page.object_list[0]
            rows, more = _batch(_children(config, request.user, root), 0)
            context.update(open_root=root, open_children=rows, open_more=more, batch=common.CHILDREN_BATCH)
    return render(request, "orgs/tree.html", context)


@login_required
@require_GET
def children(request, pk: int, config: TreeConfig):
    """The htmx fragment of one node's children (a bounded batch; "more" loads the next)."""
    node = _node(request, config, pk)
    try:
        offset = min(max(int(request.GET.get("offset", 0)), 0), MAX_OFFSET)
    except ValueError:
        offset = 0
    rows, more = _batch(_children(config, request.user, node), offset)
    return render(
        request,
        "orgs/_children.html",
        {
            "config": config,
            "urls": config.urls(),
            "parent": node,
            "nodes": rows,
            "more": more,
            "next_offset": offset + common.CHILDREN_BATCH,
            "first_batch": offset == 0,
        },
    )


@login_required
@require_GET
def node_list(request, config: TreeConfig):
    """A flat, filtered, paginated list of nodes (by kind, field, state, parent, search text)."""
    filterset = config.filterset(request.GET or None, queryset=config.visible(request.user))
    page = paginate(request, filterset.qs)
    return render(
        request,
        "orgs/list.html",
        {"config": config, "urls": config.urls(), "filterset": filterset, "page": page},
    )


@login_required
@require_GET
def area_lookup(request):
    """``<option>``s of areas matching the typed name or code (``orgs.widgets.LookupInput``)."""
    text = _lookup_text(request)
    areas = []
    if text:
        areas = list(Area.objects.visible_to(request.user).filter(is_active=True).search(text)[:SEARCH_LIMIT])
    return render(request, "orgs/_area_options.html", {"areas": areas})


@login_required
@require_GET
def org_lookup(request):
    """``<option>``s of active organizations in scope matching the typed name, code or pinyin."""
    text = _lookup_text(request)
    orgs = []
    if text:
        orgs = list(
            Organization.objects.visible_to(request.user)
            .filter(is_active=True)
            .search(text)
            .only("pk", "name", "code")[:SEARCH_LIMIT]
        )
    return render(request, "orgs/_org_options.html", {"orgs": orgs})
