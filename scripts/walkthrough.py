#!/usr/bin/env python3
"""Walk the platform as a newcomer would: every demo login, at desktop and phone width, every menu
entry and every link of the home page, and report 4xx/5xx, English on a Chinese page, horizontal
overflow on a phone and console errors.

It automates the check we make before resolving an issue (docs/walkthrough.md). Like
``scripts/screenshots.py`` it runs the real platform (``dangjian demo`` from this checkout, with a
throw-away data directory, on a spare port) and drives Debian's chromium through Playwright.
Prints a table, writes a JSON report and exits 1 when there is any finding.

Usage: ``PYTHONPATH=src .venv/bin/python scripts/walkthrough.py [--port 8766]
[--only-user sq_shuji,portal] [--widths 1280,375] [--report /tmp/walkthrough.json]
[--base-url http://127.0.0.1:8000]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parent.parent
# The checkout's own code, whatever is installed in the virtual environment.
sys.path.insert(0, str(ROOT / "src"))

from dangjian.cli import format_table  # noqa: E402  (after the path is set)
from dangjian.core.generator.logins import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402

# --- what counts as English ------------------------------------------------------------------

# Words and patterns that may stand in Latin letters on a Chinese page. They are blanked out
# before the English check, so "导出 Excel 文件" passes while "Export to Excel" does not.
ALLOWED_TERMS: dict[str, str] = {
    "dangjian": "the product's name, kept in Latin letters on purpose (README, brand)",
    "API": "the JSON API is called API in Chinese technical writing too",
    "Excel": "the file format users know by this name (导入/导出 Excel)",
    "PDF": "the file format (打印 PDF)",
    "QR": "二维码 is sometimes written QR 码",
    "ID": "as in ID 号; also 'Open311 ID' of requests",
    "Open311": "the name of the standard behind /open311/v2/",
    "GeoReport": "the standard's full name, Open311 GeoReport v2",
    "HTTP": "protocol name in the API and Open311 pages",
    "JSON": "format name in the API pages",
    "CSV": "file format name",
    "SMS": "短信 gateway name in settings and logs",
    "Leaflet": "the map library's attribution, required by its licence",
    "OpenStreetMap": "map attribution, required by the tiles' licence",
    "English": "the language switch names each language in its own language",
}
# Patterns blanked out before the check (each with why it is not a translation gap).
ALLOWED_PATTERNS: dict[str, str] = {
    r"https?://\S+": "URLs shown as text (Open311 endpoint, public address)",
    r"/[\w./?=&%-]+": "paths shown as text (/api/v1/, /open311/v2/)",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+": "email addresses",
    r"\b[a-z]+(?:_[a-z]+)+\b": "pinyin user names with an underscore (zzb_admin, sq_shuji)",
    r"\b(?:admin|wgy|dangyuan|jumin)\b": "the other demo user names, shown as the signed-in user",
}
# Elements whose text is code, not prose (never translated), or not text at all.
SKIPPED_ELEMENTS = ["CODE", "PRE", "KBD", "SAMP", "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "svg"]
# Two or more English words of three letters or more in a row; a shorter word ("of", "a")
# ends the run, which keeps the heuristic quiet about single technical words.
ENGLISH_RUN = re.compile(r"(?<![\w@/.-])[A-Za-z]{3,}(?:[ \t\r\n]+[A-Za-z]{3,})+(?![\w@/-])")

# --- the walk --------------------------------------------------------------------------------

PORTAL = "portal"  # the residents' portal, walked without signing in
DEFAULT_WIDTHS = "1280,375"
HEIGHTS = {1280: 860, 375: 812}  # the viewports of docs/screenshots
PHONE_MAX_WIDTH = 575  # Bootstrap's xs: the overflow check applies at phone widths only
STARTUP_TIMEOUT_SECONDS = 1200  # migrate, collectstatic and the demo data on a loaded machine
PAGE_TIMEOUT_MS = 60_000
# Links that would change state or end the session even though they are links; the pages
# themselves use POST forms for every change, so this is a safety net, not a list to grow.
SKIPPED_PATHS = re.compile(r"/(logout|delete|remove|revoke)(/|$)")
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Visit:
    """One page (or download) as one persona saw it at one width."""

    username: str
    width: int
    url: str
    source: str  # "home", "menu" or "main" (a link in the home page's main)
    status: int = 0
    content_type: str = ""
    final_url: str = ""
    english: list[str] = field(default_factory=list)
    overflow_px: int = 0
    console_errors: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class Finding:
    """Something a newcomer would trip over, with where and as whom."""

    username: str
    width: int
    url: str
    kind: str  # status, english, overflow, console, login, error
    detail: str


JS_ENGLISH_TEXTS = """
(skipped) => {
  const texts = [];
  const skip = new Set(skipped.map(s => s.toUpperCase()));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let el = node.parentElement, skipped_here = false;
    for (; el; el = el.parentElement) {
      if (skip.has(el.tagName.toUpperCase())) { skipped_here = true; break; }
    }
    const text = node.textContent.trim();
    if (!skipped_here && text) texts.push(text);
  }
  // What a user reads without it being a text node: placeholders, tooltips, button values.
  for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label], img[alt], input[type=submit][value], input[type=button][value]')) {
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
    if (el.tagName === 'INPUT' && el.value) texts.push(el.value);
  }
  return texts;
}
"""

JS_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def english_runs(texts: list[str]) -> list[str]:
    """The runs of English words in ``texts`` once the allowed terms and patterns are blanked."""
    terms = re.compile(r"\b(?:" + "|".join(re.escape(term) for term in ALLOWED_TERMS) + r")\b")
    runs: list[str] = []
    for text in texts:
        cleaned = text
        for pattern in ALLOWED_PATTERNS:
            cleaned = re.sub(pattern, " · ", cleaned)
        cleaned = terms.sub(" · ", cleaned)
        runs += [" ".join(match.group(0).split()) for match in ENGLISH_RUN.finditer(cleaned)]
    return sorted(set(runs))


def wait_for(url: str, server: subprocess.Popen | None, seconds: int) -> None:
    """Poll ``url`` until the server answers; stop early if the demo process has died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"dangjian demo ended (exit {server.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def same_origin_links(page: Page, base: str, selector: str) -> list[str]:
    """Absolute same-origin GET links under ``selector``, without fragments, in page order."""
    hrefs = page.locator(selector).evaluate_all("els => els.map(e => e.getAttribute('href'))")
    links: list[str] = []
    for href in hrefs:
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urldefrag(urljoin(page.url, href)).url
        if urlsplit(url).netloc != urlsplit(base).netloc or SKIPPED_PATHS.search(urlsplit(url).path):
            continue
        if url not in links:
            links.append(url)
    return links


def inspect(page: Page, visit: Visit, width: int) -> None:
    """Record what a newcomer would notice on the page now open: English and phone overflow."""
    visit.english = english_runs(page.evaluate(JS_ENGLISH_TEXTS, SKIPPED_ELEMENTS))
    if width <= PHONE_MAX_WIDTH:
        visit.overflow_px = max(0, int(page.evaluate(JS_OVERFLOW)))


def walk_one(browser: Browser, base: str, username: str, width: int) -> list[Visit]:
    """Open the home page as ``username`` at ``width`` and visit every menu and main link."""
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHTS.get(width, 860 if width > PHONE_MAX_WIDTH else 812)},
        is_mobile=width <= PHONE_MAX_WIDTH,
        locale="zh-CN",
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":  # a failed resource names itself only in the location
            where = message.location.get("url", "")
            console.append(f"{message.text} ({where})" if where else message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.append(f"uncaught: {error}"))
    visits: list[Visit] = []
    try:
        if username == PORTAL:
            home_url = f"{base}/portal/"
            response = page.goto(home_url)
            menu_selector = "header a[href]"
        else:
            sign_in(page, base, username)
            home_url = page.url
            response = page.goto(home_url)
            menu_selector = "#dj-nav a[href], header .navbar-brand[href]"
        page.wait_for_load_state("load")
        home = Visit(username, width, home_url, "home", response.status if response else 0)
        home.content_type = (response.headers.get("content-type", "") if response else "").split(";")[0]
        home.final_url = page.url
        inspect(page, home, width)
        home.console_errors, console[:] = list(console), []
        visits.append(home)
        if width <= PHONE_MAX_WIDTH and page.locator("button.navbar-toggler").count():
            page.click("button.navbar-toggler")  # as on a phone: the menu is behind the toggler
            page.locator("#dj-nav.show").wait_for()
        menu = same_origin_links(page, base, menu_selector)
        main = [url for url in same_origin_links(page, base, "main a[href]") if url not in menu]
        # The brand link leads back to the home page, which was inspected above.
        targets = [(url, "menu") for url in menu if url != home_url]
        targets += [(url, "main") for url in main if url != home_url]
        for url, source in targets:
            visits.append(visit_link(page, url, source, username, width, console))
    finally:
        context.close()
    return visits


def visit_link(page: Page, url: str, source: str, username: str, width: int, console: list[str]) -> Visit:
    """Ask for ``url`` first (status, type); open it in the page only if it is HTML."""
    visit = Visit(username, width, url, source)
    try:
        # Downloads (Excel, PDF) would abort a navigation: their status and type are enough.
        answer = page.request.get(url, timeout=PAGE_TIMEOUT_MS)
        visit.status = answer.status
        visit.content_type = answer.headers.get("content-type", "").split(";")[0].strip()
        visit.final_url = answer.url
        if visit.content_type not in HTML_TYPES or visit.status >= 400:
            return visit
        console[:] = []
        response = page.goto(url, wait_until="load")
        visit.status = response.status if response else visit.status
        visit.final_url = page.url
        inspect(page, visit, width)
        visit.console_errors = list(console)
    except PlaywrightError as error:
        visit.error = str(error).splitlines()[0]
    return visit


def findings_of(visit: Visit) -> list[Finding]:
    def found(kind: str, detail: str) -> Finding:
        return Finding(visit.username, visit.width, visit.url, kind, detail)

    findings: list[Finding] = []
    if visit.error:
        findings.append(found("error", visit.error))
    if visit.status >= 400:
        findings.append(found("status", f"HTTP {visit.status}"))
    if visit.username != PORTAL and "/accounts/login/" in visit.final_url:
        findings.append(found("login", f"sent to the login page: {visit.final_url}"))
    if visit.english:
        findings.append(found("english", "; ".join(visit.english)))
    if visit.overflow_px > 1:
        findings.append(found("overflow", f"{visit.overflow_px} px wider than the screen"))
    if visit.console_errors:
        findings.append(found("console", "; ".join(sorted(set(visit.console_errors)))))
    return findings


def start_demo(data_dir: str, port: int, log_path: Path) -> subprocess.Popen:
    """``dangjian demo`` of this checkout, self-contained (SQLite, no Redis), in its own group."""
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [environment.get("PYTHONPATH")])]
    )
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "dangjian", "demo", "--data-dir", data_dir, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=environment,
        )


def parse_widths(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def print_summary(
    visits: list[Visit], findings: list[Finding], personas: list[str], widths: list[int]
) -> None:
    labels = {username: label for label, username, _, _ in DEMO_LOGINS} | {PORTAL: "居民服务（未登录）"}
    rows = []
    for username in personas:
        for width in widths:
            mine = [v for v in visits if v.username == username and v.width == width]
            found = [f for f in findings if f.username == username and f.width == width]
            rows.append([labels[username], username, str(width), str(len(mine)), str(len(found))])
    print(format_table(["角色 Role", "用户名 Username", "宽度 Width", "页面 Pages", "问题 Findings"], rows))
    if findings:
        print()
        print(
            format_table(
                ["用户名 Username", "宽度 Width", "类型 Kind", "URL", "说明 Detail"],
                [[f.username, str(f.width), f.kind, f.url, f.detail[:120]] for f in findings],
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--only-user", help=f"user names, comma-separated; '{PORTAL}' is the residents' portal"
    )
    parser.add_argument("--widths", default=DEFAULT_WIDTHS, help=f"viewport widths, default {DEFAULT_WIDTHS}")
    parser.add_argument("--report", type=Path, default=Path("/tmp/walkthrough.json"))
    parser.add_argument("--base-url", help="walk a server already running instead of starting the demo")
    parser.add_argument("--startup-timeout", type=int, default=STARTUP_TIMEOUT_SECONDS)
    args = parser.parse_args()

    personas = [username for _, username, _, _ in DEMO_LOGINS] + [PORTAL]
    if args.only_user:
        wanted = args.only_user.split(",")
        unknown = set(wanted) - set(personas)
        if unknown:
            parser.error(f"unknown user(s): {', '.join(sorted(unknown))}; known: {', '.join(personas)}")
        personas = [username for username in personas if username in wanted]
    widths = parse_widths(args.widths)

    visits: list[Visit] = []
    with tempfile.TemporaryDirectory(prefix="dangjian-walk-") as data_dir:
        server = None
        base = (args.base_url or f"http://127.0.0.1:{args.port}").rstrip("/")
        if not args.base_url:
            log_path = Path(data_dir) / "demo.log"
            server = start_demo(data_dir, args.port, log_path)
            print(f"dangjian demo starting on {base} (log: {log_path})…", flush=True)
        try:
            started = time.monotonic()
            wait_for(f"{base}/accounts/login/", server, args.startup_timeout)
            print(f"answering after {time.monotonic() - started:.0f} s", flush=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=zh-CN"],
                )
                for username in personas:
                    for width in widths:
                        mine = walk_one(browser, base, username, width)
                        print(f"{username} at {width} px: {len(mine)} pages", flush=True)
                        visits += mine
                browser.close()
        finally:
            if server is not None:
                os.killpg(server.pid, signal.SIGINT)
                server.wait(timeout=60)

    findings = [finding for visit in visits for finding in findings_of(visit)]
    report = {
        "base_url": base,
        "personas": personas,
        "widths": widths,
        "pages_visited": len(visits),
        "visits": [asdict(visit) for visit in visits],
        "findings": [asdict(finding) for finding in findings],
    }
    args.report.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    print_summary(visits, findings, personas, widths)
    print(f"\n{len(visits)} pages, {len(findings)} findings; report: {args.report}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
