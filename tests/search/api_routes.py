from __future__ import annotations

from tests.permissions import Route

ROUTES: list[Route] = [
    Route("api:search", anonymous="401", denied_persona="resident"),
]
