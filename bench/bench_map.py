"""Time to render the grid map (service:map) in Chromium against a running server.

Logs in through the login form, then opens the map of the given area ``--repeat`` times and
measures from navigation start until every grid polygon is drawn (the page marks ``#dj-map``
with ``data-ready`` once the GeoJSON is on the map). Prints the median and p95 in milliseconds,
the number of polygons and points, and the size of the map data.

    .venv/bin/python bench/bench_map.py --url http://127.0.0.1:8000 --user jd_shuji \\
        --password dangjian-demo-2026 [--node AREA_PK] [--figure overdue] [--repeat 10]

Without ``--node`` the map opens on the user's own top node (for a 街道 secretary, the 街道).
The target (issue 4): a 街道's map, about a hundred grids, under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True, help="base URL of the running server")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--node", type=int, help="primary key of the area (default: the user's own)")
    parser.add_argument("--figure", default="overdue")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()

    query = {"figure": args.figure}
    if args.node:
        query["node"] = args.node
    map_url = f"{args.url.rstrip('/')}/service/map/?{urlencode(query)}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale="zh-CN")
        page.goto(f"{args.url.rstrip('/')}/accounts/login/")
        page.fill("input[name=username]", args.user)
        page.fill("input[name=password]", args.password)
        page.click("form:has(input[name=password]) [type=submit]")
        page.wait_for_load_state("load")
        if "/accounts/login/" in page.url:
            raise SystemExit("login failed: check --user and --password")

        data_bytes: list[int] = []
        page.on(
            "response",
            lambda response: (
                data_bytes.append(len(response.body())) if "/service/map/data/" in response.url else None
            ),
        )
        times = []
        polygons = points = 0
        for attempt in range(args.repeat + 1):
            started = time.perf_counter()
            page.goto(map_url)
            page.wait_for_selector("#dj-map[data-ready='1']", timeout=60_000)
            elapsed = (time.perf_counter() - started) * 1000
            polygons = page.locator("#dj-map path.leaflet-interactive").count()
            points = page.evaluate("() => document.querySelectorAll('#dj-map canvas').length")
            if attempt:  # the first load warms caches
                times.append(elapsed)
        status = page.locator("#dj-map-status").inner_text()
        browser.close()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"map {map_url}")
    print(f"polygons drawn: {polygons}; point canvases: {points}; status: {status}")
    print(f"map data: {max(data_bytes) / 1024:.0f} KiB" if data_bytes else "map data: (not seen)")
    print(
        f"render to ready over {len(times)} loads: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms"
    )


if __name__ == "__main__":
    main()
