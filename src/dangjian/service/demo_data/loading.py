"""Writing rows fast: id reservation and COPY (PostgreSQL) or executemany (SQLite), and small helpers."""

from __future__ import annotations

import datetime
import random

from django.db import connection

from dangjian.service.choices import (
    RequestSource,
)
from dangjian.service.demo_data.common import cumulative, pick
from dangjian.service.demo_data.tables import BATCH


class Row(dict):
    """A request's column values by attribute name (cheaper than a model instance for a million)."""

    __getattr__ = dict.__getitem__
    __setattr__ = dict.__setitem__


def db_datetime():
    """How an aware datetime goes into the database: as is (PostgreSQL), or UTC text (SQLite)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    return lambda value: str(value.astimezone(datetime.UTC).replace(tzinfo=None))


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys: from the table's sequence (PostgreSQL) or after the largest."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


_LABELS: dict[str, str] = {}


def source_label(source: str) -> str:
    label = _LABELS.get(source)
    if label is None:
        label = _LABELS[source] = str(RequestSource(source).label)
    return label


def choose(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return pick(rng, [code for code, _ in weighted], cumulative([weight for _, weight in weighted]))
