"""Every article cited in the sources is in the one table (``dangjian.core.citations``), and the
docs show that table.

The scan reads every .py, .html, .txt and .md under src/ and docs/, and the zh-Hans msgstrs of
the catalog: each ``第…条`` (or ``Article N of``) is attributed to the document named nearest to
it — on its line, else on the three lines before — and must be an article of that document in
the table. A citation with no document near it, or of the 1990 暂行条例, fails too. Failures list
file:line, so a wrong article is found where a branch secretary would print it.
"""

from __future__ import annotations

import re
from pathlib import Path

from dangjian.core import citations

ROOT = Path(__file__).resolve().parent.parent
SCANNED = [ROOT / "src", ROOT / "docs"]
SUFFIXES = {".py", ".html", ".txt", ".md"}
CATALOG = ROOT / "src" / "dangjian" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Files whose citations are history, each with the reason. A data migration that ran on existing
# databases cannot be edited; a later migration rewrites what it wrote.
HISTORICAL = {
    "src/dangjian/core/citations.py": "the table itself (its helpers' examples are not citations)",
    "src/dangjian/development/migrations/0002_national_steps.py": (
        "seeded the 2014 steps with wrong article numbers; 0004_national_rule_set_2014 corrects "
        "them in every database (and seeds corrected ones on an empty database)"
    ),
}

CHINESE_ARTICLE = re.compile(r"第([一二三四五六七八九十]+)条")
ENGLISH_ARTICLE = re.compile(r"\bArticles? (\d+)\b")
OLD_ELECTION_RULES = "暂行条例"
LOOK_BACK = 3


def _keywords() -> list[tuple[str, str]]:
    """(word, document key), longest words first so 发展党员工作细则 wins over 细则."""
    pairs = [(word, key) for key, (_name, words) in citations.DOCUMENTS.items() for word in words]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


KEYWORDS = _keywords()


def _documents_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, document key) of every document named in ``text``, without overlaps."""
    found: list[tuple[int, int, str]] = []
    for word, key in KEYWORDS:
        for match in re.finditer(re.escape(word), text):
            if not any(start < match.end() and match.start() < end for start, end, _ in found):
                found.append((match.start(), match.end(), key))
    return found


def _document_near(lines: list[str], index: int, position: int, path: str) -> str | None:
    """The document a citation at ``position`` of ``lines[index]`` belongs to."""
    line = lines[index]
    on_line = _documents_in(line)
    if on_line:
        return min(on_line, key=lambda found: min(abs(found[0] - position), abs(found[1] - position)))[2]
    if '"article"' in line and "/development/" in path:
        return "细则"  # a development step's rule: its ``source`` defaults to the 细则 (rules.cite)
    for back in range(1, LOOK_BACK + 1):
        if index - back < 0:
            break
        earlier = _documents_in(lines[index - back])
        if earlier:
            return max(earlier)[2]
    return None


def _citations(text: str, path: str):
    """(line number, article, document key or None, line) of every citation in ``text``."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        for match in CHINESE_ARTICLE.finditer(line):
            article = match.group(0)
            yield index + 1, article, _document_near(lines, index, match.start(), path), line
        for match in ENGLISH_ARTICLE.finditer(line):
            article = citations.article_text(int(match.group(1)))
            yield index + 1, article, _document_near(lines, index, match.start(), path), line


def _source_files():
    for base in SCANNED:
        for path in sorted(base.rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "/static/vendor/" not in path.as_posix():
                yield path


def _msgstr_text(catalog: str) -> str:
    """The zh-Hans msgstrs of live entries, each joined on the line where it starts (gettext wraps
    long strings, which could split a document's name); other lines blank, so numbers match."""
    out: list[str] = []
    start: int | None = None
    for line in catalog.splitlines():
        if line.startswith("msgstr"):
            start = len(out)
            out.append(line)
        elif start is not None and line.startswith('"'):
            out[start] += line.strip().strip('"')
            out.append("")
        else:
            start = None
            out.append("")
    return "\n".join(out)


def _problems(relative: str, text: str) -> list[str]:
    problems = []
    for number, article, document, line in _citations(text, relative):
        where = f"{relative}:{number}"
        if OLD_ELECTION_RULES in line:
            problems.append(
                f"{where}: cites the 1990 暂行条例; cite the 2020 选举工作条例 ({line.strip()[:80]})"
            )
        elif document is None:
            problems.append(f"{where}: {article} with no document named near it ({line.strip()[:80]})")
        elif not citations.is_listed(document, article):
            problems.append(
                f"{where}: {document} {article} is not in the citation table ({line.strip()[:80]})"
            )
    return problems


def test_every_cited_article_is_in_the_table():
    problems = []
    for path in _source_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative in HISTORICAL or relative.startswith("src/dangjian/locale/"):
            continue
        problems += _problems(relative, path.read_text(encoding="utf-8"))
    assert not problems, "Citations not in dangjian/core/citations.py:\n" + "\n".join(problems)


def test_every_article_in_the_translated_messages_is_in_the_table():
    relative = CATALOG.relative_to(ROOT).as_posix()
    problems = _problems(relative, _msgstr_text(CATALOG.read_text(encoding="utf-8")))
    assert not problems, "Citations in zh-Hans messages not in the table:\n" + "\n".join(problems)


def test_the_scan_finds_a_wrong_article_and_names_its_line():
    text = "说明\n党章第三十八条规定……\n细则第十三条\n（Article 9 of 《中国共产党支部工作条例（试行）》）\n第三条"
    problems = _problems("example.md", text)
    assert [problem.split(":")[1] for problem in problems] == ["2", "4", "5"]


def test_the_article_numbers_read_both_ways():
    for number in (5, 10, 11, 20, 21, 36, 99):
        assert citations.article_number(citations.article_text(number)) == number
    assert citations.article_text(36) == "第三十六条" and citations.article_text(10) == "第十条"


def test_the_docs_show_the_table():
    doc = (ROOT / "docs" / "members-and-life.md").read_text(encoding="utf-8")
    assert citations.markdown_table() in doc, (
        "docs/members-and-life.md must contain dangjian.core.citations.markdown_table() verbatim"
    )
