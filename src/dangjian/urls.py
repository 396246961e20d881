"""Top-level URL map: every route is an explicit path() so it can be found by grepping."""

from django.contrib import admin
from django.urls import include, path

from dangjian.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
