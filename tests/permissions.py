"""The permission table: every URL of the platform, with who may reach it and on which object.

Each app's ``tests/<app>/routes.py`` defines ``ROUTES: list[Route]``; ``tests/test_permission_table.py``
collects them all, checks anonymous / out-of-scope / in-scope access for each, and fails when a
URL name exists in the URL map but in no table — so a new route cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Route:
    name: str  # URL name, e.g. "orgs:org_detail" or "api:org_detail"
    # URL kwargs for an object the persona may see (in 社区A for secretary_a).
    in_scope: Callable[[Any], dict] = field(default=lambda world: {})
    # URL kwargs for an object outside the persona's scope (in 社区B): expected 404. None when
    # the route shows no single object (a list is scoped instead: tested by its own tests).
    out_of_scope: Callable[[Any], dict] | None = None
    persona: str = "secretary_a"  # fixture name of a user allowed here
    method: str = "get"
    # What an anonymous visitor gets: "login" (redirect to the login page), "401" (API), "public".
    anonymous: str = "login"
    allowed_status: int = 200
    # POST/PUT/PATCH body builder (form data for pages, JSON for the API); None for GET.
    data: Callable[[Any], dict] | None = None
    json: bool = False
    # A persona with no right to the route at all (e.g. the audit page for a secretary): expected 403/404.
    denied_persona: str | None = None
