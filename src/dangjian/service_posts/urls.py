"""Routes of the service-post pages for staff and members (/posts/)."""

from __future__ import annotations

from django.urls import path

from dangjian.service_posts import views

app_name = "service_posts"

urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("add/", views.post_create, name="post_create"),
    path("<id:pk>/", views.post_detail, name="post_detail"),
    path("<id:pk>/edit/", views.post_edit, name="post_edit"),
    path("<id:pk>/close/", views.post_close, name="post_close"),
    path("<id:pk>/claim/", views.post_claim, name="post_claim"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<id:pk>/confirm/", views.claim_confirm, name="claim_confirm"),
    path("claims/<id:pk>/decline/", views.claim_decline, name="claim_decline"),
    path("claims/<id:pk>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("claims/<id:pk>/renew/", views.claim_renew, name="claim_renew"),
    path("claims/<id:pk>/renewal/confirm/", views.renewal_confirm, name="renewal_confirm"),
    path("agreements/<id:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("comments/<id:pk>/hide/", views.note_hide, name="note_hide"),
]
