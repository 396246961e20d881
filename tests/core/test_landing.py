"""The front door: an anonymous visitor at / finds the residents' portal and the staff login;
a signed-in user still gets the workbench; the login page points residents to the portal."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_at_the_root_gets_two_doors_not_a_redirect(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.templates[0].name == "core/landing.html"
    page = response.content.decode()
    assert f'href="{reverse("portal:index")}" data-door="portal"' in page
    assert f'href="{reverse("accounts:login")}" data-door="login"' in page


def test_the_landing_page_reads_no_records_so_it_names_nobody(
    client, world, secretary_a, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    for name in (world.org_a.name, world.community_a.name, secretary_a.username):
        assert name not in page


def test_the_landing_page_says_what_it_is_in_chinese_with_one_title(client):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
    assert title == "首页 · 智慧党建"
    assert "居民服务" in page and "登录" in page


def test_a_signed_in_user_still_gets_the_workbench(client, secretary_a):
    client.force_login(secretary_a)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "core/home.html" in [t.name for t in response.templates]
    assert "core/landing.html" not in [t.name for t in response.templates]


def test_the_root_takes_no_posts(client):
    assert client.post(reverse("home")).status_code == 405


def test_the_login_page_links_residents_to_the_portal(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert f'href="{reverse("portal:index")}" data-door="portal"' in page
