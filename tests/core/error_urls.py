"""The test URL map plus pages that fail on purpose, for the error-page tests."""

from django.db import DatabaseError
from django.urls import path

from tests.urls import handler403, handler404, handler500  # noqa: F401  (the platform's error pages)
from tests.urls import urlpatterns as test_urlpatterns


def boom(request):
    raise DatabaseError("the database went away")


urlpatterns = [*test_urlpatterns, path("boom/", boom), path("portal/boom/", boom), path("api/boom/", boom)]
