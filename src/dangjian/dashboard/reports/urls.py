"""Routes of the dashboard's reports part."""

from __future__ import annotations

urlpatterns: list = []
