"""The test URL map: the platform's routes plus the tiny test app's (see tests/tinyapp)."""

from django.urls import include, path

from dangjian.urls import handler403, handler404, handler500  # noqa: F401  (the platform's error pages)
from dangjian.urls import urlpatterns as platform_urlpatterns

urlpatterns = [*platform_urlpatterns, path("tinyapp/", include("tests.tinyapp.urls"))]
