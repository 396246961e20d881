"""Routes of the dashboard's screen part."""

from __future__ import annotations

urlpatterns: list = []
