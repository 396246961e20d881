"""Routes of the proposal pages for staff and members (/proposals/)."""

from __future__ import annotations

from django.urls import path

from dangjian.proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="proposal_list"),
    path("add/", views.proposal_create, name="proposal_create"),
    path("<id:pk>/", views.proposal_detail, name="proposal_detail"),
    path("<id:pk>/respond/", views.proposal_respond, name="proposal_respond"),
    path("<id:pk>/hide/", views.proposal_hide, name="proposal_hide"),
    path("<id:pk>/support/", views.proposal_support, name="proposal_support"),
    path("orgs/<id:pk>/threshold/", views.threshold_edit, name="threshold_edit"),
]
