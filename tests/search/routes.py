"""Permission table of the search box: anyone offered a source opens it; a resident without a
role is offered none (403). What it finds is scoped per record (tests/search/test_search.py)."""

from __future__ import annotations

from tests.permissions import Route

ROUTES: list[Route] = [
    Route("search:results", denied_persona="resident"),
]
