"""The residents' pages: report a problem without an account, track it by code, rate it."""

from django.urls import path

from dangjian.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.submit, name="submit"),
    path("report/code/", views.send_code, name="send_code"),
    path("report/<str:code>/done/", views.submitted, name="submitted"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:code>/", views.track, name="track"),
    path("track/<str:code>/rate/", views.rate, name="rate"),
    path("track/<str:code>/rate/code/", views.rate_code, name="rate_code"),
]
