"""Routes of the 评星定级 staff pages (/evaluation/)."""

from __future__ import annotations

from django.urls import path

from dangjian.evaluation.views import assessments, follow_up, rounds, schemes

app_name = "evaluation"

urlpatterns = [
    path("schemes/", schemes.scheme_list, name="scheme_list"),
    path("schemes/new/", schemes.scheme_create, name="scheme_create"),
    path("schemes/<id:pk>/", schemes.scheme_detail, name="scheme_detail"),
    path("schemes/<id:pk>/edit/", schemes.scheme_edit, name="scheme_edit"),
    path("schemes/<id:pk>/categories/", schemes.category_add, name="category_add"),
    path("schemes/<id:pk>/items/new/", schemes.item_add, name="item_add"),
    path("schemes/<id:pk>/thresholds/", schemes.thresholds_edit, name="thresholds_edit"),
    path("schemes/<id:pk>/caps/", schemes.cap_add, name="cap_add"),
    path("schemes/<id:pk>/publish/", schemes.scheme_publish, name="scheme_publish"),
    path("schemes/<id:pk>/copy/", schemes.scheme_copy, name="scheme_copy"),
    path("items/<id:pk>/edit/", schemes.item_edit, name="item_edit"),
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<id:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<id:pk>/advance/", rounds.round_advance, name="round_advance"),
    path("rounds/<id:pk>/results.xlsx", rounds.round_export, name="round_export"),
    path("rounds/<id:pk>/results.pdf", rounds.round_pdf, name="round_pdf"),
    path("assessments/<id:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/<id:pk>/self/", assessments.assessment_self, name="assessment_self"),
    path("assessments/<id:pk>/review/", assessments.assessment_review, name="assessment_review"),
    path("evidence/<id:pk>/", assessments.evidence_download, name="evidence_download"),
    path("objections/", follow_up.objection_list, name="objection_list"),
    path("objections/<id:pk>/answer/", follow_up.objection_answer, name="objection_answer"),
    path("stars/", follow_up.star_list, name="star_list"),
    path("rectifications/", follow_up.rectification_list, name="rectification_list"),
    path("rectifications/<id:pk>/", follow_up.rectification_detail, name="rectification_detail"),
    path("rectification-tasks/<id:pk>/done/", follow_up.task_done, name="task_done"),
]
