"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Every test here is a user's journey, run once at desktop width and once at 375 px (a cheap
phone), with an accessibility check (axe-core, vendored) on each page visited. They wait for
elements and never sleep.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

# The sync API runs an event loop in the test thread; Django would otherwise refuse ORM calls
# from it (the fixtures create users and trees through the ORM).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Generous waits: CI machines run two test processes on two cores; a wait ends as soon as the
# element is there, so only a real failure costs the full time.
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser: Browser, live_server, options: dict) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # Whatever the Content-Security-Policy refuses (an inline script or handler, an image from
    # elsewhere) is a page that silently lost a behaviour: Chromium says so on the console.
    refusals: list[str] = []
    page.on("console", lambda message: _note_refusal(message.text, refusals))
    yield page
    context.close()
    assert refusals == [], "Refused by the Content-Security-Policy:\n" + "\n".join(refusals)


def _note_refusal(text: str, refusals: list[str]) -> None:
    if "Content Security Policy" in text:
        refusals.append(text)


@pytest.fixture
def desktop_page(browser, live_server, transactional_db) -> Iterator[Page]:
    yield from _new_page(browser, live_server, DESKTOP)


@pytest.fixture
def phone_page(browser, live_server, transactional_db) -> Iterator[Page]:
    yield from _new_page(browser, live_server, PHONE)


@pytest.fixture(params=["desktop", "phone"])
def any_page(request, browser, live_server, transactional_db) -> Iterator[Page]:
    """The same journey at desktop width and at 375 px."""
    yield from _new_page(browser, live_server, DESKTOP if request.param == "desktop" else PHONE)
