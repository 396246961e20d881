"""Pages of the core app: the audit log and notifications (the workbench is at / in the root URL map)."""

from django.urls import path

from dangjian.core import notification_views, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<id:pk>/", views.audit_detail, name="audit_detail"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/<id:pk>/", notification_views.notification_open, name="notification_open"),
    path("notifications/<id:pk>/read/", notification_views.notification_read, name="notification_read"),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
]
