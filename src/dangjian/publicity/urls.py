"""Routes of the announcement pages for staff and members (/publicity/)."""

from __future__ import annotations

from django.urls import path

from dangjian.publicity import views

app_name = "publicity"

urlpatterns = [
    path("", views.announcement_list, name="announcement_list"),
    path("add/", views.announcement_create, name="announcement_create"),
    path("mine/", views.my_announcements, name="my_announcements"),
    path("<id:pk>/", views.announcement_detail, name="announcement_detail"),
    path("<id:pk>/edit/", views.announcement_edit, name="announcement_edit"),
    path("<id:pk>/publish/", views.announcement_publish, name="announcement_publish"),
    path("<id:pk>/withdraw/", views.announcement_withdraw, name="announcement_withdraw"),
    path("<id:pk>/unread/", views.announcement_unread, name="announcement_unread"),
    path("<id:pk>/attachments/add/", views.attachment_add, name="attachment_add"),
    path("files/<id:pk>/", views.attachment_download, name="attachment_download"),
]
