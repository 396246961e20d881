"""Sessions end after a period without activity (accounts/middleware.py), not after 14 days."""

from __future__ import annotations

import time

from django.conf import settings
from django.urls import reverse

from dangjian.accounts.middleware import LAST_SEEN_KEY


def _last_seen(client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_the_session_lasts_hours_not_weeks():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 <= 12 * 3600


def test_a_session_idle_longer_than_the_limit_is_signed_out_with_a_reason(client, secretary_a):
    client.force_login(secretary_a)
    _last_seen(client, settings.SESSION_IDLE_MINUTES * 60 + 5)
    response = client.get(reverse("members:member_list"), follow=True)
    assert response.redirect_chain[0][1] == 302
    assert reverse("accounts:login") in response.redirect_chain[0][0]
    assert "_auth_user_id" not in client.session
    assert any("hours without activity" in str(m) or "未操作" in str(m) for m in response.context["messages"])


def test_activity_within_the_limit_keeps_the_session_and_moves_its_expiry(client, secretary_a):
    client.force_login(secretary_a)
    _last_seen(client, settings.SESSION_IDLE_MINUTES * 60 - 60)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 5
    # The stamp's save re-issued the cookie with the full idle period ahead.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_requests_within_a_minute_do_not_write_the_session(client, secretary_a):
    client.force_login(secretary_a)
    _last_seen(client, 10)
    response = client.get(reverse("home"))
    assert settings.SESSION_COOKIE_NAME not in response.cookies
