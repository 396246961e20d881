"""API tokens have scopes (read, write, reveal, export) and an expiry of 90 days by default and a
year at most (accounts/tokens.py, accounts/api.py)."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from ninja.errors import HttpError

from dangjian.accounts.api import require_scope
from dangjian.accounts.models import ApiToken
from dangjian.accounts.tokens import issue_token
from dangjian.core.errors import RuleViolation

ME = "/api/v1/me"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_a_token_expires_after_90_days_unless_chosen(secretary_a):
    token, _raw = issue_token(secretary_a, "脚本", by=secretary_a)
    assert abs(token.expires_at - (timezone.now() + datetime.timedelta(days=90))) < datetime.timedelta(
        minutes=1
    )


def test_a_token_cannot_live_longer_than_a_year(secretary_a):
    with pytest.raises(RuleViolation):
        issue_token(
            secretary_a, "脚本", by=secretary_a, expires_at=timezone.now() + datetime.timedelta(days=400)
        )
    assert not ApiToken.objects.exists()


def test_the_tokens_page_refuses_a_date_beyond_a_year(client, secretary_a):
    client.force_login(secretary_a)
    day = timezone.localdate() + datetime.timedelta(days=400)
    response = client.post(
        reverse("accounts:token_create"), {"name": "脚本", "scopes": ["read"], "expires_on": day.isoformat()}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_tokens_page_stores_the_chosen_scopes(client, secretary_a):
    client.force_login(secretary_a)
    day = timezone.localdate() + datetime.timedelta(days=30)
    client.post(
        reverse("accounts:token_create"),
        {"name": "脚本", "scopes": ["read", "export"], "expires_on": day.isoformat()},
    )
    assert ApiToken.objects.get(user=secretary_a).scopes == ["export", "read"]


def test_a_read_only_token_reads_but_cannot_write(client, secretary_a, world):
    _token, raw = issue_token(secretary_a, "只读", by=secretary_a, scopes=["read"])
    assert client.get(ME, headers=bearer(raw)).status_code == 200
    response = client.post(
        "/api/v1/service/requests", data={}, content_type="application/json", headers=bearer(raw)
    )
    assert response.status_code == 403
    assert response.json()["detail"]  # names the missing scope


def test_a_write_only_token_cannot_read(client, secretary_a):
    _token, raw = issue_token(secretary_a, "只写", by=secretary_a, scopes=["write"])
    assert client.get(ME, headers=bearer(raw)).status_code == 403


def test_a_read_write_token_reaches_a_write_endpoint(client, secretary_a, world):
    _token, raw = issue_token(secretary_a, "读写", by=secretary_a, scopes=["read", "write"])
    response = client.post(
        "/api/v1/service/requests", data={}, content_type="application/json", headers=bearer(raw)
    )
    assert response.status_code not in (401, 403)  # past authentication: the body is what is wrong


def test_reveal_and_export_need_their_own_scope_on_a_token_but_not_on_a_session(
    rf: RequestFactory, secretary_a
):
    token, _raw = issue_token(secretary_a, "读", by=secretary_a, scopes=["read"])
    request = rf.get(ME)
    request.api_token = token
    for scope in ("reveal", "export"):
        with pytest.raises(HttpError) as caught:
            require_scope(request, scope)
        assert caught.value.status_code == 403
    token.scopes = ["read", "reveal", "export"]
    require_scope(request, "reveal")
    require_scope(request, "export")
    require_scope(rf.get(ME), "reveal")  # a session caller: the pages' confirmation applies instead
