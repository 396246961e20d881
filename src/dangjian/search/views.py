"""The search page: a box, and the results grouped by kind of record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dangjian.core.registry import search_sources
from dangjian.search.selectors import QUERY_LENGTH, clean_query, search_everything


@login_required
@require_safe
def results(request):
    sources = search_sources(request.user)
    if not sources:
        raise PermissionDenied
    query = clean_query(request.GET.get("q"))
    groups = search_everything(request.user, query)
    return render(
        request,
        "search/results.html",
        {
            "query": query,
            "groups": groups,
            "sources": sources,
            "query_length": QUERY_LENGTH,
        },
    )
