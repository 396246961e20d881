"""Who may call the API: bearer tokens (usable, revoked, expired), the session with CSRF, /me."""

from __future__ import annotations

import datetime
import secrets
import string

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from dangjian.accounts.tokens import issue_token, revoke_token

ME = "/api/v1/me"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def token_a(secretary_a) -> str:
    _token, raw = issue_token(secretary_a, "脚本", by=secretary_a)
    return raw


def test_bearer_token_authenticates_its_user(client, token_a):
    response = client.get(ME, headers=bearer(token_a))
    assert response.status_code == 200
    assert response.json()["username"] == "secretary_a"


def test_bearer_token_records_when_it_was_last_used(client, secretary_a):
    token, raw = issue_token(secretary_a, "脚本", by=secretary_a)
    client.get(ME, headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_anonymous_request_answers_401_json(client, world):
    response = client.get("/api/v1/orgs/organizations")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_answers_401(client, world):
    response = client.get(ME, headers=bearer("dj_not-a-real-token"))
    assert response.status_code == 401


def test_revoked_token_answers_401(client, secretary_a):
    token, raw = issue_token(secretary_a, "脚本", by=secretary_a)
    revoke_token(token, by=secretary_a)
    assert client.get(ME, headers=bearer(raw)).status_code == 401


def test_expired_token_answers_401(client, secretary_a):
    _token, raw = issue_token(
        secretary_a, "脚本", by=secretary_a, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(ME, headers=bearer(raw)).status_code == 401


def test_token_of_deactivated_user_answers_401(client, secretary_a, token_a):
    secretary_a.is_active = False
    secretary_a.save(update_fields=["is_active"])
    assert client.get(ME, headers=bearer(token_a)).status_code == 401


def test_session_authenticates_the_api(client, secretary_a):
    client.force_login(secretary_a)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "secretary_a"


def _patch_branch(client: Client, world, **headers):
    return client.patch(
        f"/api/v1/orgs/organizations/{world.branch_a1.pk}",
        {"version": 1, "phone": "010-12345678"},
        content_type="application/json",
        headers=headers,
    )


def test_session_change_without_csrf_token_is_refused(world, secretary_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary_a)
    response = _patch_branch(client, world)
    assert response.status_code == 403
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.phone == ""


def test_session_change_with_csrf_token_is_applied(world, secretary_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary_a)
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    response = _patch_branch(client, world, X_CSRFToken=csrf)
    assert response.status_code == 200
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.phone == "010-12345678"


def test_bearer_change_needs_no_csrf_token(world, token_a):
    client = Client(enforce_csrf_checks=True)
    response = _patch_branch(client, world, Authorization=f"Bearer {token_a}")
    assert response.status_code == 200


def test_anonymous_change_without_csrf_answers_401_not_403(world):
    client = Client(enforce_csrf_checks=True)
    assert _patch_branch(client, world).status_code == 401


def test_me_lists_role_assignments_with_node_names_and_paths(client, world, secretary_a, token_a):
    body = client.get(ME, headers=bearer(token_a)).json()
    assert body["full_name"] == "李书记"
    assert body["assignments"] == [
        {
            "id": secretary_a.role_assignments.get().pk,
            "role_code": "org_secretary",
            "role_name": body["assignments"][0]["role_name"],
            "tree": "org",
            "node_id": world.org_a.pk,
            "node_name": "中共幸福社区委员会",
            "node_path": world.org_a.path,
        }
    ]


def test_me_for_user_without_roles_has_no_assignments(client, resident):
    client.force_login(resident)
    assert client.get(ME).json()["assignments"] == []


def test_docs_page_loads_swagger_ui_from_local_static_files(client, resident):
    client.force_login(resident)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert '"validatorUrl": null' in page
    # "Try it out" sends the CSRF token with the session, as the API requires.
    assert 'data-api-csrf="true"' in page


def test_openapi_document_accepts_a_bearer_token(client, token_a):
    response = client.get("/api/v1/openapi.json", headers=bearer(token_a))
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "dangjian API"
