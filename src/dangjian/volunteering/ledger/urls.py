"""Routes of the volunteer ledger (志愿者台账): volunteers, the skill taxonomy and teams."""

from __future__ import annotations

from django.urls import path

from dangjian.volunteering.ledger.views import skills, teams, volunteers

urlpatterns = [
    path("volunteers/", volunteers.volunteer_list, name="volunteer_list"),
    path("volunteers/add/", volunteers.volunteer_create, name="volunteer_create"),
    path("volunteers/join/", volunteers.volunteer_join, name="volunteer_join"),
    path("volunteers/export/", volunteers.volunteer_export, name="volunteer_export"),
    path("volunteers/import/", volunteers.volunteer_import, name="volunteer_import"),
    path(
        "volunteers/import/template/", volunteers.volunteer_import_template, name="volunteer_import_template"
    ),
    path("volunteers/<id:pk>/", volunteers.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<id:pk>/edit/", volunteers.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<id:pk>/state/", volunteers.volunteer_state, name="volunteer_state"),
    path("skills/", skills.skill_list, name="skill_list"),
    path("skills/add/", skills.skill_create, name="skill_create"),
    path("skills/<id:pk>/edit/", skills.skill_edit, name="skill_edit"),
    path("skills/<id:pk>/active/", skills.skill_active, name="skill_active"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/add/", teams.team_create, name="team_create"),
    path("teams/<id:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<id:pk>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<id:pk>/members/add/", teams.team_member_add, name="team_member_add"),
    path(
        "teams/<id:pk>/members/<id:volunteer_pk>/remove/", teams.team_member_remove, name="team_member_remove"
    ),
]
