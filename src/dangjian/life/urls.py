"""Routes of the organizational-life pages: meetings, attendance, closing and QR check-in."""

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
]
