from django.urls import path

from dangjian.learning import views

app_name = "learning"

urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<id:pk>/", views.course_detail, name="course_detail"),
    path("courses/<id:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<id:pk>/publish/", views.course_publish, name="course_publish"),
    path("courses/<id:pk>/withdraw/", views.course_withdraw, name="course_withdraw"),
    path("courses/<id:pk>/lessons/new/", views.lesson_create, name="lesson_create"),
    path("courses/<id:pk>/questions/new/", views.question_create, name="question_create"),
    path("courses/<id:pk>/quiz/", views.quiz_start, name="quiz_start"),
    path("lessons/<id:pk>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<id:pk>/file/", views.lesson_file, name="lesson_file"),
    path("lessons/<id:pk>/heartbeat/", views.lesson_heartbeat, name="lesson_heartbeat"),
    path("lessons/<id:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("lessons/<id:pk>/delete/", views.lesson_delete, name="lesson_delete"),
    path("questions/<id:pk>/delete/", views.question_delete, name="question_delete"),
    path("attempts/<id:pk>/", views.attempt_detail, name="attempt_detail"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<id:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("completion/", views.completion_list, name="completion_list"),
    path("completion/export/", views.completion_export, name="completion_export"),
]
