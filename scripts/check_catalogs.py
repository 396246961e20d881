#!/usr/bin/env python3
"""Fail when a translation catalog is missing, incomplete, fuzzy or not compiled.

Usage: ``scripts/check_catalogs.py [LOCALE_DIR]`` (default: the package's locale directory).

zh-Hans, zh-Hant and English are complete translations (DESIGN.md, principle 8): every msgid
in ``src/dangjian/locale/<lang>/LC_MESSAGES/django.po`` must be translated and not fuzzy, and
the ``.mo`` beside it must hold exactly the ``.po``'s translations. The ``.mo`` is compared by
content, not by file time, because a fresh git clone gives both files arbitrary times.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "dangjian" / "locale"
LANGUAGES = ["zh_Hans", "zh_Hant", "en"]
SHOWN_PER_PROBLEM = 10


def _key(entry: polib._BaseEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _translation(entry: polib._BaseEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def check_language(language: str, locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The problems of one language's catalog, as lines for the reader."""
    po_path = locale_dir / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    if not po_path.exists():
        return [f"{po_path}: missing"]
    catalog = polib.pofile(str(po_path))
    problems = []
    untranslated = catalog.untranslated_entries()
    fuzzy = [entry for entry in catalog.fuzzy_entries() if not entry.obsolete]
    for label, entries in (("untranslated", untranslated), ("fuzzy", fuzzy)):
        if entries:
            problems.append(f"{po_path}: {len(entries)} {label} entries")
            problems += [f"    {entry.msgid!r}" for entry in entries[:SHOWN_PER_PROBLEM]]
    if not mo_path.exists():
        problems.append(f"{mo_path}: missing (run compilemessages)")
        return problems
    expected = {_key(entry): _translation(entry) for entry in catalog.translated_entries() if entry.msgid}
    compiled = {_key(entry): _translation(entry) for entry in polib.mofile(str(mo_path)) if entry.msgid}
    stale = sorted(key for key in expected.keys() | compiled.keys() if expected.get(key) != compiled.get(key))
    if stale:
        problems.append(f"{mo_path}: older than its .po, {len(stale)} entries differ (run compilemessages)")
        problems += [f"    {key[1]!r}" for key in stale[:SHOWN_PER_PROBLEM]]
    return problems


def main(argv: list[str]) -> int:
    locale_dir = Path(argv[0]) if argv else LOCALE_DIR
    problems = [problem for language in LANGUAGES for problem in check_language(language, locale_dir)]
    if problems:
        print("Translation catalogs are not complete:")
        print("\n".join(problems))
        return 1
    print(f"Translation catalogs complete: {', '.join(LANGUAGES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
