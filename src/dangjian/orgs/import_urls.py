"""Routes of the orgs app (import_urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
