"""Routes of the residents' announcement pages (/portal/announcements/, no login)."""

from __future__ import annotations

from django.urls import path

from dangjian.publicity import public

app_name = "publicity_portal"

urlpatterns = [
    path("", public.archive, name="archive"),
    path("<id:pk>/", public.announcement, name="announcement"),
]
