"""Fast Chinese search without an external engine.

Each searchable row keeps ``search_tokens``: every CJK character and adjacent pair of the
normalized (simplified) text, written as ASCII (``c515a`` for 党) so no database locale can
misread them, plus full pinyin, initials and pinyin syllables. Any query of two or more Chinese
characters becomes its pairs, ANDed, so a substring is found whatever the word boundaries;
Latin input matches pinyin and codes by prefix. PostgreSQL indexes the tokens with a GIN index
on ``to_tsvector('simple', search_tokens)``; SQLite with an FTS5 external-content table.
"""

from __future__ import annotations

from django.db import connection, models
from django.db.models.expressions import RawSQL

from dangjian.core.text import CJK_RE, WORD_RE, name_syllables, normalize


def _code(chars: str) -> str:
    return "c" + "".join(f"{ord(char):x}" for char in chars)


def _cjk_tokens(run: str) -> set[str]:
    tokens = {_code(char) for char in run}
    tokens.update(_code(run[index : index + 2]) for index in range(len(run) - 1))
    return tokens


def search_tokens(*texts: str, names: tuple[str, ...] = ()) -> str:
    """The token string stored beside a row; ``names`` get surname-aware pinyin too."""
    tokens: set[str] = set()
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


def search_queryset(queryset: models.QuerySet, text: str) -> models.QuerySet:
    """Filter ``queryset`` to rows whose tokens match every term of ``text`` (one indexed query)."""
    terms = query_terms(text)
    if not terms:
        return queryset.none() if text.strip() else queryset
    table = queryset.model._meta.db_table
    if connection.vendor == "postgresql":
        query = " & ".join(f"'{token}'" + (":*" if prefix else "") for token, prefix in terms)
        return queryset.filter(TokensMatch(query))
    query = " AND ".join(f'"{token}"' + ("*" if prefix else "") for token, prefix in terms)
    return queryset.filter(
        pk__in=RawSQL(f'SELECT rowid FROM "{table}_fts" WHERE "{table}_fts" MATCH %s', [query])
    )


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
