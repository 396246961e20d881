"""Routes of 我的 (a member's own pages), under /mine/. No route takes another person's id: the
one id (a meeting to check in to) must be a meeting the signed-in member is expected at."""

from __future__ import annotations

from django.urls import path

from dangjian.mine import views

app_name = "mine"

urlpatterns = [
    path("", views.index, name="index"),
    path("dues/", views.dues, name="dues"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<id:pk>/check-in/", views.meeting_checkin, name="meeting_checkin"),
    path("ballots/", views.ballots, name="ballots"),
    path("dual-reporting/", views.service, name="service"),
    path("transfers/", views.transfers, name="transfers"),
    path("development/", views.development, name="development"),
]
