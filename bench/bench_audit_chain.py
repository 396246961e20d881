"""Timings of the audit chain: sealing a backlog, a routine run, an idle run, and the check.

Issue 15 point 9: the worker seals the audit log into a hash chain every 5 minutes and
``verify_audit_chain`` recomputes it. This bench fills a throw-away test database (created on
the configured server and dropped afterwards, so no real audit log gets bench lines) with
``--entries`` audit lines shaped like real ones, then times each step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench .venv/bin/python bench/bench_audit_chain.py --entries 100000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()


def fill(count: int, start: int = 0) -> None:
    from dangjian.core.choices import AuditAction
    from dangjian.core.models import AuditEntry

    batch = 5000
    for first in range(start, start + count, batch):
        AuditEntry.objects.bulk_create(
            AuditEntry(
                action=AuditAction.UPDATE,
                username="sq_shuji",
                object_type="members.partymember",
                object_id=str(number),
                object_repr="张*",
                changes={"branch": ["网格党支部", "楼道党支部"], "version": [3, 4]},
                request_id="0f2d6c1e-1111-4c3b-9a59-5e2f1b0d9a10",
                ip="10.12.0.7",
                org_path="0001000200030004",
                area_path="00010002000300040005",
            )
            for number in range(first, min(first + batch, start + count))
        )


def timed(label: str, function) -> tuple[str, float, object]:
    started = time.perf_counter()
    result = function()
    return label, time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000, help="audit lines to seal (default 100,000)")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    from dangjian.core.audit_chain import seal_pending, verify_chain

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        fill(args.entries)
        print(
            f"{connection.vendor}: wrote {args.entries:,} audit lines in {time.perf_counter() - started:.1f} s"
        )
        rows = [
            timed(f"seal the backlog of {args.entries:,}", lambda: seal_pending(limit=args.entries)),
            timed("idle run (nothing new)", seal_pending),
        ]
        fill(1000, start=args.entries)
        rows.append(timed("routine run (1,000 new lines)", seal_pending))
        rows.append(timed(f"verify {args.entries + 1000:,} seals", lambda: verify_chain().intact))
        width = max(len(label) for label, _seconds, _result in rows)
        for label, seconds, result in rows:
            print(f"{label:<{width}}  {seconds:8.2f} s  → {result}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
