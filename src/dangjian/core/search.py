"""Fast Chinese search without an external engine.

Each searchable row keeps ``search_tokens``: every CJK character and adjacent pair of the
normalized (simplified) text, written as ASCII (``c515a`` for 党) so no database locale can
misread them, plus full pinyin, initials and pinyin syllables. Any query of two or more Chinese
characters becomes its pairs, ANDed, so a substring is found whatever the word boundaries;
Latin input matches pinyin and codes by prefix. PostgreSQL indexes the tokens with a GIN index
on ``to_tsvector('simple', search_tokens)``; SQLite with an FTS5 external-content table.

A name also carries position tokens: an *anchor*, ``c0`` + the first syllable of its pinyin
sort key (``c0zhang`` for 张伟), which says where the row sits in pinyin order, and ``c1`` + the
code of each character that is not the name's head (``c15f20`` for 张 in 李张).
``search_in_name_order`` uses them so that a common surname is found at a cost independent of
the data: see ``NameOrderSearch``.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator

from django.db import connection, models
from django.db.models import Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, StrIndex
from django.db.models.lookups import GreaterThan

from dangjian.core.generator.names import SURNAMES
from dangjian.core.planner import estimated_rows, planner_settings, table_rows
from dangjian.core.text import (
    CJK_RE,
    PINYIN_SYLLABLES,
    WORD_RE,
    is_syllable_prefix,
    name_syllables,
    normalize,
    sort_key,
)

# The anchor token's prefix: CJK tokens are ``c`` + a code point of 3400 or more, so ``c0`` can
# never be one, and nobody types ``c0`` into a name search.
ANCHOR = "c0"
# ``c1`` + code: a name's character anywhere but at its head (see ``_name_position_tokens``).
ELSEWHERE = "c1"
_LOWER_WORD = re.compile(r"[a-z]+")
# Surnames dense enough at the head of their pinyin range that walking the range in page order
# finds a page at once: those borne by 0.2% of people or more in the national ranking the
# generator follows (72 characters, 王 to about 孔). Any other character's head rows are few.
DENSE_HEADS = frozenset(surname for surname, weight in SURNAMES if len(surname) == 1 and weight >= 20)
# A page of a name search deeper than this reads ids first and then the page's rows.
ROWS_AT_ONCE = 200


def _code(chars: str) -> str:
    return "c" + "".join(f"{ord(char):x}" for char in chars)


def _cjk_tokens(run: str) -> set[str]:
    tokens = {_code(char) for char in run}
    tokens.update(_code(run[index : index + 2]) for index in range(len(run) - 1))
    return tokens


def anchor_token(key: str) -> str | None:
    """``c0`` + the first word of a pinyin sort key (``zhang wei`` → ``c0zhang``), if it is pinyin."""
    head = key.split(" ", 1)[0]
    return ANCHOR + head if _LOWER_WORD.fullmatch(head) else None


def _name_position_tokens(name: str) -> set[str]:
    """The anchor (``c0`` + first syllable) and ``c1`` + code of each character not read as the head.

    A character is "the head" when it starts the name and its surname reading is the first
    syllable of the sort key (张 in 张伟); every other occurrence (张 in 李张, 长 in 长孙, whose
    compound reading is zhang) gets a ``c1`` token, so a search can find the occurrences outside
    the surname's index range with one positive token the planner has statistics for.
    """
    key = sort_key(name)
    tokens: set[str] = set()
    anchor = anchor_token(key)
    if anchor:
        tokens.add(anchor)
    head = key.split(" ", 1)[0]
    for index, char in enumerate(normalize(name)):
        if not CJK_RE.fullmatch(char):
            continue
        if index == 0 and name_syllables(char)[0] == head:
            continue
        tokens.add(ELSEWHERE + _code(char)[1:])
    return tokens


def search_tokens(*texts: str, names: tuple[str, ...] = ()) -> str:
    """The token string stored beside a row; ``names`` get surname-aware pinyin and an anchor too."""
    tokens: set[str] = set()
    for name in names:
        tokens |= _name_position_tokens(name or "")
    for text in (*texts, *names):
        text = normalize(text or "")
        for run in CJK_RE.findall(text):
            tokens |= _cjk_tokens(run)
        tokens.update(WORD_RE.findall(text))
    for text in (*texts, *names):
        for run in CJK_RE.findall(normalize(text or "")):
            syllables = name_syllables(run)
            syllables = [s for s in syllables if s.isascii() and s.isalpha()]
            if syllables:
                tokens.add("".join(syllables))
                tokens.add("".join(s[0] for s in syllables))
                tokens.update(syllables)
    return " ".join(sorted(tokens))


def query_terms(text: str) -> list[tuple[str, bool]]:
    """The (token, is_prefix) terms a query must all match; empty when there is nothing to find."""
    terms: list[tuple[str, bool]] = []
    for part in normalize(text).split():
        for run in CJK_RE.findall(part):
            if len(run) == 1:
                terms.append((_code(run), False))
            else:
                terms.extend((_code(run[index : index + 2]), False) for index in range(len(run) - 1))
        terms.extend((word, True) for word in WORD_RE.findall(part))
    return terms


class TokensMatch(models.Expression):
    """``to_tsvector('simple', <search_tokens>) @@ to_tsquery('simple', %s)`` on PostgreSQL.

    An expression rather than raw SQL naming the table: inside a subquery
    (``person__in=Person.objects.search(...)``) the column must resolve to the subquery's own
    alias. Raw SQL naming "core_person" there pointed at the outer query's table, which made the
    subquery correlated and a member search at district scale take seconds. The SQL matches the
    GIN index expression ``to_tsvector('simple', search_tokens)``, so the index is used.
    """

    output_field = models.BooleanField()

    def __init__(self, query: str, field: str = "search_tokens"):
        super().__init__()
        self.query = query
        self.tokens = models.F(field)

    def get_source_expressions(self):
        return [self.tokens]

    def set_source_expressions(self, expressions):
        (self.tokens,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.tokens)
        return f"to_tsvector('simple', {sql}) @@ to_tsquery('simple', %s)", [*params, self.query]


def filters_by_tokens(queryset: models.QuerySet) -> bool:
    """Whether ``queryset`` is filtered by a token query (``TokensMatch``) anywhere in its WHERE."""

    def walk(node) -> bool:
        # ``filter(TokensMatch(…))`` stores it as the left side of an ``exact True`` lookup.
        if isinstance(node, TokensMatch) or isinstance(getattr(node, "lhs", None), TokensMatch):
            return True
        return any(walk(child) for child in getattr(node, "children", ()))

    return walk(queryset.query.where)


def index_read_settings(queryset: models.QuerySet) -> dict[str, str]:
    """Planner settings for counting ``queryset``: no sequential scan when it is a token search.

    Why: on a table of a few thousand rows PostgreSQL counts the matches of a token query by a
    sequential scan computing ``to_tsvector`` of every row, whose cost it underrates: 3,689
    organizations match 党支部 among the district's 3,812, counted in 122 ms that way and in
    14 ms through the GIN index (the same for the mailbox's 3,000 long messages, below).
    """
    return (
        {"enable_seqscan": "off"} if connection.vendor == "postgresql" and filters_by_tokens(queryset) else {}
    )


def _tsquery(terms: list[tuple[str, bool]], without: str | None = None) -> str:
    query = " & ".join(f"'{token}'" + (":*" if prefix else "") for token, prefix in terms)
    return f"{query} & !'{without}'" if without else query


def _fts_query(terms: list[tuple[str, bool]], without: str | None = None) -> str:
    query = " AND ".join(f'"{token}"' + ("*" if prefix else "") for token, prefix in terms)
    return f'({query}) NOT "{without}"' if without else query


def _matching(queryset: models.QuerySet, terms: list[tuple[str, bool]], without: str | None = None):
    """Rows matching every term (and, with ``without``, not carrying that token): one index read."""
    if connection.vendor == "postgresql":
        return queryset.filter(TokensMatch(_tsquery(terms, without)))
    table = queryset.model._meta.db_table
    return queryset.filter(
        pk__in=RawSQL(
            f'SELECT rowid FROM "{table}_fts" WHERE "{table}_fts" MATCH %s', [_fts_query(terms, without)]
        )
    )


def search_queryset(queryset: models.QuerySet, text: str) -> models.QuerySet:
    """Filter ``queryset`` to rows whose tokens match every term of ``text`` (one indexed query)."""
    terms = query_terms(text)
    if not terms:
        return queryset.none() if text.strip() else queryset
    return _matching(queryset, terms)


def _carries(token: str) -> GreaterThan:
    """The row's own tokens contain ``token``: a cheap test per row, with no index behind it."""
    tokens = Concat(Value(" "), "search_tokens", Value(" "), output_field=models.TextField())
    return GreaterThan(StrIndex(tokens, Value(f" {token} ")), 0)


def _head_of(text: str) -> str | None:
    """The pinyin every name must start with to match ``text`` as its surname, or None.

    One Chinese character gives its surname reading (张 → ``zhang``, 曾 → ``zeng``); a whole
    syllable of three letters or more is itself (``wang``, ``zhang``). Shorter Latin input
    (``z``, ``li``) matches so many given-name syllables that walking the name index finds a
    page at once; longer input (``张伟``, ``zhangwei``, initials ``zw``) matches few enough rows
    to read them all through the search index.
    """
    text = normalize(text)
    if CJK_RE.fullmatch(text) and len(text) == 1:
        head = name_syllables(text)[0]
    elif _LOWER_WORD.fullmatch(text) and len(text) >= 3 and text in PINYIN_SYLLABLES:
        head = text
    else:
        return None
    return head if _LOWER_WORD.fullmatch(head) else None


def _after(word: str) -> str:
    """The smallest string above every string starting with ``word`` (``zhang`` → ``zhanh``)."""
    return word[:-1] + chr(ord(word[-1]) + 1)


class NameOrderSearch:
    """The rows of ``queryset`` matching ``text`` in (``key``, id) order, read as two bounded scans.

    Why: the list shows one page in pinyin order. For 张 PostgreSQL walked the whole name index
    (张 sorts near the end) and tested 590,000 rows, 3.6 s at district scale, because it assumes
    matches are spread evenly through the sort order; matches of a surname are not. So the
    matches are split into (a) rows whose sort key starts with the surname's pinyin, an index
    range walked in order and stopped after the page, and (b) the character's other occurrences
    (its ``c1`` token) — for a surname a few, for a given-name character (伟) spread evenly
    through the sort order, which the planner handles either way. A whole syllable (``zhang``)
    takes (b) as the matches without the anchor, excluded inside the search index. Each page costs two small id queries and one query for its rows; the
    two id lists are merged in Python. Slicing is the only access paginate and the API need.
    """

    def __init__(self, queryset: models.QuerySet, text: str, head: str, *, key: str):
        self.queryset = queryset
        self.terms = query_terms(text)
        self.head = head
        self.key = key
        char = normalize(text)
        self.char = char if CJK_RE.fullmatch(char) else None

    def filter(self, *args, **kwargs) -> NameOrderSearch:
        """Further conditions (a keyset cursor) on both scans."""
        clone = NameOrderSearch.__new__(NameOrderSearch)
        clone.__dict__.update(self.__dict__, queryset=self.queryset.filter(*args, **kwargs))
        return clone

    def _rows(self, stop: int) -> list:
        """The first ``stop`` rows in (``key``, id) order, merged from the two scans.

        Each scan reads its rows whole (with the queryset's own ``only`` and
        ``select_related``), so a page is two queries; reading ids first and the page's rows
        after was a third. Past ``ROWS_AT_ONCE`` (a deep page) the scans read ids only.
        """
        at_head, elsewhere = self._scans()
        if stop > ROWS_AT_ONCE:
            scans = [scan.values_list(self.key, "id")[:stop] for scan in (at_head, elsewhere)]
            ids = [pk for _key, pk in _first_of_each(heapq.merge(*scans), stop)]
            rows = self.queryset.order_by().in_bulk(ids)
            return [rows[pk] for pk in ids if pk in rows]
        order_key = models.F(self.key)
        scans = [
            [(row.name_order_key, row.pk, row) for row in scan.annotate(name_order_key=order_key)[:stop]]
            for scan in (at_head, elsewhere)
        ]
        merged = heapq.merge(*scans, key=lambda entry: entry[:2])
        return [row for _key, _pk, row in _first_of_each(merged, stop)]

    def _scans(self) -> tuple[models.QuerySet, models.QuerySet]:
        """The two scans, each in (``key``, id) order: the head's range and the other occurrences."""
        ordered = self.queryset.order_by(self.key, "id")
        at_head = ordered.filter(**{f"{self.key}__gte": self.head, f"{self.key}__lt": _after(self.head)})
        if self.char in DENSE_HEADS:
            # Not the search index: the range is nearly all matches (黄 is 45,000 of the
            # 45,000 people in ``huang``), but the planner multiplies the two estimates as if
            # independent, expects a few hundred and reads and sorts every 黄 of the district
            # (250 ms). A test of the row's own tokens has no index to tempt it, so it walks
            # the range in page order. (A whole syllable needs no test: every row of its
            # range carries it.)
            at_head = at_head.filter(_carries(_code(self.char)))
        elif self.char:
            # A character seldom at the head (伟 in ``wei``, which is mostly 魏 and 韦): the
            # rows carrying it and not its ``c1`` token (those are the other scan's) are few,
            # read through the search index and sorted (ordered by an expression, or the
            # planner walks the range past every 魏 and 韦: 130 ms).
            code = _code(self.char)
            # (Without the range too: its estimate is poor and all such rows are in it.)
            at_head = _matching(
                self.queryset,
                [(code, False)],
                without=ELSEWHERE + code[1:],
            ).order_by(Concat(self.key, Value("")).asc(), "id")
        if self.char:
            # The character's other occurrences: one token, spread evenly through the name
            # order and counted in the index statistics, so the planner's choice between
            # walking the name index (伟, 1.4% of people) and sorting a few matches (张 outside
            # the head) is sound. The same token tested in the row's own text comes first in a
            # walk: it is cheap, and ``to_tsvector`` of every row walked past cost 27 µs each
            # (伟 for the district admin: 125 ms, now 24 ms).
            token = ELSEWHERE + _code(self.char)[1:]
            elsewhere = _matching(ordered, [(token, False)]).filter(_carries(token))
        else:
            # A syllable: the rows carrying it as a whole syllable whose first syllable is
            # another, excluded inside the search index, read and sorted (ordered by an
            # expression: the planner would estimate them as many as all matches and walk the
            # whole name index). The whole syllable, not a prefix: expanding ``zhang:*`` over
            # every full-pinyin token cost 100 ms, and a name's pinyin tokens that start with
            # the syllable start at a syllable too.
            elsewhere = _matching(self.queryset, [(self.head, False)], without=ANCHOR + self.head).order_by(
                Concat(self.key, Value("")).asc(), "id"
            )
        return at_head, elsewhere

    def bounded_count(self, limit: int) -> int:
        """How many rows match, counted up to ``limit`` (the list's "共 N 条"): the ids of the
        same two scans as a page, without their order, so each stops at ``limit`` rows in
        whatever order is cheapest (in name order, the head's range of 张 for a district was
        read whole and sorted: 8,400 rows, 20 ms for a count of "more than 1,000")."""
        at_head, elsewhere = self._scans()
        ids = set(at_head.order_by().values_list("id", flat=True)[:limit])
        ids.update(elsewhere.order_by().values_list("id", flat=True)[:limit])
        return min(len(ids), limit)

    def __getitem__(self, item: slice) -> list:
        if not isinstance(item, slice) or item.stop is None or item.step is not None:
            raise TypeError("NameOrderSearch takes a bounded slice")
        return self._rows(item.stop)[item.start or 0 :]

    def __iter__(self) -> Iterator:
        raise TypeError("NameOrderSearch is read one bounded slice at a time")


def _first_of_each(entries: Iterator[tuple], stop: int) -> list[tuple]:
    """The first ``stop`` entries ``(key, pk, …)`` with a pk not seen before: 张张 is in both
    scans, as is a sort key that starts with no pinyin."""
    seen: set[int] = set()
    unique = []
    for entry in entries:
        if entry[1] not in seen:
            seen.add(entry[1])
            unique.append(entry)
            if len(unique) == stop:
                break
    return unique


def search_in_name_order(queryset: models.QuerySet, text: str, *, key: str):
    """Rows of ``queryset`` matching ``text``, in order of the pinyin sort key ``key`` then id.

    A surname (one character, or a whole syllable such as ``zhang``) gives a
    ``NameOrderSearch``; a short Latin prefix (``z``, ``li``) the plain (``key``, id) order, since
    it matches a large share of every part of the index; other input a queryset ordered by an
    expression of ``key``, which keeps PostgreSQL off the name-index walk (those matches are few:
    张伟 or ``zhangwei`` a few hundred in a district, and initials start with the surname, so a
    walk would reach them last) and lets it read the search index and sort the matches. Without
    text, the plain (``key``, id) order.
    """
    if not text.strip():
        return queryset.order_by(key, "id")
    terms = query_terms(text)
    if not terms:
        return queryset.none()
    head = _head_of(text)
    if head is not None:
        return NameOrderSearch(queryset, text, head, key=key)
    normalized = normalize(text)
    if _LOWER_WORD.fullmatch(normalized) and is_syllable_prefix(normalized):
        return _matching(queryset, terms).order_by(key, "id")
    return _matching(queryset, terms).order_by(Concat(key, Value("")).asc(), "id")


def install_search_index(schema_editor, table: str) -> None:
    """Create the search index of ``table`` (call from a migration's RunPython)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{table}_search_gin" ON "{table}" '
            f"USING gin (to_tsvector('simple', search_tokens))"
        )
    elif vendor == "sqlite":
        fts = f"{table}_fts"
        schema_editor.execute(
            f'CREATE VIRTUAL TABLE IF NOT EXISTS "{fts}" USING fts5('
            f"search_tokens, content='{table}', content_rowid='id', tokenize='unicode61')"
        )
        schema_editor.execute(
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_ai" AFTER INSERT ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"(rowid, search_tokens) VALUES (new.id, new.search_tokens); END'
        )
        schema_editor.execute(
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_ad" AFTER DELETE ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, search_tokens) VALUES (\'delete\', old.id, old.search_tokens); END'
        )
        schema_editor.execute(
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_au" AFTER UPDATE OF search_tokens ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, search_tokens) VALUES (\'delete\', old.id, old.search_tokens); '
            f'INSERT INTO "{fts}"(rowid, search_tokens) VALUES (new.id, new.search_tokens); END'
        )
        schema_editor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')


def remove_search_index(schema_editor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_search_gin"')
    elif vendor == "sqlite":
        fts = f"{table}_fts"
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{fts}_{suffix}"')
        schema_editor.execute(f'DROP TABLE IF EXISTS "{fts}"')


def search_index_operation(*tables: str):
    """A reversible migration operation installing the search index of each table."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        for table in tables:
            install_search_index(schema_editor, table)

    def backwards(apps, schema_editor):
        for table in tables:
            remove_search_index(schema_editor, table)

    return migrations.RunPython(forwards, backwards)


# A match set smaller than this is read whole from the search index and sorted; a larger one is
# dense enough that walking the ordering's own index meets the first rows at once.
FEW_MATCHES = 5000
# A token query PostgreSQL estimates at this many rows or more is dense without asking the
# index: the estimate of a token among the statistics' common elements is close, and one
# outside them is estimated low, never this high.
CERTAINLY_DENSE = 4 * FEW_MATCHES


def newest_matching(
    queryset: models.QuerySet, text: str, limit: int, *, order: tuple[str, ...] = ("-created_at", "-id")
) -> list:
    """The first ``limit`` rows of ``queryset`` matching ``text`` in ``order`` (newest first),
    at a cost that does not grow with the table.

    PostgreSQL cannot estimate how many rows a token query matches, so left to itself it walks
    the ``created_at`` index backwards and tests every row's tokens: for a word no request
    contains (a surname typed into the search box) that reads all of a million requests (30 s
    measured at district scale). Here the search index is asked first for at most
    ``FEW_MATCHES`` ids; when it has fewer, exactly those rows are sorted; when it has that many,
    the matches are dense and the ordered walk finds ``limit`` of them within a few thousand rows.
    """
    matching = search_queryset(queryset, text)
    # The index is asked over the whole table: with the scope's conditions beside it, PostgreSQL
    # reads the scope's own index instead and tests the tokens of every row in scope. The ids
    # serve only to narrow the scoped query below; nothing out of scope is returned.
    everywhere = search_queryset(queryset.model._base_manager.all(), text)
    if table_rows(queryset.model) >= CERTAINLY_DENSE and (estimated_rows(everywhere) or 0) >= CERTAINLY_DENSE:
        # The index's statistics know a common token well (zhang: 55,448 requests estimated,
        # 56,890 found); asking the index for 5,000 of them built the bitmap of all 56,890 first
        # (40 ms) only to learn what the estimate already said.
        return list(matching.order_by(*order)[:limit])
    ids = _ids_from_the_index(everywhere.order_by().values_list("id", flat=True)[:FEW_MATCHES])
    if len(ids) < FEW_MATCHES:
        if not ids:
            return []
        return list(queryset.filter(pk__any_of=ids).order_by(*order)[:limit])
    return list(matching.order_by(*order)[:limit])


def _ids_from_the_index(ids_query: models.QuerySet) -> list[int]:
    """The ids of a token query, read through the GIN index even where the table is small.

    On a table of a few thousand rows PostgreSQL prefers a sequential scan and computes
    ``to_tsvector`` of every row: 176 ms for 3,000 mailbox messages whose tokens run to 700
    characters, against 1 ms through the index. Sequential scans are discouraged for this one
    query and the setting restored at once.
    """
    with planner_settings(enable_seqscan="off"):
        return list(ids_query)
