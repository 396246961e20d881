"""Routes of the 示范点 pages."""

from __future__ import annotations

from django.urls import path

from dangjian.demonstration import views

app_name = "demonstration"

urlpatterns = [
    path("", views.designation_list, name="designation_list"),
    path("points/<id:pk>/", views.designation_detail, name="designation_detail"),
    path("points/<id:pk>/recheck/", views.recheck_create, name="recheck_create"),
    path("standards/", views.set_list, name="set_list"),
    path("standards/add/", views.set_create, name="set_create"),
    path("standards/<id:pk>/", views.set_detail, name="set_detail"),
    path("standards/<id:pk>/edit/", views.set_edit, name="set_edit"),
    path("standards/<id:pk>/publish/", views.set_publish, name="set_publish"),
    path("standards/<id:pk>/copy/", views.set_copy, name="set_copy"),
    path("standards/<id:pk>/items/add/", views.item_create, name="item_create"),
    path("items/<id:pk>/edit/", views.item_edit, name="item_edit"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/add/", views.application_create, name="application_create"),
    path("applications/<id:pk>/", views.application_detail, name="application_detail"),
    path("applications/<id:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<id:pk>/review/", views.application_start_review, name="application_start_review"),
    path("applications/<id:pk>/decide/", views.application_decide, name="application_decide"),
    path("evidence/<id:pk>/", views.evidence_edit, name="evidence_edit"),
    path("evidence/<id:pk>/review/", views.evidence_review, name="evidence_review"),
    path("files/<id:pk>/", views.evidence_file, name="evidence_file"),
    path("files/<id:pk>/delete/", views.evidence_file_delete, name="evidence_file_delete"),
    path("public/", views.public_list, name="public_list"),
]
