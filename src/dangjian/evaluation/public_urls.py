"""Routes of the public 公示 pages of 评星定级 (/portal/rating/, no login)."""

from __future__ import annotations

from django.urls import path

from dangjian.evaluation import public

app_name = "evaluation_public"

urlpatterns = [
    path("", public.public_list, name="round_list"),
    path("<id:pk>/", public.public_round, name="round"),
]
