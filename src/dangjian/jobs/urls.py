"""Routes of the 就业 pages (postings, seekers, training) and the portal's open postings."""

from __future__ import annotations

from django.urls import path

from dangjian.jobs.views import postings, public, seekers, training

app_name = "jobs"

urlpatterns = [
    path("postings/", postings.posting_list, name="posting_list"),
    path("postings/add/", postings.posting_create, name="posting_create"),
    path("postings/<id:pk>/", postings.posting_detail, name="posting_detail"),
    path("postings/<id:pk>/edit/", postings.posting_edit, name="posting_edit"),
    path("postings/<id:pk>/close/", postings.posting_close, name="posting_close"),
    path("seekers/", seekers.seeker_list, name="seeker_list"),
    path("seekers/export/", seekers.seeker_export, name="seeker_export"),
    path("seekers/add/", seekers.seeker_create, name="seeker_create"),
    path("seekers/<id:pk>/", seekers.seeker_detail, name="seeker_detail"),
    path("seekers/<id:pk>/edit/", seekers.seeker_edit, name="seeker_edit"),
    path("seekers/<id:pk>/withdraw/", seekers.seeker_withdraw, name="seeker_withdraw"),
    path("seekers/<id:pk>/place/", seekers.seeker_place, name="seeker_place"),
    path("training/", training.training_list, name="training_list"),
    path("training/add/", training.training_create, name="training_create"),
    path("training/<id:pk>/", training.training_detail, name="training_detail"),
    path("training/<id:pk>/enrol/", training.training_enrol, name="training_enrol"),
    path("training/<id:pk>/roll/", training.training_roll, name="training_roll"),
    path("public/postings/", public.public_postings, name="public_postings"),
]
