"""Routes of the 三张清单 and 微心愿: staff pages, the claiming member's pages, and the residents'
public pages (under ``public/``, no account)."""

from __future__ import annotations

from django.urls import path

from dangjian.volunteering.lists.views import catalogue, needs, public, wishes

RESOURCE = {"catalogue": "resource"}
PROJECT = {"catalogue": "project"}

urlpatterns = [
    path("needs/", needs.need_list, name="need_list"),
    path("needs/add/", needs.need_create, name="need_create"),
    path("needs/<id:pk>/", needs.need_detail, name="need_detail"),
    path("needs/<id:pk>/edit/", needs.need_edit, name="need_edit"),
    path("needs/<id:pk>/assign/", needs.need_assign, name="need_assign"),
    path("needs/<id:pk>/unassign/", needs.need_unassign, name="need_unassign"),
    path("needs/<id:pk>/met/", needs.need_met, name="need_met"),
    path("needs/<id:pk>/close/", needs.need_close, name="need_close"),
    path("resources/", catalogue.catalogue_list, RESOURCE, name="resource_list"),
    path("resources/add/", catalogue.catalogue_create, RESOURCE, name="resource_create"),
    path("resources/<id:pk>/", catalogue.catalogue_detail, RESOURCE, name="resource_detail"),
    path("resources/<id:pk>/edit/", catalogue.catalogue_edit, RESOURCE, name="resource_edit"),
    path("projects/", catalogue.catalogue_list, PROJECT, name="project_list"),
    path("projects/add/", catalogue.catalogue_create, PROJECT, name="project_create"),
    path("projects/<id:pk>/", catalogue.catalogue_detail, PROJECT, name="project_detail"),
    path("projects/<id:pk>/edit/", catalogue.catalogue_edit, PROJECT, name="project_edit"),
    path("wishes/", wishes.wish_list, name="wish_list"),
    path("wishes/add/", wishes.wish_create, name="wish_create"),
    path("wishes/mine/", wishes.my_wishes, name="my_wishes"),
    path("wishes/<id:pk>/", wishes.wish_detail, name="wish_detail"),
    path("wishes/<id:pk>/publish/", wishes.wish_publish, name="wish_publish"),
    path("wishes/<id:pk>/confirm/", wishes.wish_confirm, name="wish_confirm"),
    path("wishes/<id:pk>/withdraw/", wishes.wish_withdraw, name="wish_withdraw"),
    path("wishes/<id:pk>/claim/", wishes.wish_claim, name="wish_claim"),
    path("wishes/<id:pk>/fulfil/", wishes.wish_fulfil, name="wish_fulfil"),
    path("wishes/<id:pk>/release/", wishes.wish_release, name="wish_release"),
    path("wishes/photos/<id:pk>/", wishes.wish_photo, name="wish_photo"),
    path("public/needs/", public.public_need_list, name="public_need_list"),
    path("public/needs/submit/", public.public_need_submit, name="public_need_submit"),
    path("public/wishes/", public.public_wish_list, name="public_wish_list"),
    path("public/wishes/submit/", public.public_wish_submit, name="public_wish_submit"),
    path("public/wishes/track/", public.public_wish_lookup, name="public_wish_lookup"),
    path("public/wishes/track/<str:code>/", public.public_wish_track, name="public_wish_track"),
    path(
        "public/wishes/track/<str:code>/photos/<id:pk>/", public.public_wish_photo, name="public_wish_photo"
    ),
]
