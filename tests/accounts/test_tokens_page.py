"""The API token page: each user sees, creates and revokes only their own tokens."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import ApiToken
from dangjian.accounts.tokens import issue_token, user_for_token
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry


def _form(name: str, **fields) -> dict:
    """The token form as a browser sends it with its initial values (read scope, 90 days)."""
    day = timezone.localdate() + datetime.timedelta(days=90)
    return {"name": name, "scopes": ["read"], "expires_on": day.isoformat(), **fields}


def test_token_page_lists_only_the_users_own_tokens(client, secretary_a, secretary_b):
    issue_token(secretary_a, "我的脚本", by=secretary_a)
    issue_token(secretary_b, "别人的脚本", by=secretary_b)
    client.force_login(secretary_a)
    page = client.get(reverse("accounts:token_list")).content.decode()
    assert "我的脚本" in page
    assert "别人的脚本" not in page


def test_creating_a_token_shows_it_once_and_it_works(client, secretary_a):
    client.force_login(secretary_a)
    response = client.post(reverse("accounts:token_create"), _form("统计脚本"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["new_token"]
    assert raw.startswith("dj_")
    assert raw in response.content.decode()
    assert user_for_token(raw) == secretary_a
    # The list page afterwards shows only the prefix.
    again = client.get(reverse("accounts:token_list")).content.decode()
    assert raw not in again
    assert ApiToken.objects.get(user=secretary_a).prefix in again


def test_a_token_can_expire_at_the_end_of_a_chosen_day(client, secretary_a):
    client.force_login(secretary_a)
    day = timezone.localdate() + datetime.timedelta(days=30)
    client.post(reverse("accounts:token_create"), _form("临时", expires_on=day.isoformat()))
    token = ApiToken.objects.get(user=secretary_a)
    assert timezone.localtime(token.expires_at).date() == day + datetime.timedelta(days=1)


def test_an_expiry_date_in_the_past_is_refused(client, secretary_a):
    client.force_login(secretary_a)
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(reverse("accounts:token_create"), _form("旧", expires_on=day.isoformat()))
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_asks_for_confirmation_then_revokes_and_audits(client, secretary_a):
    token, raw = issue_token(secretary_a, "笔记本", by=secretary_a)
    client.force_login(secretary_a)
    url = reverse("accounts:token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "笔记本" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert user_for_token(raw) is None
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN, object_id=str(token.pk)).count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_token_is_404(client, secretary_a, secretary_b, method):
    token, _raw = issue_token(secretary_b, "别人的", by=secretary_b)
    client.force_login(secretary_a)
    response = getattr(client, method)(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_costs_the_same_queries_for_3_and_30_tokens(client, secretary_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretary_a)
    counts = []
    for total in (3, 30):
        while ApiToken.objects.filter(user=secretary_a).count() < total:
            issue_token(secretary_a, "t", by=secretary_a)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accounts:token_list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _party_member(world):
    from dangjian.accounts.choices import BuiltinRole
    from tests.factories import UserFactory, assign

    user = UserFactory(username="plain_member")
    assign(user, BuiltinRole.PARTY_MEMBER, world.branch_a1)
    return user


def test_a_plain_party_member_and_a_resident_are_neither_offered_nor_given_the_token_page(
    client, world, resident
):
    from dangjian.core.context_processors import menu_for

    for user in (_party_member(world), resident):
        client.force_login(user)
        home = client.get(reverse("home")).content.decode()
        refused = client.get(reverse("accounts:token_list"))
        assert reverse("accounts:token_list") not in home
        assert refused.status_code == 403 and "dj-error-page" in refused.content.decode()
        assert client.post(reverse("accounts:token_create"), _form("x")).status_code == 403
        assert not ApiToken.objects.filter(user=user).exists()
        request = type("R", (), {"user": user, "path": "/"})()
        assert "accounts:token_list" not in [entry.url_name for entry in menu_for(request)]


def test_a_party_member_who_is_also_staff_somewhere_gets_the_token_page(client, world):
    from dangjian.accounts.choices import BuiltinRole
    from tests.factories import assign

    user = _party_member(world)
    assign(user, BuiltinRole.GRID_WORKER, world.grid_a1)
    client.force_login(user)

    assert client.get(reverse("accounts:token_list")).status_code == 200
