"""Our own menu and home page never lead a demo user to a 4xx or 5xx (issue 11 point 4).

The demo data (the ``community`` scale, as ``dangjian demo`` builds it) is generated once for the
module into the test database; each demo login then signs in with the printed password, opens
the home page, every menu entry it is offered and every link of its home page (same origin;
not the admin for non-staff; not sign-out or other POST-only addresses), and every answer must be
below 400. A failure lists each (login, url, status), so one run shows everything to fix.

The same crawl checks that no page it opens runs a script from inside itself (issue 15 point 6,
the Content-Security-Policy): one crawl of the demo data serves both, as generating it is the
slow part.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.core.context_processors import menu_for
from dangjian.core.generator import DEMO_LOGINS, generate
from tests.test_no_inline_scripts import inline_script_findings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The community scale, generated once for this module and rolled back after it.

    As Django's ``setUpTestData``: one outer transaction holds the data, each test runs in a
    savepoint inside it, so the logins share one generation without seeing each other's changes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        generate("community", 2026, log=lambda line: None)
        yield
        transaction.set_rollback(True)


class _Links(HTMLParser):
    """The ``href`` of every ``<a>`` on a page (forms are POST-only or GET filters of the page itself)."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _followable(href: str, user: User) -> str | None:
    """The same-origin path to GET for ``href``, or None for what a crawl must not open."""
    href, _fragment = urldefrag(href.strip())
    parts = urlsplit(href)
    if not href or parts.scheme or parts.netloc or not href.startswith("/"):
        return None  # "#", other sites, mailto:, javascript:
    if href.startswith("/admin/") and not user.is_staff:
        return None
    if href.startswith(("/static/", reverse("accounts:logout"))):
        return None
    return href


def _menu_urls(user: User) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [entry.url for entry in menu_for(request)]


def _inline_scripts(url: str, response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
        return []
    return [f"{url}: {finding}" for finding in inline_script_findings(response.content.decode())]


@pytest.mark.parametrize("login", [login[1] for login in DEMO_LOGINS])
def test_no_menu_entry_and_no_home_link_leads_a_demo_login_to_an_error_or_an_inline_script(
    login, demo_data, client
):
    password = next(entry[2] for entry in DEMO_LOGINS if entry[1] == login)
    assert client.login(username=login, password=password), login
    user = User.objects.get(username=login)

    home = client.get(reverse("home"))
    failures = [] if home.status_code < 400 else [(login, reverse("home"), home.status_code)]
    scripts = _inline_scripts(reverse("home"), home)
    parser = _Links()
    parser.feed(home.content.decode())
    urls = list(
        dict.fromkeys([*_menu_urls(user), *filter(None, (_followable(h, user) for h in parser.hrefs))])
    )
    assert urls, f"{login}: nothing to open on the home page"

    for url in urls:
        response = client.get(url)
        if response.status_code >= 400:
            failures.append((login, url, response.status_code))
        scripts += _inline_scripts(url, response)

    assert failures == [], "\n".join(f"{who} {url} → {status}" for who, url, status in failures)
    assert scripts == [], f"{login}: inline script under the CSP\n" + "\n".join(scripts)


def _write_the_daily_notices() -> int:
    """What the worker's daily jobs write on the demo data: reminders, arrears, 静默支部, 政治生日."""
    from django.utils import timezone

    from dangjian.development.tasks import send_reminders
    from dangjian.dues.notices import notify_six_month_arrears
    from dangjian.life.tasks import flag_silent_branches_now
    from dangjian.members.birthdays import send_political_birthday_notices

    greetings, reminders = send_political_birthday_notices(timezone.localdate())
    return send_reminders() + notify_six_month_arrears() + flag_silent_branches_now() + greetings + reminders


def test_the_demo_party_member_reads_no_committee_notice_and_every_readers_open_leads_to_a_page(
    demo_data, client
):
    from dangjian.core.notifications import for_user

    assert _write_the_daily_notices() > 0
    member = User.objects.get(username="dangyuan")
    assert not for_user(member).exclude(user=member).exists()

    failures, opened = [], 0
    for _label, login, password, _sees in DEMO_LOGINS:
        client.login(username=login, password=password)
        parser = _Links()
        parser.feed(client.get(reverse("core:notification_list")).content.decode())
        opens = [
            href for href in parser.hrefs if href.startswith("/core/notifications/") and href[-2].isdigit()
        ]
        for url in opens[:10]:
            opened += 1
            response = client.get(url, follow=True)
            if response.status_code >= 400 or "refusal" in (response.context or {}):
                failures.append((login, url, response.status_code))
        client.logout()
    assert opened > 0 and failures == [], failures
