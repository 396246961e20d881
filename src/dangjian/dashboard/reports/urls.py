"""Routes of the dashboard's reports part: the yearly 党建台账 and the service figures by grid
and month, each as a page, a PDF and an Excel workbook (``dashboard:reports:…``)."""

from __future__ import annotations

from django.urls import path

from dangjian.dashboard.reports import views

app_name = "reports"

urlpatterns = [
    path("ledger/", views.ledger_index, name="ledger_index"),
    path("ledger/<id:pk>/<id:year>/", views.ledger_page, name="ledger"),
    path("ledger/<id:pk>/<id:year>/pdf/", views.ledger_pdf, name="ledger_pdf"),
    path("ledger/<id:pk>/<id:year>/xlsx/", views.ledger_export, name="ledger_export"),
    path("service/", views.service_index, name="service_index"),
    path("service/<id:pk>/<id:year>/", views.service_page, name="service"),
    path("service/<id:pk>/<id:year>/pdf/", views.service_pdf, name="service_pdf"),
    path("service/<id:pk>/<id:year>/xlsx/", views.service_export, name="service_export"),
]
