"""Routes of the 双报到 pages: community and unit views, 我要报到, reports, pairings, claims,
service logs and the yearly feedback."""

from __future__ import annotations

from django.urls import path

from dangjian.dual_reporting.views import claims, overview, pairings, reports

app_name = "dual_reporting"

urlpatterns = [
    path("", overview.index, name="index"),
    path("me/", reports.report_self, name="report_self"),
    path("communities/<id:pk>/", overview.community, name="community"),
    path("communities/<id:pk>/reports/add/", reports.report_create, name="report_create"),
    path("communities/<id:pk>/pairings/add/", pairings.pairing_create, name="pairing_create"),
    path("units/<id:pk>/", overview.unit, name="unit"),
    path("reports/<id:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<id:pk>/end/", reports.report_end, name="report_end"),
    path("reports/<id:pk>/claims/add/", claims.claim_create, {"kind": "report"}, name="report_claim_create"),
    path("reports/<id:pk>/logs/add/", claims.log_create, {"kind": "report"}, name="report_log_create"),
    path(
        "reports/<id:pk>/feedback/add/",
        claims.feedback_create,
        {"kind": "report"},
        name="report_feedback_create",
    ),
    path("pairings/<id:pk>/", pairings.pairing_detail, name="pairing_detail"),
    path("pairings/<id:pk>/end/", pairings.pairing_end, name="pairing_end"),
    path(
        "pairings/<id:pk>/claims/add/", claims.claim_create, {"kind": "pairing"}, name="pairing_claim_create"
    ),
    path("pairings/<id:pk>/logs/add/", claims.log_create, {"kind": "pairing"}, name="pairing_log_create"),
    path(
        "pairings/<id:pk>/feedback/add/",
        claims.feedback_create,
        {"kind": "pairing"},
        name="pairing_feedback_create",
    ),
    path("claims/<id:pk>/state/", claims.claim_state, name="claim_state"),
    path("logs/<id:pk>/confirm/", claims.log_confirm, name="log_confirm"),
]
