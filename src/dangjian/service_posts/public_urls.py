"""Routes of the residents' service-post pages (/portal/posts/, no login)."""

from __future__ import annotations

from django.urls import path

from dangjian.service_posts import public

app_name = "service_posts_portal"

urlpatterns = [
    path("", public.post_list, name="post_list"),
    path("agreements/<str:code>/", public.agreement, name="agreement"),
    path("agreements/<str:code>/pdf/", public.agreement_pdf, name="agreement_pdf"),
    path("agreements/<str:code>/comment/", public.comment, name="comment"),
    path("agreements/<str:code>/message/", public.message, name="message"),
]
