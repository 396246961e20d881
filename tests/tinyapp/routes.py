"""Permission table of the tiny test app: its one page is the secretary's, not the grid worker's."""

from __future__ import annotations

from tests.permissions import Route

ROUTES: list[Route] = [Route("tinyapp:note_list", denied_persona="grid_worker_a")]
