"""Routes of the deliberation pages for staff and participants (/deliberation/)."""

from __future__ import annotations

from django.urls import path

from dangjian.deliberation import views

app_name = "deliberation"

urlpatterns = [
    path("", views.topic_list, name="topic_list"),
    path("add/", views.topic_create, name="topic_create"),
    path("<id:pk>/", views.topic_detail, name="topic_detail"),
    path("<id:pk>/accept/", views.topic_accept, name="topic_accept"),
    path("<id:pk>/decline/", views.topic_decline, name="topic_decline"),
    path("<id:pk>/invite/", views.invitation_add, name="invitation_add"),
    path("<id:pk>/comment/", views.comment_add, name="comment_add"),
    path("<id:pk>/meeting/", views.meeting_record, name="meeting_record"),
    path("<id:pk>/tasks/add/", views.task_add, name="task_add"),
    path("<id:pk>/close/", views.topic_close, name="topic_close"),
    path("comments/<id:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("tasks/<id:pk>/progress/", views.task_progress, name="task_progress"),
]
