"""Routes of the residents' mailbox pages (/portal/mailbox/, no login)."""

from django.urls import path

from dangjian.mailbox import public

app_name = "mailbox_portal"

urlpatterns = [
    path("", public.write, name="write"),
    path("<str:code>/done/", public.written, name="written"),
    path("track/", public.track_lookup, name="track_lookup"),
    path("track/<str:code>/", public.track, name="track"),
    path("track/<str:code>/rate/", public.rate, name="rate"),
    path("published/", public.published_list, name="published_list"),
    path("published/<id:pk>/", public.published_detail, name="published_detail"),
]
