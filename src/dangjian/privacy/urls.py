"""Pages of the privacy app (个人信息保护)."""

from __future__ import annotations

from django.urls import path

from dangjian.privacy import views

app_name = "privacy"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/<id:pk>/", views.person_detail, name="person_detail"),
    path("people/<id:pk>/export/", views.person_export, name="person_export"),
    path("people/<id:pk>/erasure/", views.erasure_create, name="erasure_create"),
    path("erasures/", views.erasure_list, name="erasure_list"),
    path("erasures/<id:pk>/", views.erasure_detail, name="erasure_detail"),
    path("erasures/<id:pk>/confirm/", views.erasure_confirm, name="erasure_confirm"),
]
