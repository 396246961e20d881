"""Routes of the 双报到 pages: community and unit views, 我要报到, reports, pairings, claims,
service logs and the yearly feedback."""

from __future__ import annotations

from django.urls import path

from dangjian.dual_reporting import views

app_name = "dual_reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.report_self, name="report_self"),
    path("communities/<int:pk>/", views.community, name="community"),
    path("communities/<int:pk>/reports/add/", views.report_create, name="report_create"),
    path("communities/<int:pk>/pairings/add/", views.pairing_create, name="pairing_create"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/end/", views.report_end, name="report_end"),
    path("reports/<int:pk>/claims/add/", views.claim_create, {"kind": "report"}, name="report_claim_create"),
    path("reports/<int:pk>/logs/add/", views.log_create, {"kind": "report"}, name="report_log_create"),
    path(
        "reports/<int:pk>/feedback/add/",
        views.feedback_create,
        {"kind": "report"},
        name="report_feedback_create",
    ),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path(
        "pairings/<int:pk>/claims/add/", views.claim_create, {"kind": "pairing"}, name="pairing_claim_create"
    ),
    path("pairings/<int:pk>/logs/add/", views.log_create, {"kind": "pairing"}, name="pairing_log_create"),
    path(
        "pairings/<int:pk>/feedback/add/",
        views.feedback_create,
        {"kind": "pairing"},
        name="pairing_feedback_create",
    ),
    path("claims/<int:pk>/state/", views.claim_state, name="claim_state"),
    path("logs/<int:pk>/confirm/", views.log_confirm, name="log_confirm"),
]
