"""The permission table: every URL of the platform, with who may reach it and on which object.

Each app's ``tests/<app>/routes.py`` defines ``ROUTES: list[Route]``; ``tests/test_permission_table.py``
collects them all, checks anonymous / out-of-scope / in-scope access for each, and fails when a
URL name exists in the URL map but in no table — so a new route cannot be forgotten.

Every row is also run for ``secretary_a_grid_worker_b`` (secretary of 社区A党委 who is also a grid
worker on 社区B's grid), on its in-scope and its out-of-scope object: a role held elsewhere must
never widen what a page reads under another permission. ``two_roles_expected`` derives what she
gets from the row; rows where the grid post in 社区B legitimately opens the 社区B object say so.
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
    # What TWO_ROLES gets on the in-scope object (``two_roles``) and on the out-of-scope one
    # (``two_roles_outside``): "" derives it from the row (see ``two_roles_expected``); else a
    # status code as text ("200", "302", "404"), "refused" (403 or 404) or "allowed" (the row's
    # ``allowed_status``). Set explicitly where her grid post in 社区B opens the 社区B object.
    two_roles: str = ""
    two_roles_outside: str = ""


# Secretary of 社区A党委 and grid worker on 光明社区第一网格 (社区B): see tests/conftest.py.
TWO_ROLES = "secretary_a_grid_worker_b"
# Personas whose rights TWO_ROLES holds over the in-scope object (in 社区A) or that hold none
# beyond being signed in; a row of any other persona declares ``two_roles`` itself.
_SAME_IN_SCOPE = {"secretary_a", "resident"}


def two_roles_expected(route: Route) -> tuple[str, str | None]:
    """What TWO_ROLES gets on the row's in-scope object and on its out-of-scope one (None: no
    out-of-scope object), with the defaults derived from the row:

    - in scope: what the allowed persona gets when that persona is ``secretary_a`` (she is that
      secretary) or ``resident`` (nothing but a login); "refused" when ``secretary_a`` is the
      row's ``denied_persona`` (a second role must not add the missing right);
    - out of scope (社区B): 404 when the row's persona is ``secretary_a``, "refused" when
      ``secretary_a`` is denied the route. The grid post reaches only 光明社区第一网格 and
      光明社区第一网格党支部; on a row whose 社区B object lies elsewhere (社区B党委, another
      district) this default would pass without the action scoping too, so it proves only that
      the second role widens nothing beyond its grid. The dedicated tests in
      ``tests/core/test_scoping_by_action.py`` use objects inside her grid.

    A row of another persona (``grid_worker_a``, ``district_admin`` allowed) has no default and
    must declare both values; the table test fails and says so otherwise. Rows whose in-scope
    object belongs to ``secretary_a`` herself (her token, her vote, her own membership, her place
    on an attendance list, her department's whistle call) declare what another user gets.
    """
    inside = route.two_roles
    if not inside:
        if route.persona in _SAME_IN_SCOPE:
            inside = "allowed"
        elif route.denied_persona == "secretary_a":
            inside = "refused"
        else:
            raise ValueError(f"{route.name}: declare two_roles (no default for persona {route.persona!r})")
    if route.out_of_scope is None:
        return inside, None
    outside = route.two_roles_outside
    if not outside:
        if route.persona == "secretary_a":
            outside = "404"
        elif route.denied_persona == "secretary_a":
            outside = "refused"
        else:
            raise ValueError(
                f"{route.name}: declare two_roles_outside (no default for persona {route.persona!r})"
            )
    return inside, outside
