"""Compare query counts of each page between two scales (cost must not grow with the data).

Reads ``bench/results/<scale>-<db>[-suite].json`` written by ``bench_trees.py --json`` (or
``bench_service.py --json`` for ``--suite service``: the service pages) and prints, per
URL and persona, the query count at each scale, flagging any that differ (DESIGN.md principle 7).

    .venv/bin/python bench/compare_scales.py [--db postgresql] [--scales community district]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def load(scale: str, db: str, suite: str = "trees") -> dict[tuple[str, str], dict]:
    suffix = "" if suite == "trees" else f"-{suite}"
    path = RESULTS_DIR / f"{scale}-{db}{suffix}.json"
    if not path.exists():
        sys.exit(f"{path} not found: run bench/bench_trees.py --json against the {scale} data on {db}")
    payload = json.loads(path.read_text())
    return {(row["key"], row["persona"]): row for row in payload["results"]}


def cell(row: dict | None) -> str:
    if row is None:
        return "-"
    if row["status"] != "ok":
        return row["status"]
    return str(row["queries"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", default="postgresql", help="database vendor in the file names (postgresql, sqlite)"
    )
    parser.add_argument("--scales", nargs="+", default=["community", "district"])
    parser.add_argument(
        "--suite",
        default="trees",
        help="trees or members (see bench_trees.py --suite), service (bench_service.py --json) or workbench",
    )
    args = parser.parse_args()
    tables = {scale: load(scale, args.db, args.suite) for scale in args.scales}
    keys: list[tuple[str, str]] = []
    for table in tables.values():
        keys += [key for key in table if key not in keys]
    width = max(len(key[0]) for key in keys)
    print(f"{'URL':<{width}}  {'persona':<20} " + " ".join(f"{scale:>10}" for scale in args.scales))
    differing = 0
    for key in keys:
        rows = [tables[scale].get(key) for scale in args.scales]
        counts = {row["queries"] for row in rows if row is not None and row["status"] == "ok"}
        flag = "  DIFFERS" if len(counts) > 1 else ""
        differing += bool(flag)
        print(f"{key[0]:<{width}}  {key[1]:<20} " + " ".join(f"{cell(row):>10}" for row in rows) + flag)
    print(f"{differing} of {len(keys)} differ in query count")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
