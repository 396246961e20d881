"""Routes of the residents' proposal pages (/portal/proposals/, no login)."""

from __future__ import annotations

from django.urls import path

from dangjian.proposals import public

app_name = "proposals_portal"

urlpatterns = [
    path("", public.proposal_list, name="proposal_list"),
    path("add/", public.proposal_create, name="proposal_create"),
    path("<id:pk>/", public.proposal_detail, name="proposal_detail"),
    path("<id:pk>/support/", public.proposal_support, name="proposal_support"),
]
