"""Staff pages of the leader mailbox (/mailbox/) and a signed-in user's writing page."""

from django.urls import path

from dangjian.mailbox import views

app_name = "mailbox"

urlpatterns = [
    path("messages/", views.message_list, name="message_list"),
    path("messages/<id:pk>/", views.message_detail, name="message_detail"),
    path("messages/<id:pk>/assign/", views.message_assign, name="message_assign"),
    path("messages/<id:pk>/answer/", views.message_answer, name="message_answer"),
    path("messages/<id:pk>/close/", views.message_close, name="message_close"),
    path("messages/<id:pk>/publish/", views.message_publish, name="message_publish"),
    path("messages/<id:pk>/to-request/", views.message_to_request, name="message_to_request"),
    path("mailboxes/", views.mailbox_list, name="mailbox_list"),
    path("mailboxes/new/", views.mailbox_create, name="mailbox_create"),
    path("mailboxes/<id:pk>/edit/", views.mailbox_edit, name="mailbox_edit"),
    path("write/", views.write, name="write"),
    path("mine/", views.mine, name="mine"),
]
