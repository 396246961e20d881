"""The permission table: every named route of the platform, checked for who may reach it.

Each ``tests/**/routes.py`` or ``tests/**/*_routes.py`` module lists ``ROUTES`` (see
``tests/permissions.py``). For every row this file checks what an anonymous visitor gets, that
the allowed persona reaches the route on an object in scope, gets 404 on one outside it, and
that a persona without the right is refused; and what the two-role persona
``secretary_a_grid_worker_b`` gets on both objects (``tests.permissions.two_roles_expected``). The completeness test walks the whole URL map and
fails on any named route that no table lists, so a new page or endpoint cannot ship unchecked.
"""

from __future__ import annotations

import importlib
import traceback
from pathlib import Path

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions import TWO_ROLES, Route, two_roles_expected

TESTS_DIR = Path(__file__).resolve().parent

# Named routes that deliberately have no row, each with the reason.
EXEMPT_NAMESPACES = {
    # Django's admin site guards itself (is_staff plus model permissions) and is for system
    # administrators only; its dozens of generated routes are Django's, not ours.
    "admin",
}
EXEMPT_NAMES = {
    # Django's language switch (django.conf.urls.i18n): a public POST that only sets a cookie.
    "set_language",
    # django-ninja's marker for the API's base path (used to reverse operation URLs); its view
    # always raises 404 and shows nothing.
    "api:api-root",
    # Static and media files are served by WhiteNoise / the web server, not by named views;
    # listed in case DEBUG-only helpers add them.
    "static",
    "media",
}


def _route_modules() -> list[str]:
    """Dotted names of every table module under tests/, found by walking the directory."""
    names = []
    for path in sorted(TESTS_DIR.rglob("*.py")):
        if path.name == "routes.py" or path.name.endswith("_routes.py"):
            relative = path.relative_to(TESTS_DIR.parent).with_suffix("")
            names.append(".".join(relative.parts))
    return names


def _load_tables() -> tuple[list[tuple[str, Route]], dict[str, str]]:
    """All rows with their module, and the modules that failed to import (with the error)."""
    rows: list[tuple[str, Route]] = []
    broken: dict[str, str] = {}
    for module_name in _route_modules():
        try:
            module = importlib.import_module(module_name)
        except Exception:  # a table being edited must not hide every other table's results
            broken[module_name] = traceback.format_exc()
            continue
        for route in getattr(module, "ROUTES", []):
            rows.append((module_name, route))
    return rows, broken


ROWS, BROKEN_MODULES = _load_tables()


def _rows(predicate=lambda route: True) -> list:
    return [
        pytest.param(route, id=f"{route.name}-{route.method.lower()}")
        for _module, route in ROWS
        if predicate(route)
    ]


def _call(client, route: Route, world, kwargs: dict):
    url = reverse(route.name, kwargs=kwargs)
    method = getattr(client, route.method.lower())
    if route.data is None:
        return method(url)
    data = route.data(world)
    if route.json:
        return method(url, data, content_type="application/json")
    return method(url, data)


def _describe(response) -> str:
    location = response.get("Location", "")
    body = response.content[:300].decode(errors="replace") if hasattr(response, "content") else ""
    return f"status {response.status_code}{' → ' + location if location else ''}: {body}"


def _is_login_redirect(response) -> bool:
    login_url = resolve_url(settings.LOGIN_URL)
    return response.status_code == 302 and response["Location"].startswith(login_url)


def test_every_route_table_imports():
    assert ROWS, "no route tables found under tests/"
    assert not BROKEN_MODULES, "\n".join(f"{name}:\n{error}" for name, error in BROKEN_MODULES.items())


@pytest.mark.parametrize("route", _rows())
def test_anonymous_visitor_is_sent_to_login_or_refused(route, client, world):
    response = _call(client, route, world, route.in_scope(world))
    if route.anonymous == "login":
        assert _is_login_redirect(response), _describe(response)
    elif route.anonymous == "401":
        assert response.status_code == 401, _describe(response)
        assert response["Content-Type"].startswith("application/json")
    elif route.anonymous == "public":
        assert response.status_code not in (401, 403, 404), _describe(response)
        assert not _is_login_redirect(response), _describe(response)
    else:
        pytest.fail(f"{route.name}: unknown anonymous rule {route.anonymous!r}")


@pytest.mark.parametrize("route", _rows())
def test_persona_reaches_route_in_scope(route, client, world, request):
    client.force_login(request.getfixturevalue(route.persona))
    response = _call(client, route, world, route.in_scope(world))
    assert response.status_code == route.allowed_status, _describe(response)


@pytest.mark.parametrize("route", _rows(lambda route: route.out_of_scope is not None))
def test_persona_gets_404_outside_scope(route, client, world, request):
    client.force_login(request.getfixturevalue(route.persona))
    response = _call(client, route, world, route.out_of_scope(world))
    assert response.status_code == 404, _describe(response)


@pytest.mark.parametrize("route", _rows(lambda route: route.denied_persona is not None))
def test_persona_without_the_right_is_refused(route, client, world, request):
    client.force_login(request.getfixturevalue(route.denied_persona))
    response = _call(client, route, world, route.in_scope(world))
    assert response.status_code in (403, 404), _describe(response)


def _assert_expected(response, expected: str, route: Route) -> None:
    if expected == "refused":
        assert response.status_code in (403, 404), _describe(response)
    elif expected == "allowed":
        assert response.status_code == route.allowed_status, _describe(response)
    else:
        assert response.status_code == int(expected), _describe(response)


@pytest.mark.parametrize("route", _rows())
def test_secretary_who_is_a_grid_worker_elsewhere_gets_what_the_row_says_in_scope(
    route, client, world, request
):
    """Her second role (grid worker in 社区B) neither takes away nor adds anything in 社区A."""
    inside, _outside = two_roles_expected(route)
    client.force_login(request.getfixturevalue(TWO_ROLES))
    response = _call(client, route, world, route.in_scope(world))
    _assert_expected(response, inside, route)


@pytest.mark.parametrize("route", _rows(lambda route: route.out_of_scope is not None))
def test_secretary_who_is_a_grid_worker_elsewhere_gets_what_the_row_says_outside_scope(
    route, client, world, request
):
    """In 社区B only her grid post counts: 404 unless the row says the grid post opens the object."""
    _inside, outside = two_roles_expected(route)
    client.force_login(request.getfixturevalue(TWO_ROLES))
    response = _call(client, route, world, route.out_of_scope(world))
    _assert_expected(response, outside, route)


def test_every_row_has_an_expectation_for_the_two_role_persona():
    undeclared = []
    for _module, route in ROWS:
        try:
            two_roles_expected(route)
        except ValueError as error:
            undeclared.append(str(error))
    assert not undeclared, "\n".join(undeclared)


def _named_routes(patterns, namespace: str = "") -> set[str]:
    """Every reversible name of the URL map, with its namespaces (``orgs:org_list``, ``api:me``)."""
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _is_exempt(name: str) -> bool:
    namespace, colon, _rest = name.partition(":")
    return name in EXEMPT_NAMES or (bool(colon) and namespace in EXEMPT_NAMESPACES)


def test_every_named_route_is_in_a_permission_table():
    listed = {route.name for _module, route in ROWS}
    missing = sorted(
        name
        for name in _named_routes(get_resolver().url_patterns)
        if name not in listed and not _is_exempt(name)
    )
    assert not missing, "Routes in no permission table (add a Route to tests/<app>/routes.py):\n" + "\n".join(
        missing
    )


def test_every_table_row_names_an_existing_route():
    known = _named_routes(get_resolver().url_patterns)
    unknown = sorted({route.name for _module, route in ROWS} - known)
    assert not unknown, f"Rows for routes that do not exist: {unknown}"
