"""Routes of the 党员积分 pages."""

from __future__ import annotations

from django.urls import path

from dangjian.member_points import views

app_name = "member_points"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export/", views.ledger_export, name="ledger_export"),
    path("ranking/", views.ranking_page, name="ranking"),
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/<id:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("members/<id:pk>/", views.member_detail, name="member_detail"),
    path("members/<id:pk>/award/", views.entry_create, name="entry_create"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/add/", views.rule_create, name="rule_create"),
    path("rules/<id:pk>/edit/", views.rule_edit, name="rule_edit"),
]
