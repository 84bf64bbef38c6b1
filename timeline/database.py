"""Engines: what ``Timeline(target)`` accepts, and the SQLite settings the library relies on."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.engine.base import OptionEngine
from sqlalchemy.pool import StaticPool

from .errors import (
    ConnectionLostError,
    DatabaseBusyError,
    DatabaseFaultError,
    DiskFullError,
    TimelineClosedError,
    TimelineError,
)

#: How long a SQLite writer waits for another one before failing (milliseconds).
BUSY_TIMEOUT_MS = 5000
#: SQLite page cache per connection of a file database (KiB; SQLite's default is 2 MiB):
#: a million events' window and participation indexes stay in memory.
CACHE_KIB = 65536
#: The page cache of a SQLite bulk load (KiB): a larger one made a million-event load no faster
#: and only grew its memory (+105 MB at 64 MiB, +43 MB at 16 MiB).
LOAD_CACHE_KIB = 16384
#: How much of a SQLite file is read through a memory map instead of read() calls (bytes;
#: SQLite caps it at its own limit, 2 GiB in common builds): the whole file of a million
#: events, whose full listing in time order reads its rows in 3.3 s where a 256 MiB map took
#: 5.8 s. The mapped pages are the operating system's file cache, shared and given back.
MMAP_BYTES = 2**31
#: The memory map of a SQLite bulk load (bytes): the pages a load reads through the map count
#: in its resident memory, which stays flat in the number of rows with this one.
LOAD_MMAP_BYTES = 256 * 1024 * 1024
#: The settings of a SQLite connection during a bulk load.
LOAD_PRAGMAS = {"cache_size": -LOAD_CACHE_KIB, "mmap_size": LOAD_MMAP_BYTES}

#: How many times a SQLite writer asks for the write lock (each waiting ``BUSY_TIMEOUT_MS``),
#: with a growing pause in between, before :class:`DatabaseBusyError`: about a minute, the
#: time a few large imports ahead of it take.
BUSY_ATTEMPTS = 12

#: The lock every write holds (exclusive, on PostgreSQL) while it matches external ids and
#: names, so that two writers adding the same entity, place, document or event make one row.
WRITE_LOCK = "writes"

#: SQLite's result code, and PostgreSQL's SQLSTATE, for a full disk (or SQLite size limit).
SQLITE_FULL = 13
PG_DISK_FULL = "53100"


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
            # One connection, shared by every holder: one returning it must not roll back
            # another's transaction (each ends its own; see _take_over).
            options.update(
                poolclass=StaticPool,
                pool_reset_on_return=None,
                connect_args={"check_same_thread": False},
            )
        engine = create_engine(url, **options)
        _configure_sqlite(engine, in_memory="poolclass" in options)
        return engine
    try:
        return create_engine(url, **options)
    except Exception as exc:  # unknown dialect, missing driver, malformed URL
        raise TimelineError(f"cannot open {url!r}: {exc}{_scheme_hint(url)}") from exc


def _scheme_hint(url: str) -> str:
    """What to do about a URL whose scheme has no driver: the scheme to use instead."""
    scheme = url.partition("://")[0].lower()
    if scheme == "postgresql+psycopg":
        return " (install news-timeline[postgres] for PostgreSQL)"
    if scheme.partition("+")[0] in ("postgres", "postgresql"):
        return f"; for PostgreSQL use the postgresql+psycopg:// scheme, not {scheme}://"
    return (
        f"; no driver for {scheme}://: use a SQLite file path (or sqlite:///PATH) or "
        "postgresql+psycopg://USER@HOST/DB"
    )


class TimelineEngine(OptionEngine):
    """The engine a ``Timeline`` works through: its own view of :func:`make_engine`'s.

    The view shares the pool, the dialect and the listeners of the engine under it; once
    :meth:`close` has run, making a connection raises :class:`TimelineClosedError`. Every read
    and write (queries built earlier, sessions made earlier, imports) connects through
    :meth:`connect`, so that one check refuses them all, at no cost per statement; a host's
    ``Engine`` is left open and usable.
    """

    closed = False

    def connect(self) -> Connection:
        """A new connection, unless the timeline was closed."""
        check_open(self)
        return super().connect()

    def close(self, *, dispose: bool) -> None:
        """Refuse every later connection; ``dispose`` also closes the pooled ones."""
        self.closed = True
        if dispose:
            self.dispose()


def open_engine(target: str | os.PathLike[str] | Engine, *, echo: bool = False) -> TimelineEngine:
    """A :class:`TimelineEngine` on ``target`` (see :func:`make_engine`)."""
    return TimelineEngine(make_engine(target, echo=echo), {})


def check_open(engine: Engine) -> None:
    """Raise :class:`TimelineClosedError` if ``engine`` is a closed :class:`TimelineEngine`."""
    if isinstance(engine, TimelineEngine) and engine.closed:
        raise TimelineClosedError(describe(engine))


def describe(engine: Engine) -> str:
    """How messages name the database of ``engine``: a file, ``:memory:`` or a URL."""
    if engine.dialect.name == "sqlite":
        return engine.url.database or ":memory:"
    return engine.url.render_as_string(hide_password=True)


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
        begin = connection.info.get("timeline_begin", "BEGIN")
        if begin is None:  # a single read (see read_connection): its own snapshot
            return
        driver = connection.connection.driver_connection
        if in_memory:
            _take_over(connection.info, driver, begin)
        if begin == "BEGIN":
            connection.exec_driver_sql(begin)
            return
        for attempt in range(1, BUSY_ATTEMPTS + 1):
            try:
                driver.execute(begin)  # on the driver: a refused BEGIN leaves no transaction
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if attempt == BUSY_ATTEMPTS:
                    raise DatabaseBusyError(
                        engine.url.database or ":memory:", BUSY_ATTEMPTS * BUSY_TIMEOUT_MS / 1000
                    ) from error
                time.sleep(min(1.0, 0.05 * 2**attempt))


def _take_over(info: dict[str, Any], driver: Any, begin: str) -> None:
    """Before ``begin`` on the one connection of an in-memory database: end the transaction
    of a session left open (``s = tl.session()`` never closed) if it changed nothing, or
    refuse clearly; never join it, nor roll back what it holds."""
    if driver.in_transaction:
        opened, changes = info.get("timeline_opened", (None, None))
        if opened != "BEGIN" or driver.total_changes != changes:
            raise TimelineError(
                "the only connection of this in-memory database is inside an unfinished "
                "transaction (a session from tl.session() holding uncommitted changes, or a "
                "write still running); commit or close that session first (open sessions with "
                "`with tl.session() as s:`)"
            )
        driver.execute("COMMIT")  # a read left open: nothing to keep or undo, cursors stay
    info["timeline_opened"] = (begin, driver.total_changes)


@contextmanager
def write_connection(engine: Engine, *, bulk: bool = False) -> Iterator[Connection]:
    """A connection whose transactions take the write lock at ``BEGIN`` on SQLite.

    A deferred transaction that reads, then writes, fails at once (no busy wait) when another
    writer committed in between; ``BEGIN IMMEDIATE`` waits for the lock instead. Other
    backends begin as usual. A ``bulk`` load on SQLite runs with the smaller page cache
    :data:`LOAD_CACHE_KIB` and memory map :data:`LOAD_MMAP_BYTES`, both put back afterwards.

    Every write passes here, so here the faults of the database under it become one
    :class:`DatabaseFaultError` (:class:`DiskFullError`, :class:`ConnectionLostError`); its
    transaction was rolled back (or died with its connection), so nothing of it is kept.
    """
    with engine.connect() as connection:
        pooled = connection.connection  # the DBAPI connection, to judge a fault by
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.info["timeline_begin"] = "BEGIN IMMEDIATE"
        # On the driver's connection: a statement through SQLAlchemy would begin a transaction.
        driver: Any = connection.connection.driver_connection if sqlite and bulk else None
        saved = _set_pragmas(driver, LOAD_PRAGMAS) if driver else {}
        try:
            yield connection
        except Exception as error:  # costs nothing until something is raised
            fault = _fault(engine, pooled, error)
            if fault is None:
                raise
            if isinstance(fault, ConnectionLostError):
                connection.invalidate()  # never pooled again
            raise fault from error
        finally:
            connection.info.pop("timeline_begin", None)
            if saved and not connection.invalidated:
                _set_pragmas(driver, saved)


def _set_pragmas(driver: Any, values: dict[str, int]) -> dict[str, int]:
    """Set SQLite settings on a driver connection; returns the values they replaced (leaving
    out a setting the database lacks, such as the memory map of an in-memory database)."""
    replaced = {}
    for name, value in values.items():
        row = driver.execute(f"PRAGMA {name}").fetchone()
        if row is not None:
            replaced[name] = row[0]
            driver.execute(f"PRAGMA {name}={value}")
    return replaced


def _fault(engine: Engine, pooled: Any, error: Exception) -> DatabaseFaultError | None:
    """The :class:`DatabaseFaultError` a write's ``error`` stands for, if any.

    Errors come wrapped by SQLAlchemy, or raw from the driver (``executemany``, ``COPY``).
    """
    orig = (error.orig if isinstance(error, exc.DBAPIError) else None) or error
    reason = " ".join(str(orig).split())
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)  # Python 3.11 and later
        full = code & 0xFF == SQLITE_FULL if code is not None else "disk is full" in reason
        return DiskFullError(describe(engine), reason) if full else None
    if getattr(orig, "sqlstate", None) == PG_DISK_FULL:
        return DiskFullError(describe(engine), reason)
    dialect = engine.dialect
    lost = (isinstance(error, exc.DBAPIError) and error.connection_invalidated) or (
        isinstance(orig, dialect.loaded_dbapi.Error) and dialect.is_disconnect(orig, pooled, None)
    )
    return ConnectionLostError(describe(engine), reason) if lost else None


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A pooled connection for single read statements, outside any transaction.

    One statement reads one consistent snapshot by itself, so a read needs neither BEGIN nor
    ROLLBACK: on PostgreSQL the driver's autocommit saves their two round trips (about half of
    a small query's time), and on SQLite the library sends no BEGIN.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if not sqlite:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        # In memory, SQLite's one connection may be shared with an open transaction: a read
        # must not end it, so it then begins, as any transaction would (see _take_over).
        driver: Any = connection.connection.driver_connection
        skip_begin = sqlite and not driver.in_transaction
        if skip_begin:
            connection.info["timeline_begin"] = None
        try:
            yield connection
        finally:
            if skip_begin:
                connection.info.pop("timeline_begin", None)


def lock(connection: Connection, *names: str, shared: bool = False) -> None:
    """Hold named locks until the transaction ends, so that a look-up-then-insert cannot race.

    On PostgreSQL each name becomes a transaction-scoped advisory lock (a stable hash of the
    schema and the name), taken in sorted order so two writers cannot deadlock; ``shared``
    locks only exclude the exclusive holder of the same name. SQLite needs none: its writers
    take the whole file at ``BEGIN IMMEDIATE``.
    """
    if connection.dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    statement = text(f"SELECT {function}(hashtextextended(current_schema() || ':' || :name, 0))")
    for name in sorted(set(names)):
        connection.execute(statement, {"name": name})
