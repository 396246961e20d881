#!/usr/bin/env python3
"""Refresh the translation catalogs after user-facing text changed.

1. ``makemessages`` for zh_Hans, zh_Hant and en (the generator's name lists are data, skipped).
2. English: a msgid is already English, so its msgstr is the msgid (flagged ``source``).
3. zh-Hant: an entry translated in zh-Hans and not yet in zh-Hant (or generated before) gets the
   zh-Hans text through OpenCC ``s2t`` (flagged ``opencc``); entries without the flag were
   corrected by hand and are kept.
4. ``compilemessages`` for the three.

zh-Hans itself is written by people: new msgids show as untranslated there, and
``scripts/check_catalogs.py`` (part of ``make test``) fails until they are translated.

Usage: ``.venv/bin/python scripts/update_catalogs.py``
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dangjian"
LOCALE = PACKAGE / "locale"
LANGUAGES = ["zh_Hans", "zh_Hant", "en"]
GENERATED_FLAGS = {"source", "opencc"}


def django_admin(*args: str) -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="dangjian.settings")
    env.setdefault("DANGJIAN_DATA_DIR", str(ROOT / "dangjian-data"))
    subprocess.run(
        [str(Path(sys.executable).with_name("django-admin")), *args], cwd=PACKAGE, env=env, check=True
    )


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def set_translation(entry: polib.POEntry, text: str, flag: str) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural or {0: ""}, text)
    else:
        entry.msgstr = text
    entry.tcomment = flag
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")


def translation_of(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return (entry.msgstr_plural or {}).get(0, "")
    return entry.msgstr


def is_generated(entry: polib.POEntry) -> bool:
    return (entry.tcomment or "").strip() in GENERATED_FLAGS


def fill_english() -> None:
    catalog = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        if not translation_of(entry) or is_generated(entry) or "fuzzy" in entry.flags:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                entry.tcomment = "source"
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            else:
                set_translation(entry, entry.msgid, "source")
    catalog.save()


def fill_traditional() -> None:
    converter = opencc.OpenCC("s2t")
    simplified = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    source = {key(entry): translation_of(entry) for entry in simplified.translated_entries()}
    catalog = polib.pofile(str(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"))
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        text = source.get(key(entry))
        if text is None:
            continue
        if not translation_of(entry) or is_generated(entry) or "fuzzy" in entry.flags:
            set_translation(entry, converter.convert(text), "opencc")
    catalog.save()


def main() -> int:
    LOCALE.mkdir(exist_ok=True)
    args = ["makemessages", "--no-obsolete", "--ignore", "core/generator/*"]
    for language in LANGUAGES:
        args += ["-l", language]
    django_admin(*args)
    fill_english()
    fill_traditional()
    django_admin("compilemessages", "--ignore", "core/generator/*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
