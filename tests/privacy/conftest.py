"""Fixtures of the privacy tests: the service world (categories, grids) every resident reports in."""

from __future__ import annotations

from tests.service.conftest import handler_a1, service_world  # noqa: F401
