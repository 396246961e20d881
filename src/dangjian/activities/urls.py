"""Routes of the activities pages under /activities/: the organizer's, a volunteer's own (me/),
the QR check-in page and the residents' public list."""

from __future__ import annotations

from django.urls import path

from dangjian.activities.views import mine, records, staff

app_name = "activities"

urlpatterns = [
    path("", staff.activity_list, name="activity_list"),
    path("add/", staff.activity_create, name="activity_create"),
    path("<id:pk>/", staff.activity_detail, name="activity_detail"),
    path("<id:pk>/edit/", staff.activity_edit, name="activity_edit"),
    path("<id:pk>/state/", staff.activity_transition, name="activity_transition"),
    path("<id:pk>/sign-up/", mine.signup, name="signup"),
    path("<id:pk>/check-in/<str:token>/", mine.checkin, name="checkin"),
    path("sign-ups/<id:pk>/confirm/", staff.signup_confirm, name="signup_confirm"),
    path("sign-ups/<id:pk>/cancel/", mine.signup_cancel, name="signup_cancel"),
    path("hours/", staff.hours_list, name="hours_list"),
    path("hours/add/", staff.hours_create, name="hours_create"),
    path("hours/<id:pk>/correct/", staff.hours_correct, name="hours_correct"),
    path("entries/", records.entry_list, name="entry_list"),
    path("entries/add/", records.entry_create, name="entry_create"),
    path("entries/<id:pk>/correct/", records.entry_correct, name="entry_correct"),
    path("certificates/", staff.certificate_list, name="certificate_list"),
    path("certificates/<id:pk>/issue/", staff.certificate_issue, name="certificate_issue"),
    path("certificates/<id:pk>/pdf/", mine.certificate_pdf, name="certificate_pdf"),
    path("rewards/", staff.reward_list, name="reward_list"),
    path("rewards/add/", staff.reward_create, name="reward_create"),
    path("me/", mine.my_activities, name="my_activities"),
    path("me/hours/", mine.my_hours, name="my_hours"),
    path("me/points/", mine.my_points, name="my_points"),
    path("me/points/items/<id:pk>/redeem/", mine.redeem, name="redeem"),
    path("me/certificates/", mine.my_certificates, name="my_certificates"),
    path("me/certificates/request/", mine.certificate_request, name="certificate_request"),
    path("public/", mine.public_list, name="public_list"),
]
