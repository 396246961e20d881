#!/usr/bin/env python3
"""Take the screenshots of the main pages in docs/screenshots/, at desktop and phone width.

Runs the real platform (``dangjian demo`` with a throw-away data directory, on a spare port),
signs in as the demo users and captures each page with Debian's chromium through Playwright.

Usage: ``.venv/bin/python scripts/screenshots.py [--port 8765] [--only org-tree[,dues-sheet…]]``
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "dangjian-demo-2026"
WIDTHS = {"desktop": (1280, 860), "phone": (375, 812)}


def wait_for(url: str, seconds: int = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def first_href(page: Page, selector: str) -> str:
    return page.locator(selector).first.get_attribute("href")


def shoot(page: Page, name: str, width: str, full_page: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    path = OUT / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(path.relative_to(ROOT))


def pages(page: Page, base: str, width: str, only: set[str] | None) -> None:
    def want(name: str) -> bool:
        return only is None or name in only

    page.context.clear_cookies()
    if want("landing"):  # the front door for a visitor who is not signed in: portal or login
        page.goto(f"{base}/")
        shoot(page, "landing", width)
    if want("login"):
        page.goto(f"{base}/accounts/login/")
        shoot(page, "login", width)
    if want("portal-home"):  # the residents' entry page, no account (portal journey: docs/portal.md)
        page.goto(f"{base}/portal/")
        shoot(page, "portal-home", width)

    sign_in(page, base, "zzb_admin")
    if want("big-screen"):  # 数据大屏 of the district (the 1920×1080 wall screen: ``wall``)
        page.goto(f"{base}/dashboard/screen/")
        page.wait_for_timeout(1500)  # the charts' opening animation
        shoot(page, "big-screen", width)
    if want(
        "notice-preferences"
    ):  # 通知方式: channels per group of notices and quiet hours (docs/notices.md)
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/core/notifications/preferences/")
        shoot(page, "notice-preferences", width)
    if want("home"):
        shoot(page, "home", width)
        if width == "phone":
            page.click("button.navbar-toggler")
            page.locator("#dj-nav.show").wait_for()
            shoot(page, "home-menu", width, full_page=False)
    if want("org-tree"):
        page.goto(f"{base}/orgs/organizations/")
        # Open the first two levels below the root, as a user browsing would.
        for _ in range(2):
            buttons = page.locator("main button.dj-tree-twisty[aria-expanded=false]")
            if buttons.count():
                buttons.first.click()
                page.wait_for_load_state("networkidle")
        shoot(page, "org-tree", width)
    if want("org-detail"):
        # A branch with structural warnings, so the screenshot shows them.
        page.goto(f"{base}/orgs/organizations/list/?kind=branch")
        links = [
            base + href
            for href in page.locator("main table tbody a").evaluate_all(
                "els => els.map(e => e.getAttribute('href'))"
            )
        ]
        for link in links[:40]:
            page.goto(link)
            if page.locator("main .alert-warning, main .alert-danger").count():
                break
        shoot(page, "org-detail", width)
    if want("area-tree"):
        page.goto(f"{base}/orgs/areas/")
        for _ in range(2):
            buttons = page.locator("main button.dj-tree-twisty[aria-expanded=false]")
            if buttons.count():
                buttons.first.click()
                page.wait_for_load_state("networkidle")
        shoot(page, "area-tree", width)
    if want("area-detail"):
        page.goto(f"{base}/orgs/areas/list/?kind=grid")
        page.goto(base + first_href(page, "main table tbody a"))
        shoot(page, "area-detail", width)
    if want("people"):
        page.goto(f"{base}/members/people/?q=zw")
        shoot(page, "people", width)
    if want("person") or want("audit"):
        page.goto(f"{base}/members/people/")
        page.goto(base + first_href(page, "main table tbody a"))
        if want("person"):
            shoot(page, "person", width)
        # A reveal, so the audit page has a line in the admin's scope to show.
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
    if want("import"):
        page.goto(f"{base}/orgs/areas/import/")
        shoot(page, "import", width)
    if want("audit"):
        page.goto(f"{base}/core/audit/")
        shoot(page, "audit", width)
    if want("member-list") or want("member-detail"):
        # 党员台账: the community secretary's ledger in pinyin order, then one member's entry and history.
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/members/")
        if want("member-list"):
            shoot(page, "member-list", width)
        if want("member-detail"):
            page.goto(base + first_href(page, "main table tbody a"))
            shoot(page, "member-detail", width)
    if want("member-form"):
        # Adding a member: the organization is searched, then picked (no list of every org).
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/members/new/?q=第一网格")
        shoot(page, "member-form", width)
    if want("development-board") or want("development-timeline"):
        # The community secretary's pipeline board (发展党员) and one applicant's timeline.
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/development/board/")
        if want("development-board"):
            shoot(page, "development-board", width)
        if want("development-timeline"):
            page.goto(
                base + first_href(page, "section[aria-labelledby=dj-stage-probationary] .list-group-item a")
            )
            shoot(page, "development-timeline", width)
    if want("transfer-letter") or want("political-birthdays"):
        # A letter to an organization outside the system (with its print buttons) and the
        # community's political birthdays (政治生日) of the coming 30 days.
        sign_in(page, base, "sq_shuji")
        if want("transfer-letter"):
            page.goto(f"{base}/members/transfers/?kind=outgoing&state=initiated")
            page.goto(base + first_href(page, "main table tbody a"))
            shoot(page, "transfer-letter", width)
        if want("political-birthdays"):
            page.goto(f"{base}/members/political-birthdays/?window=30")
            shoot(page, "political-birthdays", width)
    if want("dues-sheet"):
        # 党费: a branch's monthly sheet (amounts due, payments, arrears) from the community secretary.
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/dues/")
        page.goto(base + first_href(page, "main table tbody a"))
        shoot(page, "dues-sheet", width)
    if want("dual-reporting-community"):
        # 双报到: the community secretary's view of the members who reported, with hours this year.
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/dual-reporting/")
        page.goto(base + first_href(page, "main table tbody a"))
        shoot(page, "dual-reporting-community", width)
    if want("election-results") or want("election-ballot"):
        # 换届选举: an approved election's result table, then the demo member's phone ballot.
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/elections/?state=voting")
        voting = first_href(page, "main table tbody a")
        if want("election-results"):
            page.goto(f"{base}/elections/?state=approved")
            page.goto(base + first_href(page, "main table tbody a") + "results/")
            shoot(page, "election-results", width)
        if want("election-ballot"):
            sign_in(page, base, "dangyuan")
            page.goto(base + voting + "ballot/")
            shoot(page, "election-ballot", width)
    if want("election-edit"):
        # 换届选举: editing a draft election (seats, term, window, kind) before candidates are confirmed.
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/elections/?state=draft")
        page.goto(base + first_href(page, "main table tbody a") + "edit/")
        shoot(page, "election-edit", width)
    if want("meeting-compliance") or want("meeting-detail") or want("meeting-checkin"):
        # 三会一课: the street's compliance roll-up (most missing first), the demo branch's all-day
        # 主题党日 with its QR code, and the phone check-in page the QR code leads to.
        if want("meeting-compliance"):
            sign_in(page, base, "jd_shuji")
            page.goto(f"{base}/life/compliance/?sort=missing")
            shoot(page, "meeting-compliance", width)
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/life/meetings/?state=planned")
        page.goto(
            base + page.locator("main table tbody a", has_text="扫码签到演示").first.get_attribute("href")
        )
        if want("meeting-detail"):
            shoot(page, "meeting-detail", width)
        check_in = page.locator("main a[href*='/checkin/']").first.get_attribute("href")
        if want("meeting-checkin"):
            sign_in(page, base, "dangyuan")
            page.goto(check_in)
            shoot(page, "meeting-checkin", width)
    if want("portal-announcement") or want("mailbox-write") or want("deliberation-portal"):
        # Issue 14 on the residents' portal, without an account: a public announcement of the
        # 党务公开 archive, the leader mailbox's form, and decided deliberation topics with the
        # progress of their follow-up tasks.
        page.context.clear_cookies()
        if want("portal-announcement"):
            page.goto(f"{base}/portal/announcements/")
            page.goto(
                base
                + first_href(
                    page,
                    "main a[href^='/portal/announcements/'][href$='/']:not([href='/portal/announcements/'])",
                )
            )
            shoot(page, "portal-announcement", width)
        if want("mailbox-write"):
            page.goto(f"{base}/portal/mailbox/")
            shoot(page, "mailbox-write", width)
        if want("deliberation-portal"):
            page.goto(f"{base}/portal/deliberation/")
            page.goto(
                base
                + first_href(
                    page,
                    "main a[href^='/portal/deliberation/'][href$='/']:not([href='/portal/deliberation/']):not([href*='raise'])",
                )
            )
            shoot(page, "deliberation-portal", width)
    if want("mailbox-message") or want("deliberation-topic"):
        # The community secretary's side: a message with its deadline, assignment and answer; a
        # deliberation topic with invitations, discussion, meeting and tasks.
        sign_in(page, base, "sq_shuji")
        if want("mailbox-message"):
            page.goto(f"{base}/mailbox/messages/")
            page.goto(
                base
                + first_href(
                    page, "main a[href^='/mailbox/messages/'][href$='/']:not([href='/mailbox/messages/'])"
                )
            )
            shoot(page, "mailbox-message", width)
        if want("deliberation-topic"):
            page.goto(f"{base}/deliberation/")
            page.goto(
                base
                + first_href(page, "main a[href^='/deliberation/'][href$='/']:not([href='/deliberation/'])")
            )
            shoot(page, "deliberation-topic", width)
    if want("learning-lesson"):
        # 网络党校: a member's lesson page with the course's quiz card (study time recorded by study.js).
        sign_in(page, base, "dangyuan")
        page.goto(f"{base}/learning/courses/")
        page.goto(base + first_href(page, "main [data-course] a"))
        page.goto(base + first_href(page, "main [data-lesson] a"))
        shoot(page, "learning-lesson", width)
    if want("grid-home") or want("grid-report"):
        # 为民服务: the grid worker's phone page (my grids, open requests by urgency) and the patrol report.
        sign_in(page, base, "wgy")
        page.goto(f"{base}/service/grid/")
        if want("grid-home"):
            shoot(page, "grid-home", width)
        if want("grid-report"):
            page.goto(base + first_href(page, "main a[href$='/report/']"))
            shoot(page, "grid-report", width)
    if want("category-list") or want("routing-list") or want("routing-form"):
        # 为民服务 configuration: the category tree and the routing table (category × area → handler);
        # the rule form picks its area and organization by a typed lookup, not a list of thousands.
        sign_in(page, base, "zzb_admin")
        if want("category-list"):
            page.goto(f"{base}/service/categories/")
            shoot(page, "category-list", width)
        if want("routing-list"):
            page.goto(f"{base}/service/routing/")
            shoot(page, "routing-list", width)
        if want("routing-form"):
            page.goto(f"{base}/service/routing/new/")
            page.locator("#id_area").fill("社区")
            page.locator("#id_handler_org").fill("党委")
            page.wait_for_load_state("networkidle")
            shoot(page, "routing-form", width)
    if want("request-list") or want("request-detail") or want("request-queue"):
        # 为民服务: the community secretary's request list, a request in handling with its timeline
        # and actions, and the work queue (sections, bulk dispatch).
        sign_in(page, base, "sq_shuji")
        if want("request-list"):
            # Requests being worked on (a page of every request would be a very long picture).
            page.goto(
                f"{base}/service/requests/?state=dispatched&state=in_progress&state=feedback&state=returned"
            )
            shoot(page, "request-list", width)
        if want("request-detail"):
            page.goto(f"{base}/service/requests/?state=in_progress")
            page.goto(base + first_href(page, "main table tbody a"))
            shoot(page, "request-detail", width)
        if want("request-queue"):
            page.goto(f"{base}/service/queue/")
            shoot(page, "request-queue", width)
    if want("service-figures") or want("service-map"):
        # 为民服务 figures: the street secretary's figures of last year with the breakdowns, and
        # the street's grids on the map coloured by 按时办结率 (no tiles: a blank background).
        sign_in(page, base, "jd_shuji")
        if want("service-figures"):
            page.goto(f"{base}/service/figures/?period=last_year")
            shoot(page, "service-figures", width)
        if want("service-map"):
            page.goto(f"{base}/service/map/?figure=on_time_rate&period=last_year")
            page.wait_for_selector("#dj-map[data-ready='1']")
            shoot(page, "service-map", width, full_page=False)
    if want("search"):
        # The one search box (issue 14): a surname typed by the community secretary, every kind
        # of record she may see, five hits each.
        sign_in(page, base, "sq_shuji")
        page.goto(f"{base}/search/?q=张")
        shoot(page, "search", width)


# The 工作台 of each demo role (issue 11): what waits, with counts that open the records.
WORKBENCH_ROLES = ["zzb_admin", "jd_shuji", "sq_shuji", "wgy", "bm_handler", "dangyuan"]


def workbenches(page: Page, base: str, width: str, only: set[str] | None) -> None:
    for username in WORKBENCH_ROLES:
        name = f"workbench-{username}"
        if only is not None and name not in only and "workbench" not in only:
            continue
        sign_in(page, base, username)
        # A phone shows the page without sideways scrolling (cards stack, tables become rows).
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            print(f"{name} {width}: scrolls sideways by {overflow} px", file=sys.stderr)
        shoot(page, name, width)


def wall(browser, base: str) -> None:
    """The big screen as a 1920×1080 wall display shows it (one screenful, no scrolling)."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "zzb_admin")
    page.goto(f"{base}/dashboard/screen/")
    page.wait_for_timeout(1500)
    shoot(page, "big-screen", "wall", full_page=False)
    context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", help="page names, comma-separated, e.g. org-tree,dues-sheet")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory() as data_dir:
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "dangjian"),
                "demo",
                "--data-dir",
                data_dir,
                "--port",
                str(args.port),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
            env={key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        )
        try:
            wait_for(f"{base}/accounts/login/")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=zh-CN"],
                )
                for width, (w, h) in WIDTHS.items():
                    context = browser.new_context(
                        viewport={"width": w, "height": h},
                        device_scale_factor=2 if width == "phone" else 1,
                        is_mobile=width == "phone",
                        locale="zh-CN",
                    )
                    only = set(args.only.split(",")) if args.only else None
                    pages(context.new_page(), base, width, only)
                    workbenches(context.new_page(), base, width, only)
                    context.close()
                if only is None or "big-screen" in only:
                    wall(browser, base)
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
