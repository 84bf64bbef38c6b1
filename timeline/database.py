"""Engines: what ``Timeline(target)`` accepts, and the SQLite settings the library relies on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from .errors import TimelineError

#: How long a SQLite writer waits for another one before failing (milliseconds).
BUSY_TIMEOUT_MS = 5000
#: SQLite page cache per connection of a file database (KiB; SQLite's default is 2 MiB):
#: a million events' window and participation indexes stay in memory.
CACHE_KIB = 65536
#: How much of a SQLite file is read through a memory map instead of read() calls (bytes).
MMAP_BYTES = 256 * 1024 * 1024


def _sqlite_url(path: str) -> str:
    return "sqlite://" if path == ":memory:" else f"sqlite:///{path}"


def make_engine(target: str | os.PathLike[str] | Engine, *, echo: bool = False) -> Engine:
    """An engine for ``target``: a SQLite file path, ``":memory:"``, a URL, or an ``Engine``.

    An ``Engine`` passed in is used as it is: the host application owns its settings.
    """
    if isinstance(target, Engine):
        return target
    if not isinstance(target, (str, os.PathLike)):
        raise TimelineError(
            f"cannot open {target!r}: pass a file path, a database URL or a SQLAlchemy Engine"
        )
    text = os.fspath(target)
    url = text if "://" in text else _sqlite_url(text)
    options: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        engine = create_engine(url, **options)
        _configure_sqlite(engine, in_memory="poolclass" in options)
        return engine
    try:
        return create_engine(url, **options)
    except Exception as exc:  # unknown dialect, missing driver, malformed URL
        hint = " (install timeline[postgres] for PostgreSQL)" if "postgres" in url else ""
        raise TimelineError(f"cannot open {url!r}: {exc}{hint}") from exc


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    """WAL, foreign keys, a busy timeout, a larger page cache and memory-mapped reads for
    files, and transactions SQLite really begins.

    pysqlite's legacy transaction handling would run DDL outside any transaction; taking BEGIN
    over makes migrations and imports all-or-nothing (SQLAlchemy's documented recipe).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.info.get("timeline_begin", "BEGIN"))


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose transactions take the write lock at ``BEGIN`` on SQLite.

    A deferred transaction that reads, then writes, fails at once (no busy wait) when another
    writer committed in between; ``BEGIN IMMEDIATE`` waits for the lock instead. Other
    backends begin as usual.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.info["timeline_begin"] = "BEGIN IMMEDIATE"
        try:
            yield connection
        finally:
            connection.info.pop("timeline_begin", None)
