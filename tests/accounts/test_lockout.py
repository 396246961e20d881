"""Refusing sign-in after repeated failures: 5 failures in 15 minutes lock the account for 15 minutes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import services
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from tests.factories import UserFactory

PASSWORD = "correct horse 9"


@pytest.fixture
def member(db):
    user = UserFactory(username="zhangwei")
    user.mobile = "13812345678"
    user.save()
    return user


def _login(client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _fail(client, username: str, times: int) -> None:
    for _ in range(times):
        _login(client, username, "wrong password 1")


def test_four_failures_still_allow_the_right_password(client, member):
    _fail(client, "zhangwei", 4)
    response = _login(client, "zhangwei", PASSWORD)
    assert response.status_code == 302


def test_after_five_failures_even_the_right_password_is_refused_with_a_clear_message(client, member):
    _fail(client, "zhangwei", 5)
    response = _login(client, "zhangwei", PASSWORD)
    # 429 in the site's frame, saying why and when to try again (issue 11 point 4).
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "dj-navbar" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "该账号登录失败次数过多" in response.content.decode()
    assert "请在 15 分钟后重试" in response.content.decode()


def test_lockout_counts_failures_by_mobile_and_by_username_together(client, member):
    _fail(client, "zhangwei", 3)
    _fail(client, "13812345678", 2)
    assert _login(client, "zhangwei", PASSWORD).status_code == 429
    assert _login(client, "13812345678", PASSWORD).status_code == 429


def test_refused_attempts_are_audited_but_do_not_extend_the_lockout(client, member):
    _fail(client, "zhangwei", 5)
    _login(client, "zhangwei", PASSWORD)
    refused = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, note=services.LOCKED_NOTE)
    assert refused.count() == 1
    last_failure = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, note="").latest("at").at
    assert services.login_locked_until("zhangwei") == last_failure + services.LOCKOUT_DURATION


def test_lockout_ends_fifteen_minutes_after_the_last_failure(member, client):
    _fail(client, "zhangwei", 5)
    until = services.login_locked_until("zhangwei")
    assert until is not None
    assert services.login_locked_until("zhangwei", now=until - datetime.timedelta(seconds=1)) == until
    assert services.login_locked_until("zhangwei", now=until + datetime.timedelta(seconds=1)) is None


def test_a_successful_sign_in_resets_the_count(client, member):
    _fail(client, "zhangwei", 4)
    assert _login(client, "zhangwei", PASSWORD).status_code == 302
    client.logout()
    _fail(client, "zhangwei", 1)
    assert services.login_locked_until("zhangwei") is None


def test_lockout_of_one_user_leaves_other_users_alone(client, member):
    UserFactory(username="lina")
    _fail(client, "zhangwei", 5)
    assert _login(client, "lina", PASSWORD).status_code == 302


def test_unknown_login_names_are_locked_too(client, db):
    _fail(client, "guess", 5)
    assert services.login_locked_until("guess") is not None
    assert services.login_locked_until("guess") > timezone.now()
