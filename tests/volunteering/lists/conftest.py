"""The lists' tests run with the volunteering permissions on the built-in roles (see helpers)."""

from __future__ import annotations

import pytest

from tests.volunteering.lists.helpers import grant_list_permissions


@pytest.fixture(autouse=True)
def _list_permissions(db):
    grant_list_permissions()
