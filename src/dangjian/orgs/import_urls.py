"""Routes of the Excel import and export pages of the two trees (included by orgs/urls.py)."""

from django.urls import path

from dangjian.orgs import import_views

urlpatterns = [
    path("areas/import/", import_views.area_import, name="area_import"),
    path("areas/import/template/", import_views.area_import_template, name="area_import_template"),
    path("areas/export/", import_views.area_export, name="area_export"),
    path("organizations/import/", import_views.org_import, name="org_import"),
    path("organizations/import/template/", import_views.org_import_template, name="org_import_template"),
    path("organizations/export/", import_views.org_export, name="org_export"),
]
