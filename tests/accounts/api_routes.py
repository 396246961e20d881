"""Permission table of the API's own routes: who am I, and the OpenAPI document and docs page."""

from __future__ import annotations

from tests.permissions import Route

ROUTES: list[Route] = [
    # Any signed-in user may ask who they are, even one without roles.
    Route(name="api:me", anonymous="401", persona="resident"),
    # The schema and Swagger UI hold no records, but are not shown to anonymous visitors.
    Route(name="api:openapi-json", anonymous="login", persona="resident"),
    Route(name="api:openapi-view", anonymous="login", persona="resident"),
]
