"""Pages of the elections app (换届选举), under /elections/."""

from __future__ import annotations

from django.urls import path

from dangjian.elections import views

app_name = "elections"
urlpatterns = [
    path("", views.election_list, name="election_list"),
    path("orgs/<id:org_pk>/new/", views.election_create, name="election_create"),
    path("<id:pk>/", views.election_detail, name="election_detail"),
    path("<id:pk>/edit/", views.election_edit, name="election_edit"),
    path("<id:pk>/further-round/", views.further_round, name="further_round"),
    path("<id:pk>/candidates/", views.candidate_list, name="candidate_list"),
    path("<id:pk>/candidates/<id:candidate_pk>/remove/", views.candidate_remove, name="candidate_remove"),
    path("<id:pk>/confirm/", views.election_confirm, name="election_confirm"),
    path("<id:pk>/open/", views.election_open, name="election_open"),
    path("<id:pk>/ballot/", views.ballot, name="ballot"),
    path("<id:pk>/paper-ballot/", views.paper_ballot, name="paper_ballot"),
    path("<id:pk>/count/", views.election_count, name="election_count"),
    path("<id:pk>/results/", views.election_results, name="election_results"),
    path("<id:pk>/submit/", views.election_submit, name="election_submit"),
    path("<id:pk>/approve/", views.election_approve, name="election_approve"),
    path("<id:pk>/reject/", views.election_reject, name="election_reject"),
    path("<id:pk>/exclusions/", views.voter_exclusions, name="voter_exclusions"),
    path("<id:pk>/reduce-seats/", views.reduce_seats, name="reduce_seats"),
    path("<id:pk>/officers/", views.officer_report, name="officer_report"),
    path("<id:pk>/officers/<id:report_pk>/decide/", views.officer_decide, name="officer_decide"),
]
