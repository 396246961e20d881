#!/usr/bin/env python3
"""Write zh-Hans translations from a JSON file into the catalog, then refresh all catalogs.

The JSON maps a msgid to its zh-Hans text; a msgid with a context is written
``"context\\u0004msgid"`` (gettext's own separator). Plurals take one text for every form
(Chinese has one). Entries of the file that are not in the catalog are listed, not added.

Usage:
  .venv/bin/python scripts/translate.py FILE.json   # apply, then update_catalogs (zh-Hant, en, .mo)
  .venv/bin/python scripts/translate.py --untranslated [PATH-FRAGMENT]
                                                      # list msgids still missing in zh-Hans
Several people may run it at once on one checkout: wrap it in ``flock /tmp/catalog.lock``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "src" / "dangjian" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SEPARATOR = "\x04"


def refresh() -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "update_catalogs.py")], check=True)


def entry_key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}{SEPARATOR}{entry.msgid}" if entry.msgctxt else entry.msgid


def untranslated(fragment: str) -> int:
    for entry in polib.pofile(str(CATALOG)).untranslated_entries():
        places = " ".join(f"{path}:{line}" for path, line in entry.occurrences)
        if fragment in places:
            print(json.dumps({entry_key(entry): ""}, ensure_ascii=False)[1:-1] + ",  # " + places)
    return 0


def apply(path: Path) -> int:
    refresh()  # makemessages first, so new msgids are in the catalog
    texts: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    catalog = polib.pofile(str(CATALOG))
    found = set()
    for entry in catalog:
        text = texts.get(entry_key(entry))
        if entry.obsolete or not text:
            continue
        found.add(entry_key(entry))
        if entry.msgid_plural:
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural or {0: ""}, text)
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalog.save()
    refresh()  # zh-Hant through OpenCC, and compile
    for missing in sorted(set(texts) - found):
        print(f"not in the catalog (not used in code?): {missing!r}")
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--untranslated":
        return untranslated(argv[1] if len(argv) > 1 else "")
    if len(argv) != 1:
        print(__doc__)
        return 2
    return apply(Path(argv[0]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
