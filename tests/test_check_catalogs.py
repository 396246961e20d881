"""The translation catalog check fails on missing, untranslated, fuzzy and stale catalogs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polib
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_catalogs.py"
spec = importlib.util.spec_from_file_location("check_catalogs", SCRIPT)
check_catalogs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_catalogs)


def write_catalog(locale_dir: Path, language: str, entries: list[polib.POEntry], compile_mo: bool = True):
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        catalog.append(entry)
    folder = locale_dir / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog.save(str(folder / "django.po"))
    if compile_mo:
        catalog.save_as_mofile(str(folder / "django.mo"))
    return catalog


@pytest.fixture
def complete_locale(tmp_path) -> Path:
    for language in check_catalogs.LANGUAGES:
        write_catalog(tmp_path, language, [polib.POEntry(msgid="Log in", msgstr="登录")])
    return tmp_path


def test_complete_catalogs_pass(complete_locale):
    assert check_catalogs.main([str(complete_locale)]) == 0


def test_a_missing_catalog_fails(tmp_path):
    assert check_catalogs.check_language("en", tmp_path) == [f"{tmp_path}/en/LC_MESSAGES/django.po: missing"]


def test_untranslated_and_fuzzy_entries_fail(tmp_path):
    write_catalog(
        tmp_path,
        "en",
        [
            polib.POEntry(msgid="Home", msgstr=""),
            polib.POEntry(msgid="Log out", msgstr="Sign out", flags=["fuzzy"]),
        ],
    )

    problems = "\n".join(check_catalogs.check_language("en", tmp_path))

    assert "1 untranslated entries" in problems and "'Home'" in problems
    assert "1 fuzzy entries" in problems and "'Log out'" in problems


def test_a_mo_file_older_than_its_po_fails(complete_locale):
    po_path = complete_locale / "zh_Hant" / "LC_MESSAGES" / "django.po"
    catalog = polib.pofile(str(po_path))
    catalog[0].msgstr = "登入"
    catalog.save()

    problems = "\n".join(check_catalogs.check_language("zh_Hant", complete_locale))

    assert "older than its .po" in problems and "'Log in'" in problems
    assert check_catalogs.main([str(complete_locale)]) == 1
