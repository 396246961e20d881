"""The threat model in docs/security.md names a test for each threat: each must exist.

A renamed or deleted test would leave a threat without its proof while the table still claims
one; this test fails then and names the row.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _table() -> str:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    return text.split("## Threat model", 1)[1].split("\n## ", 1)[0]


def test_the_threat_model_names_a_test_on_every_row():
    rows = [line for line in _table().splitlines() if re.match(r"\| \d+ \|", line)]

    assert len(rows) >= 20
    assert [row for row in rows if not NAMED.search(row)] == []


def test_every_test_the_threat_model_names_exists():
    missing = []
    for path, name in NAMED.findall(_table()):
        source = ROOT / path
        if not source.exists() or not re.search(rf"^def {name}\(", source.read_text(encoding="utf-8"), re.M):
            missing.append(f"{path}::{name}")

    assert missing == []
