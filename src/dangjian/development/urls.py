"""Pages of the development pipeline (发展党员)."""

from __future__ import annotations

from django.urls import path

from dangjian.development import views

app_name = "development"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("applicants/", views.applicant_list, name="applicant_list"),
    path("applicants/new/", views.applicant_create, name="applicant_create"),
    path("applicants/<id:pk>/", views.applicant_detail, name="applicant_detail"),
    path("applicants/<id:pk>/steps/<slug:code>/", views.applicant_record_step, name="applicant_record_step"),
    path("applicants/<id:pk>/withdraw/", views.applicant_withdraw, name="applicant_withdraw"),
]
