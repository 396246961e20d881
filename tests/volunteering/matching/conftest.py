from __future__ import annotations

import pytest

from tests.volunteering.matching.helpers import grant_volunteering_permissions


@pytest.fixture(autouse=True)
def _volunteering_permissions(db):
    grant_volunteering_permissions()
