"""Permission table of the figures pages and the grid map.

The pages choose their node by query string (``?node=``), so the URL has no kwargs: secretary_a
gets their own 社区A by default; a resident (no ``service.view_servicerequest``) is refused. The
404 for a node outside the user's scope is in ``tests/service/test_figures.py`` and ``test_map.py``.
"""

from __future__ import annotations

from tests.permissions import Route

ROUTES = [
    Route("service:figures", denied_persona="resident"),
    Route("service:figures_export", denied_persona="resident"),
    Route("service:map", denied_persona="resident"),
    Route("service:map_data", denied_persona="resident"),
]
