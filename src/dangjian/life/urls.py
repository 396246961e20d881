"""Routes of the organizational-life pages: meetings, attendance, closing, QR check-in, minutes,
民主评议, attachments, compliance and silent branches."""

from __future__ import annotations

from django.urls import path

from dangjian.life import views

app_name = "life"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path("orgs/<id:org_pk>/meetings/add/", views.meeting_create, name="meeting_create"),
    path("meetings/<id:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<id:pk>/attendance/", views.attendance_edit, name="attendance_edit"),
    path("meetings/<id:pk>/votes/add/", views.meeting_vote_add, name="meeting_vote_add"),
    path("meetings/<id:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<id:pk>/checkin/<str:token>/", views.meeting_checkin, name="meeting_checkin"),
    path("meetings/<id:pk>/minutes.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("meetings/<id:pk>/reviews/", views.review_entry, name="review_entry"),
    path("meetings/<id:pk>/attachments/add/", views.attachment_add, name="attachment_add"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<id:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("compliance/", views.compliance_view, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
    path("silent-branches/", views.silent_branches_view, name="silent_branches"),
]
