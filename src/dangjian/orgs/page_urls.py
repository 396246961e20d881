"""Routes of the orgs app (page_urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
