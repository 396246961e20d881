"""Pages of the elections app (换届选举), under /elections/."""

from __future__ import annotations

from django.urls import path

from dangjian.elections import views

app_name = "elections"
urlpatterns = [
    path("", views.election_list, name="election_list"),
    path("orgs/<int:org_pk>/new/", views.election_create, name="election_create"),
    path("<int:pk>/", views.election_detail, name="election_detail"),
    path("<int:pk>/edit/", views.election_edit, name="election_edit"),
    path("<int:pk>/further-round/", views.further_round, name="further_round"),
    path("<int:pk>/candidates/", views.candidate_list, name="candidate_list"),
    path("<int:pk>/candidates/<int:candidate_pk>/remove/", views.candidate_remove, name="candidate_remove"),
    path("<int:pk>/confirm/", views.election_confirm, name="election_confirm"),
    path("<int:pk>/open/", views.election_open, name="election_open"),
    path("<int:pk>/ballot/", views.ballot, name="ballot"),
    path("<int:pk>/paper-ballot/", views.paper_ballot, name="paper_ballot"),
    path("<int:pk>/count/", views.election_count, name="election_count"),
    path("<int:pk>/results/", views.election_results, name="election_results"),
    path("<int:pk>/submit/", views.election_submit, name="election_submit"),
    path("<int:pk>/approve/", views.election_approve, name="election_approve"),
    path("<int:pk>/reject/", views.election_reject, name="election_reject"),
]
