"""Permission table of the big screen: secretary_a reads the figures of 社区A (her default scope);
a resident holds no figure's permission anywhere and is refused. The node of another scope
(``?node=``) is a query parameter the table cannot carry: its 404 is tested in
tests/dashboard/screen/test_screen.py."""

from __future__ import annotations

from tests.permissions import Route

ROUTES: list[Route] = [
    Route("dashboard:screen", denied_persona="resident"),
    Route("dashboard:screen_data", denied_persona="resident"),
    Route("dashboard:screen_map", denied_persona="resident"),
]
