"""Pages of the development pipeline (发展党员)."""

from __future__ import annotations

from django.urls import path

from dangjian.development import rule_set_views, views

app_name = "development"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("applicants/", views.applicant_list, name="applicant_list"),
    path("applicants/new/", views.applicant_create, name="applicant_create"),
    path("applicants/<id:pk>/", views.applicant_detail, name="applicant_detail"),
    path("applicants/<id:pk>/steps/<slug:code>/", views.applicant_record_step, name="applicant_record_step"),
    path("applicants/<id:pk>/withdraw/", views.applicant_withdraw, name="applicant_withdraw"),
    path("rule-sets/", rule_set_views.rule_set_list, name="rule_set_list"),
    path("rule-sets/load/", rule_set_views.rule_set_load, name="rule_set_load"),
    path("rule-sets/<id:pk>/", rule_set_views.rule_set_detail, name="rule_set_detail"),
    path("rule-sets/<id:pk>/copy/", rule_set_views.rule_set_copy, name="rule_set_copy"),
    path("rule-sets/<id:pk>/activate/", rule_set_views.rule_set_activate, name="rule_set_activate"),
    path("rule-sets/<id:pk>/export/", rule_set_views.rule_set_export, name="rule_set_export"),
    path(
        "rule-sets/<id:pk>/steps/<id:step_pk>/", rule_set_views.rule_set_step_edit, name="rule_set_step_edit"
    ),
]
