"""Routes of the 双报到 pages: community and unit views, 我要报到, reports, pairings, claims,
service logs and the yearly feedback."""

from __future__ import annotations

from django.urls import path

from dangjian.dual_reporting.views import claims, overview, pairings, reports

app_name = "dual_reporting"

urlpatterns = [
    path("", overview.index, name="index"),
    path("me/", reports.report_self, name="report_self"),
    path("communities/<int:pk>/", overview.community, name="community"),
    path("communities/<int:pk>/reports/add/", reports.report_create, name="report_create"),
    path("communities/<int:pk>/pairings/add/", pairings.pairing_create, name="pairing_create"),
    path("units/<int:pk>/", overview.unit, name="unit"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/end/", reports.report_end, name="report_end"),
    path("reports/<int:pk>/claims/add/", claims.claim_create, {"kind": "report"}, name="report_claim_create"),
    path("reports/<int:pk>/logs/add/", claims.log_create, {"kind": "report"}, name="report_log_create"),
    path(
        "reports/<int:pk>/feedback/add/",
        claims.feedback_create,
        {"kind": "report"},
        name="report_feedback_create",
    ),
    path("pairings/<int:pk>/", pairings.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/end/", pairings.pairing_end, name="pairing_end"),
    path(
        "pairings/<int:pk>/claims/add/", claims.claim_create, {"kind": "pairing"}, name="pairing_claim_create"
    ),
    path("pairings/<int:pk>/logs/add/", claims.log_create, {"kind": "pairing"}, name="pairing_log_create"),
    path(
        "pairings/<int:pk>/feedback/add/",
        claims.feedback_create,
        {"kind": "pairing"},
        name="pairing_feedback_create",
    ),
    path("claims/<int:pk>/state/", claims.claim_state, name="claim_state"),
    path("logs/<int:pk>/confirm/", claims.log_confirm, name="log_confirm"),
]
