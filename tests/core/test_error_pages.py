"""Error pages (issue 11 point 4): 403, 404, 429 and 500 in the site's frame with its navigation,
in the reader's language (zh-Hans unless the switcher's cookie says otherwise), with the
refusal's reason where the code gives one; the portal in its own frame; the API and Open311 in
JSON. Run with DEBUG off, as in production (Django shows its debug pages otherwise)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.errors import server_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def _navigation(page: str) -> bool:
    return 'class="navbar navbar-expand-lg dj-navbar"' in page and reverse("core:notification_list") in page


def test_a_403_shows_the_refusals_reason_in_the_sites_frame_with_navigation(client, secretary_a):
    client.force_login(secretary_a)  # a secretary without a membership of her own

    response = client.get(reverse("dual_reporting:report_self"))
    page = response.content.decode()

    assert response.status_code == 403
    assert "只有党员本人可以报到。" in page
    assert _navigation(page) and '<html lang="zh-hans">' in page


def test_a_403_whose_reason_is_a_permission_code_does_not_show_the_code(client, resident):
    client.force_login(resident)

    response = client.get(reverse("core:audit_list"))
    page = response.content.decode()

    assert response.status_code == 403
    assert "core.view_auditentry" not in page and 'role="alert"' not in page
    assert _navigation(page)


@pytest.mark.parametrize(
    ("language", "reason"),
    [("zh-hant", "只有黨員本人可以報到。"), ("en", "Only party members can report themselves.")],
)
def test_the_error_page_follows_the_language_cookie(client, secretary_a, language, reason):
    client.force_login(secretary_a)
    client.cookies["django_language"] = language

    page = client.get(reverse("dual_reporting:report_self")).content.decode()

    assert reason in page and f'<html lang="{language}">' in page


def test_a_404_says_the_page_is_missing_or_out_of_scope_with_a_link_home(client, secretary_a, world):
    client.force_login(secretary_a)

    missing = client.get("/no-such-page/")
    out_of_scope = client.get(reverse("orgs:org_detail", args=[world.org_b.pk]))

    for response in (missing, out_of_scope):
        page = response.content.decode()
        assert response.status_code == 404
        assert _navigation(page) and f'href="{reverse("home")}"' in page
        assert "dj-error-page" in page
    # Django's developer message never reaches the page.
    assert "matches the given query" not in out_of_scope.content.decode()


def test_a_404_with_a_message_for_the_user_shows_it(client, secretary_a):
    client.force_login(secretary_a)

    response = client.get(reverse("core:notification_open", args=[987654]))

    assert response.status_code == 404 and 'role="alert"' in response.content.decode()


def test_an_anonymous_404_renders_the_frame_without_a_menu(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404 and "dj-error-page" in response.content.decode()


def test_a_500_renders_in_the_frame_without_touching_the_database(secretary_a):
    client = Client(raise_request_exception=False)
    client.force_login(secretary_a)

    response = client.get("/boom/")
    page = response.content.decode()

    assert response.status_code == 500
    assert "dj-navbar" in page and "dj-error-page" in page and '<html lang="zh-hans">' in page
    request = RequestFactory().get("/boom/")
    with CaptureQueriesContext(connection) as queries:
        assert server_error(request).status_code == 500
    assert queries.captured_queries == []


def test_a_500_follows_the_language_cookie_and_the_portal_gets_its_frame():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "zh-hant"

    staff = client.get("/boom/").content.decode()
    portal = client.get("/portal/boom/").content.decode()

    assert '<html lang="zh-hant">' in staff
    assert "dj-portal" in portal and "dj-navbar" not in portal


def test_the_portal_gets_portal_styled_error_pages(client):
    response = client.get("/portal/no-such-page/")
    page = response.content.decode()

    assert response.status_code == 404
    assert 'class="dj-portal"' in page and "dj-navbar" not in page
    assert f'href="{reverse("portal:index")}"' in page


def test_the_api_and_open311_keep_json_errors(client, secretary_a):
    client.force_login(secretary_a)

    api = client.get("/api/v1/no-such-endpoint")
    open311 = client.get("/open311/v2/no-such-endpoint.json")
    crash = Client(raise_request_exception=False).get("/api/boom/")

    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")
    assert "detail" in json.loads(api.content)
    assert open311.status_code == 404 and json.loads(open311.content)[0]["code"] == 404
    assert crash.status_code == 500 and "detail" in json.loads(crash.content)


def test_a_locked_sign_in_answers_the_429_page(client, db):
    from tests.factories import UserFactory

    UserFactory(username="locked_user")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "locked_user", "password": "wrong password 1"})

    response = client.post(reverse("accounts:login"), {"username": "locked_user", "password": "x"})
    page = response.content.decode()

    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "该账号登录失败次数过多" in page and "dj-navbar" in page and "dj-error-page" in page
