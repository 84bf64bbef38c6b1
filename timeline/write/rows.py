"""Rows written as plain tuples: ``executemany`` on SQLite, binary ``COPY`` on PostgreSQL.

How the write pipeline stays fast: drafts are checked and turned into plain tuples in Python (no
model objects, which cost ~37 µs each), then written a chunk at a time on the write's own
connection, inside its transaction. Indexes and the full-text structures stay in step (triggers
on SQLite, GIN indexes on PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection

from ..models import WhenColumns
from ..when import When

#: The stored ``When`` columns, in the order of the tables and of :meth:`BulkWriter.when_values`.
WHEN_COLUMNS = tuple(WhenColumns.when_columns(When.parse("2026-02-26")))
EVENT_COLUMNS = (
    "id",
    "title",
    "summary",
    "kind",
    "status",
    "place_id",
    "confidence",
    *WHEN_COLUMNS,
    "created_at",
    "updated_at",
)
CLAIM_COLUMNS = (
    "event_id",
    "source_id",
    "status",
    "quote",
    "confidence",
    "published",
    *WHEN_COLUMNS,
    "recorded_at",
)
#: Each loaded event's first version, so that ``as_of`` sees it (see :mod:`timeline.knowledge`).
VERSION_COLUMNS = (
    "event_id",
    "status",
    *WHEN_COLUMNS,
    "known_from",
    "known_until",
    "recorded_from",
)
ENTITY_COLUMNS = ("name", "kind", "country", "external_ids", "created_at")
PLACE_COLUMNS = ("name", "kind", "country", "parent_id", "lat", "lon", "external_ids")
SOURCE_COLUMNS = ("title", "url", "publisher_id", "published", "published_at", "created_at")
PARTICIPATION_COLUMNS = ("event_id", "entity_id", "role", "search_start", "search_end")
TAG_COLUMNS = ("event_id", "tag")
EXTERNAL_ID_COLUMNS = ("event_id", "scheme", "value")
RELATION_COLUMNS = ("source_event_id", "target_event_id", "kind")
REVISION_COLUMNS = (
    "event_id",
    "action",
    "field",
    "old",
    "new",
    "claim_id",
    "recorded_at",
    "detail",
)


_PLAIN = frozenset({str, int, float, bool, type(None)})
_WHEN_KEY = itemgetter(*WHEN_COLUMNS)

#: SQLite's full-text triggers on insert, and the statement that does their work for a run of
#: new rows (ids ``?`` to ``?``) at once (see :meth:`BulkWriter.write`).
_FULL_TEXT = {
    "timeline_event": (
        "timeline_event_fts_insert",
        "INSERT INTO timeline_event_fts(rowid, title, summary) "
        "SELECT id, title, summary FROM timeline_event WHERE id BETWEEN ? AND ?",
    ),
    "timeline_claim": (
        "timeline_claim_fts_insert",
        "INSERT INTO timeline_claim_fts(rowid, quote) "
        "SELECT id, quote FROM timeline_claim WHERE id BETWEEN ? AND ? AND quote IS NOT NULL",
    ),
}
#: The fewest rows worth the swap (it changes the schema twice).
_FULL_TEXT_MIN = 100
_TRIGGER_SQL = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?"


def sqlite_value(value: Any) -> Any:
    """A value as SQLite takes it fastest: ISO text for dates (trap G6), JSON text for a
    dict."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, date):
        return _sqlite_time(value)
    if isinstance(value, dict):
        return json.dumps(value)
    return value


@lru_cache(maxsize=1 << 12)
def _sqlite_time(value: date) -> str:
    """A day as ISO text, a time as UTC ISO text (cached: a chunk's times often repeat)."""
    if isinstance(value, datetime):
        utc = value.astimezone(timezone.utc).replace(tzinfo=None)
        return utc.isoformat(sep=" ", timespec="microseconds")
    return value.isoformat()


def _same(value: Any) -> Any:
    return value


#: The ``When`` columns of the dates written lately, as driver values: SQLite's (``False``)
#: and PostgreSQL's (``True``); see :meth:`BulkWriter.when_values`.
_WHENS: dict[bool, dict[tuple[Any, ...], tuple[Any, ...]]] = {False: {}, True: {}}
_WHENS_LIMIT = 1 << 14

#: The column types of each ``COPY`` (see :meth:`BulkWriter._types`).
_COPY_TYPES: dict[str, list[str]] = {}


class BulkWriter:
    """Plain tuples written fast on one connection, inside the caller's transaction.

    The writer of :mod:`timeline.write.new` and :mod:`timeline.write.names` (and of the JSON
    formats' records): :meth:`allocate` ids, turn Python values into driver values with
    :attr:`value` (or :meth:`when_values`), and :meth:`write` rows: ``executemany`` on SQLite,
    binary ``COPY`` on PostgreSQL. Nothing is validated here: callers check rows first.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        #: A value as the driver takes it fastest (see :func:`sqlite_value`).
        self.value: Callable[[Any], Any] = _same if self.postgres else sqlite_value
        self._whens = _WHENS[self.postgres]
        self.now = datetime.now(timezone.utc)
        self.now_value = self.value(self.now)
        self.types = _COPY_TYPES

    def when_values(self, columns: Mapping[str, Any]) -> tuple[Any, ...]:
        """The stored ``When`` columns among ``columns``, as driver values, in the tables'
        order (cached: dates repeat, from one chunk to the next)."""
        key = _WHEN_KEY(columns)
        found = self._whens.get(key)
        if found is None:
            if len(self._whens) >= _WHENS_LIMIT:
                self._whens.clear()
            found = self._whens[key] = tuple(map(self.value, key))
        return found

    def allocate(self, table: str, n: int) -> list[int]:
        """``n`` fresh ids of ``table``: its sequence on PostgreSQL, after its largest id on
        SQLite (write them before anything else inserts into ``table``)."""
        if self.postgres:
            found = self.connection.exec_driver_sql(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                f"FROM generate_series(1, {int(n)})"
            )
            return [int(i) for (i,) in found]
        top = self.connection.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()
        first = int(top or 0) + 1
        return list(range(first, first + n))

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Insert plain tuples: ``executemany`` on SQLite, binary ``COPY`` on PostgreSQL."""
        if not rows:
            return
        if not self.postgres:
            self._insert(table, columns, rows)
            return
        names = ", ".join(columns)
        driver: Any = self.connection.connection.driver_connection
        statement = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
        types = self._types(table, columns)  # before COPY starts: it holds the connection
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types(types)
            for values in rows:
                copy.write_row(values)

    def _insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """``executemany`` on SQLite. A run of new rows (fresh ids, in order) of a table with a
        full-text index fills the index with one statement, its insert trigger set aside
        meanwhile: three times faster than the trigger row by row. The trigger is back before
        anything else runs, in the same transaction, so no other write and no reader ever
        sees it missing."""
        run = self.connection.exec_driver_sql
        marks = ", ".join("?" * len(columns))
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        trigger, fill = _FULL_TEXT.get(table, ("", ""))
        first, last = rows[0][0], rows[-1][0]
        fresh = (
            trigger
            and columns[0] == "id"
            and len(rows) >= _FULL_TEXT_MIN
            and [row[0] for row in rows] == list(range(first, last + 1))
        )
        found = run(_TRIGGER_SQL, (trigger,)).scalar() if fresh else None
        if found is None:  # no run of fresh ids, or a schema without the trigger
            run(insert, rows)
            return
        run(f"DROP TRIGGER {trigger}")
        run(insert, rows)
        run(fill, (first, last))
        run(found)

    def _types(self, table: str, columns: tuple[str, ...]) -> list[str]:
        """The PostgreSQL type names of ``columns`` (looked up once per process: every
        schema of the library has the same column types)."""
        key = f"{table}({','.join(columns)})"
        if key not in self.types:
            found: dict[str, str] = dict(
                self.connection.exec_driver_sql(
                    "SELECT a.attname, t.typname FROM pg_attribute a "
                    "JOIN pg_type t ON t.oid = a.atttypid "
                    f"WHERE a.attrelid = '{table}'::regclass AND a.attnum > 0"
                ).all()
            )
            self.types[key] = [str(found[name]) for name in columns]
        return self.types[key]


def refused(error: Exception) -> bool:
    """Whether ``error`` is a constraint violation (from SQLAlchemy or from psycopg's COPY)."""
    if isinstance(error, exc.IntegrityError):
        return True
    return type(error).__module__.startswith("psycopg") and any(
        klass.__name__ == "IntegrityError" for klass in type(error).__mro__
    )
