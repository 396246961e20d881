"""Pages are in Simplified Chinese unless the user chose another language with the switcher."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def test_an_english_browser_still_gets_the_chinese_login_page(client, db):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert "<title>登录 · 智慧党建</title>" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_the_language_switcher_choice_is_kept(client, db):
    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    page = client.get(reverse("accounts:login")).content.decode()
    assert "<title>登錄 · 智慧黨建</title>" in page


def test_an_unknown_language_cookie_falls_back_to_simplified_chinese(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("accounts:login")).content.decode()
    assert "<title>登录 · 智慧党建</title>" in page
