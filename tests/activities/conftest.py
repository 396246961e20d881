"""The default point rules come from a migration; a transactional test (the concurrency races, the
browser) ends with a flush that empties them, so each test here puts them back first."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection


@pytest.fixture(autouse=True)
def _default_point_rules(request):
    if "_django_db_helper" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    module = importlib.import_module("dangjian.activities.migrations.0002_role_permissions")
    module.seed_rules(apps, SimpleNamespace(connection=connection))
    yield
