"""Signing in by username or mobile number, signing out, and the audit lines they leave."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from tests.factories import UserFactory

PASSWORD = "correct horse 9"


@pytest.fixture
def member(db):
    user = UserFactory(username="zhangwei", last_name="张", first_name="伟")
    user.mobile = "13812345678"
    user.save()
    return user


def _login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def test_login_page_is_public_and_asks_for_username_or_mobile(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert 'autocomplete="current-password"' in response.content.decode()


def test_user_signs_in_with_username(client, member):
    response = _login(client, "zhangwei")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(member.pk)


def test_user_signs_in_with_mobile_number(client, member):
    response = _login(client, "13812345678")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_sign_in_follows_next_inside_the_platform_only(client, member):
    response = _login(client, "zhangwei", next="/members/people/")
    assert response["Location"] == "/members/people/"
    client.logout()
    response = _login(client, "zhangwei", next="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_successful_login_is_audited(client, member):
    _login(client, "zhangwei")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.user_id == member.pk
    assert entry.username == "zhangwei"


def test_wrong_password_shows_a_clear_message_and_is_audited_without_the_password(client, member):
    response = _login(client, "zhangwei", "wrong password 1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "用户名、手机号或密码不正确，请检查后重试。" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.username == "zhangwei"
    assert entry.object_id == str(member.pk)
    assert entry.user_id is None
    stored = str(entry.changes) + entry.note + entry.object_repr + entry.username
    assert "wrong password" not in stored


def test_failed_login_by_mobile_records_the_number_masked(client, member):
    _login(client, "13812345678", "wrong password 1")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.username == "138****5678"
    assert "13812345678" not in entry.username + entry.object_repr + entry.note


def test_failed_login_for_unknown_username_is_audited(client, db):
    _login(client, "nobody", "whatever 1")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.username == "nobody"
    assert entry.object_id == ""


def test_logout_needs_post_and_is_audited(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, user_id=member.pk).exists()


def test_inactive_user_cannot_sign_in(client, member):
    member.is_active = False
    member.save()
    response = _login(client, "zhangwei")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_the_platform_sign_in_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
