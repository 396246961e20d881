"""Routes of the dues pages: overview, monthly sheet and export, payments, declarations,
the farmer amount, reductions and arrears."""

from __future__ import annotations

from django.urls import path

from dangjian.dues import views

app_name = "dues"

urlpatterns = [
    path("", views.index, name="index"),
    path("orgs/<id:org_pk>/sheet/", views.sheet, name="sheet"),
    path("orgs/<id:org_pk>/sheet/export/", views.sheet_export, name="sheet_export"),
    path("orgs/<id:org_pk>/declarations/", views.declaration_list, name="declaration_list"),
    path("orgs/<id:org_pk>/declarations/import/", views.declaration_import, name="declaration_import"),
    path(
        "orgs/<id:org_pk>/declarations/import/template/",
        views.declaration_import_template,
        name="declaration_import_template",
    ),
    path("orgs/<id:org_pk>/settings/", views.setting_edit, name="setting_edit"),
    path("members/<id:member_pk>/payments/add/", views.payment_create, name="payment_create"),
    path("members/<id:member_pk>/declarations/add/", views.declaration_create, name="declaration_create"),
    path("members/<id:member_pk>/reductions/add/", views.reduction_create, name="reduction_create"),
    path("reductions/", views.reduction_list, name="reduction_list"),
    path("reductions/<id:pk>/decide/", views.reduction_decide, name="reduction_decide"),
    path("arrears/", views.arrears_list, name="arrears_list"),
]
