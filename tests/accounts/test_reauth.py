"""Confirming the password before a reveal of personal data or an export (core/reauth.py)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from tests.core.people import resident_in, valid_id_number
from tests.factories import as_if_authenticated_minutes_ago

PASSWORD = "correct horse 9"
ID_A = valid_id_number(321)


@pytest.fixture
def person_a(world):
    return resident_in(world.building_a1, "张伟", id_number=ID_A, mobile="13912345678")


@pytest.fixture
def stale(client, secretary_a):
    client.force_login(secretary_a)
    as_if_authenticated_minutes_ago(client, 16)
    return client


def test_a_fresh_sign_in_needs_no_confirmation(client, secretary_a):
    client.force_login(secretary_a)
    response = client.get(reverse("members:member_export"))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_an_export_after_the_window_asks_for_the_password_and_exports_nothing(stale):
    response = stale.get(reverse("members:member_export"), headers={"Referer": "/members/?q=张"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert "next=%2Fmembers%2F%3Fq%3D" in response["Location"]  # back to the list it came from
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_confirmation_page_shows_and_a_right_password_opens_the_window(stale):
    page = stale.get(reverse("accounts:reauth"), {"next": "/members/"})
    assert page.status_code == 200
    assert 'type="password"' in page.content.decode()
    response = stale.post(reverse("accounts:reauth"), {"password": PASSWORD, "next": "/members/"})
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, note="confirmed identity").count() == 1
    assert stale.get(reverse("members:member_export")).status_code == 200


def test_a_wrong_password_is_refused_and_counts_as_a_failed_sign_in(stale, secretary_a):
    response = stale.post(reverse("accounts:reauth"), {"password": "wrong password 1", "next": "/"})
    assert response.status_code == 400
    assert (
        AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, object_id=str(secretary_a.pk)).count() == 1
    )
    assert stale.get(reverse("members:member_export")).status_code == 302


def test_the_next_address_never_leaves_the_site(stale):
    response = stale.post(reverse("accounts:reauth"), {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_htmx_reveal_is_sent_to_the_confirmation_page_without_the_value(stale, person_a):
    response = stale.post(
        reverse("members:person_reveal", args=[person_a.pk, "id_number"]),
        headers={"HX-Request": "true", "Referer": f"/members/people/{person_a.pk}/"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:reauth"))
    assert ID_A not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def _patterns(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from _patterns(entry, inner or "")
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry.callback


# Exports of definitions, not of records about people: a development rule set as JSON.
NOT_RECORD_EXPORTS = {"development:rule_set_export"}


def test_every_excel_export_of_the_pages_asks_for_recent_authentication():
    exports = {
        name: view
        for name, view in _patterns(get_resolver())
        if name.endswith("_export") and not name.startswith("api:") and name not in NOT_RECORD_EXPORTS
    }
    assert len(exports) >= 9
    missing = sorted(
        name for name, view in exports.items() if not getattr(view, "requires_recent_auth", False)
    )
    assert missing == []
