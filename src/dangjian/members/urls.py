"""Pages of the members app: people, the member ledger, transfers (组织关系转接), political birthdays."""

from __future__ import annotations

from django.urls import path

from dangjian.members import ledger_views, person_views, views

app_name = "members"
urlpatterns = [
    path("", ledger_views.member_list, name="member_list"),
    path("new/", ledger_views.member_create, name="member_create"),
    path("export/", ledger_views.member_export, name="member_export"),
    path("import/", ledger_views.member_import, name="member_import"),
    path("import/template/", ledger_views.member_import_template, name="member_import_template"),
    path("<id:pk>/", ledger_views.member_detail, name="member_detail"),
    path("<id:pk>/edit/", ledger_views.member_edit, name="member_edit"),
    path("<id:pk>/lost-contact/", ledger_views.member_lost_contact, name="member_lost_contact"),
    path(
        "<id:pk>/restrictions/new/", ledger_views.member_restriction_create, name="member_restriction_create"
    ),
    path(
        "<id:pk>/restrictions/<id:restriction_pk>/end/",
        ledger_views.member_restriction_end,
        name="member_restriction_end",
    ),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<id:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<id:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<id:pk>/return/", views.transfer_return, name="transfer_return"),
    path("<id:member_pk>/transfer/", views.transfer_create, name="transfer_create"),
    path("<id:member_pk>/transfer-out/", views.transfer_outgoing_create, name="transfer_outgoing_create"),
    path("transfers/incoming/new/", views.transfer_incoming_create, name="transfer_incoming_create"),
    path("transfers/<id:pk>/letter.pdf", views.transfer_letter_pdf, name="transfer_letter_pdf"),
    path("people/", person_views.person_list, name="person_list"),
    path("people/<id:pk>/", person_views.person_detail, name="person_detail"),
    path("people/<id:pk>/reveal/<str:field>/", person_views.person_reveal, name="person_reveal"),
    path("political-birthdays/", views.political_birthdays, name="political_birthdays"),
]
