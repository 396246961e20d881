"""Sign-in throttling per client address, across accounts (accounts/throttle.py): one machine
trying passwords on many accounts is stopped, whichever accounts it names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.accounts import services
from dangjian.accounts.forms import LoginForm
from dangjian.accounts.tokens import issue_token
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from tests.factories import UserFactory

PASSWORD = "correct horse 9"
# 来自该网络地址的登录失败次数过多，请在 15 分钟后重试。(read through gettext: the catalogs are the lead's)
THROTTLED = str(LoginForm.error_messages["throttled"]) % {"minutes": 15}
ME = "/api/v1/me"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.SIGNIN_FAILURES_PER_IP = 3
    settings.SIGNIN_IP_WINDOW_MINUTES = 15


@pytest.fixture
def users(db):
    return [UserFactory(username=f"staff{i}") for i in range(4)]


def _login(client, username: str, password: str, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def test_failures_on_different_accounts_from_one_address_throttle_that_address(client, users):
    for user in users[:3]:  # one failure each: no account comes near its own lockout
        assert _login(client, user.username, "wrong password 1").status_code == 200
    response = _login(client, users[3].username, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_address_still_signs_in_and_the_named_accounts_are_not_locked(client, users):
    for user in users[:3]:
        _login(client, user.username, "wrong password 1", REMOTE_ADDR="10.0.0.5")
    # Throttled attempts naming users[0] must not lock users[0] out for everyone else.
    for _ in range(5):
        assert _login(client, users[0].username, PASSWORD, REMOTE_ADDR="10.0.0.5").status_code == 429
    assert services.login_locked_until(users[0].username) is None
    assert _login(client, users[0].username, PASSWORD, REMOTE_ADDR="10.0.0.6").status_code == 302


def test_refused_attempts_are_audited_with_the_throttle_note(client, users):
    for user in users[:3]:
        _login(client, user.username, "wrong password 1")
    _login(client, users[3].username, PASSWORD)
    refused = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED, note=services.THROTTLED_NOTE)
    assert refused.object_id == str(users[3].pk)


def test_forwarded_address_is_ignored_without_the_proxy_setting(client, users, settings):
    settings.TRUST_PROXY = False
    for i, user in enumerate(users[:3]):  # a client cannot escape by inventing a header per try
        _login(client, user.username, "wrong password 1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert _login(client, users[3].username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_the_proxy_the_first_forwarded_hop_is_the_address(client, users, settings):
    settings.TRUST_PROXY = True
    for user in users[:3]:
        _login(client, user.username, "wrong password 1", HTTP_X_FORWARDED_FOR="192.0.2.1, 10.0.0.1")
    assert (
        _login(client, users[3].username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.2, 10.0.0.1").status_code
        == 302
    )
    assert (
        _login(client, users[3].username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1, 10.0.0.1").status_code
        == 429
    )


def test_wrong_bearer_tokens_count_and_then_even_a_valid_token_is_refused(client, users):
    _token, raw = issue_token(users[0], "脚本", by=users[0])
    for _ in range(3):
        assert client.get(ME, headers={"Authorization": "Bearer dj_guessed"}).status_code == 401
    response = client.get(ME, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"] == THROTTLED
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, note="api token").count() == 3


def test_page_failures_and_api_failures_share_one_count(client, users):
    _token, raw = issue_token(users[0], "脚本", by=users[0])
    _login(client, users[1].username, "wrong password 1")
    _login(client, users[2].username, "wrong password 1")
    client.get(ME, headers={"Authorization": "Bearer dj_guessed"})
    assert client.get(ME, headers={"Authorization": f"Bearer {raw}"}).status_code == 429
