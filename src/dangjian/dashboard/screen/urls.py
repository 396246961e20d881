"""Routes of the dashboard's screen part: the big screen and the JSON its script polls."""

from __future__ import annotations

from django.urls import path

from dangjian.dashboard.screen import views

urlpatterns: list = [
    path("", views.screen, name="screen"),
    path("data/", views.screen_data, name="screen_data"),
    path("map/", views.screen_map, name="screen_map"),
]
