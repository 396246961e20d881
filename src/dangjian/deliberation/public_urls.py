"""Routes of the residents' deliberation pages (/portal/deliberation/, no login)."""

from __future__ import annotations

from django.urls import path

from dangjian.deliberation import public

app_name = "deliberation_portal"

urlpatterns = [
    path("", public.topic_list, name="topic_list"),
    path("raise/", public.topic_raise, name="topic_raise"),
    path("<id:pk>/", public.topic_detail, name="topic_detail"),
]
