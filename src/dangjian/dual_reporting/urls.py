"""Pages of the dual_reporting app."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "dual_reporting"
urlpatterns: list = []
