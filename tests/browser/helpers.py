"""What browser journeys share: logging in through the form and the accessibility check."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
# Violations that fail a test; "moderate" and "minor" ones are left to reviews.
BLOCKING_IMPACTS = {"serious", "critical"}


class AccessibilityViolation(AssertionError):
    """axe-core found serious or critical violations (a distinct type, so a known one can be named)."""


def assert_accessible(page: Page) -> None:
    """Fail with the list of serious or critical axe-core violations on the current page."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol rather than added as a <script> tag, which
        # the pages' Content-Security-Policy (script-src 'self') would refuse to run.
        page.evaluate(AXE_JS.read_text())
    # Colours are read as they rest, not halfway through a button's focus or hover transition
    # (a busy machine caught .btn-outline-primary mid-fade and failed the contrast rule).
    page.add_style_tag(
        content="*, *::before, *::after { transition: none !important; animation: none !important; }"
    )
    results = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    blocking = [item for item in results["violations"] if item["impact"] in BLOCKING_IMPACTS]
    lines = []
    for violation in blocking:
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']} [{targets}]")
    if lines:
        raise AccessibilityViolation(f"Accessibility violations on {page.url}:\n" + "\n".join(lines))


def log_in(page: Page, username: str, password: str) -> None:
    """Log in through the login form, as a person would, and wait for the page that follows."""
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def open_menu_if_collapsed(page: Page) -> None:
    """At phone width the main menu hides behind the toggler; open it as a person would."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        # Bootstrap adds "show" only when the opening slide has finished; a click while the menu
        # is still sliding open was seen to be lost on a loaded CI machine (the logout form
        # was never submitted).
        expect(page.locator("#dj-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        expect(page.locator("#dj-nav")).not_to_have_class(re.compile(r"collapsing"))


def log_out(page: Page) -> None:
    open_menu_if_collapsed(page)
    page.locator("form[action$='/accounts/logout/'] [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
