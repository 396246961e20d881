from django.urls import path

from tests.tinyapp import views

app_name = "tinyapp"

urlpatterns = [
    path("notes/", views.note_list, name="note_list"),
]
