"""Routes of the 评星定级 staff pages (/evaluation/)."""

from __future__ import annotations

from django.urls import path

from dangjian.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<id:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<id:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<id:pk>/categories/", views.category_add, name="category_add"),
    path("schemes/<id:pk>/items/new/", views.item_add, name="item_add"),
    path("schemes/<id:pk>/thresholds/", views.thresholds_edit, name="thresholds_edit"),
    path("schemes/<id:pk>/caps/", views.cap_add, name="cap_add"),
    path("schemes/<id:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("schemes/<id:pk>/copy/", views.scheme_copy, name="scheme_copy"),
    path("items/<id:pk>/edit/", views.item_edit, name="item_edit"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<id:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<id:pk>/advance/", views.round_advance, name="round_advance"),
    path("rounds/<id:pk>/results.xlsx", views.round_export, name="round_export"),
    path("rounds/<id:pk>/results.pdf", views.round_pdf, name="round_pdf"),
    path("assessments/<id:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<id:pk>/self/", views.assessment_self, name="assessment_self"),
    path("assessments/<id:pk>/review/", views.assessment_review, name="assessment_review"),
    path("evidence/<id:pk>/", views.evidence_download, name="evidence_download"),
    path("objections/", views.objection_list, name="objection_list"),
    path("objections/<id:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("stars/", views.star_list, name="star_list"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<id:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectification-tasks/<id:pk>/done/", views.task_done, name="task_done"),
]
