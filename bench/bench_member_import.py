"""Timing of the member ledger import (党员信息采集表): a 5,000-row sheet, dry run then commit.

Acceptance (issue 3): the sheet imports in under 30 s on SQLite and PostgreSQL on a 2-core
machine. The script creates a throw-away test database (``test_`` + the configured name, as the
test runner does), a small tree and an administrator, builds the sheet in memory, and prints the
seconds of reading + checking (dry run) and of the commit, then drops the database.

    .venv/bin/python bench/bench_member_import.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_ledger \\
        .venv/bin/python bench/bench_member_import.py --rows 5000       # PostgreSQL
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    arguments = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(arguments.rows, connection.vendor)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows: int, vendor: str) -> None:
    from dangjian.accounts.models import User
    from dangjian.core import excel
    from dangjian.members.imports import MEMBER_SPEC
    from dangjian.members.models import PartyMember
    from dangjian.orgs.choices import OrgKind
    from tests.factories import add_org
    from tests.members.ledger_data import sheet_row, workbook_bytes

    district = add_org(None, "中共示范区委员会", "D0001", OrgKind.DISTRICT_COMMITTEE)
    add_org(district, "第一党支部", "B0001", OrgKind.BRANCH)
    add_org(district, "第二党支部", "B0002", OrgKind.BRANCH)
    admin = User.objects.create_superuser("bench_admin", password="bench-only-1")

    started = time.perf_counter()
    data = workbook_bytes([sheet_row(n, "B0001" if n % 2 else "B0002") for n in range(rows)])
    built = time.perf_counter() - started

    started = time.perf_counter()
    dry = excel.dry_run(MEMBER_SPEC, data, by=admin, file_name="bench.xlsx")
    dry_seconds = time.perf_counter() - started
    assert dry.ok and dry.created == rows, dry.errors[:3]

    started = time.perf_counter()
    report = excel.commit(MEMBER_SPEC, data, by=admin, file_name="bench.xlsx")
    commit_seconds = time.perf_counter() - started
    assert report.committed and PartyMember.objects.count() == rows, report.errors[:3]

    print(f"database: {vendor}, rows: {rows}")
    print(f"building the sheet: {built:.2f} s (not part of the import)")
    print(f"dry run (read + check): {dry_seconds:.2f} s")
    print(f"commit (read + check + insert): {commit_seconds:.2f} s")
    print(f"dry run + commit: {dry_seconds + commit_seconds:.2f} s (target: commit < 30 s)")


if __name__ == "__main__":
    main()
