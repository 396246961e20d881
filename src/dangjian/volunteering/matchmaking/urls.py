"""Routes of matching: a need's suggestions and the batch proposals (匹配方案)."""

from __future__ import annotations

from django.urls import path

from dangjian.volunteering.matchmaking import views

urlpatterns = [
    path("needs/<id:pk>/suggestions/", views.need_suggestions, name="need_suggestions"),
    path("needs/<id:pk>/suggestions/assign/", views.need_suggestion_assign, name="need_suggestion_assign"),
    path("matching/", views.proposal_list, name="proposal_list"),
    path("matching/add/", views.proposal_create, name="proposal_create"),
    path("matching/<id:pk>/", views.proposal_detail, name="proposal_detail"),
    path("matching/<id:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("matching/<id:pk>/discard/", views.proposal_discard, name="proposal_discard"),
    path(
        "matching/<id:pk>/pairs/<id:pair_pk>/remove/", views.proposal_pair_remove, name="proposal_pair_remove"
    ),
    path(
        "matching/<id:pk>/pairs/<id:pair_pk>/change/", views.proposal_pair_change, name="proposal_pair_change"
    ),
]
