"""Routes of the dashboards: the big screen under ``screen/``, reports under ``reports/``."""

from __future__ import annotations

from django.urls import include, path

app_name = "dashboard"

urlpatterns = [
    path("screen/", include("dangjian.dashboard.screen.urls")),
    path("reports/", include("dangjian.dashboard.reports.urls")),
]
