"""Pages of the orgs app."""

from django.urls import path  # noqa: F401

app_name = "orgs"
urlpatterns: list = []
