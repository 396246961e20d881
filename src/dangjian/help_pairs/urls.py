"""Routes of the 帮扶对子 pages."""

from __future__ import annotations

from django.urls import path

from dangjian.help_pairs import views

app_name = "help_pairs"

urlpatterns = [
    path("", views.pair_list, name="pair_list"),
    path("pairs/add/", views.pair_create, name="pair_create"),
    path("pairs/<id:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<id:pk>/edit/", views.pair_edit, name="pair_edit"),
    path("pairs/<id:pk>/end/", views.pair_end, name="pair_end"),
    path("pairs/<id:pk>/visits/add/", views.visit_create, name="visit_create"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/<id:pk>/edit/", views.visit_edit, name="visit_edit"),
]
