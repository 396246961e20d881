"""Routes of the organizational-life pages: meetings, attendance, closing, QR check-in, minutes,
民主评议, attachments, compliance and silent branches."""

from __future__ import annotations

from django.urls import path

from dangjian.life import views

app_name = "life"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("orgs/<int:org_pk>/meetings/add/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.attendance_edit, name="attendance_edit"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/checkin/<str:token>/", views.meeting_checkin, name="meeting_checkin"),
    path("meetings/<int:pk>/minutes.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("meetings/<int:pk>/reviews/", views.review_entry, name="review_entry"),
    path("meetings/<int:pk>/attachments/add/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("compliance/", views.compliance_view, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
    path("silent-branches/", views.silent_branches_view, name="silent_branches"),
]
