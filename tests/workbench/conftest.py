"""The service fixtures (categories, a department and its user) for the 工作台 tests, and an
empty cache for each test."""

import pytest

from tests.service.conftest import department_user, service_world  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache():
    """The 工作台 keeps street- and district-wide aggregates in the cache for a minute; each test
    builds its own records, so each starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
