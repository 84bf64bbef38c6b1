"""Schema migrations: find the shipped Alembic scripts and bring a database to head.

The scripts live in the top-level ``alembic/`` folder of the source tree and ship inside the wheel
as ``timeline/_alembic``. The library keeps its own version table,
``timeline_alembic_version``, and only ever looks at ``timeline_`` tables, so a host
application's tables and Alembic history in the same database are left alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from .database import lock, write_connection
from .errors import MigrationError, SchemaOutOfDateError, SchemaTooNewError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

#: The library's own Alembic version table.
VERSION_TABLE = "timeline_alembic_version"
TABLE_PREFIX = "timeline_"

# Alembic's ``context`` and ``op`` are process globals: one migration at a time per process.
_LOCK = threading.Lock()


def script_location() -> Path:
    """The folder holding ``env.py`` and ``versions/``, in a wheel or in a source checkout."""
    shipped = resources.files("timeline") / "_alembic"
    if shipped.is_dir():
        return Path(str(shipped))
    checkout = Path(__file__).resolve().parent.parent / "alembic"
    # Installed, this path would be the Alembic library itself: insist on env.py, no __init__.
    if (checkout / "env.py").is_file() and not (checkout / "__init__.py").exists():
        return checkout
    raise MigrationError(
        "timeline's migration scripts are missing from this installation; reinstall timeline"
    )


#: Raw-SQL objects made by a migration, unknown to the models: autogenerate skips them (the
#: full-text tables and indexes, PostgreSQL's expression index of certain windows, and the
#: time-order index, whose form differs by backend).
SEARCH_TABLES = ("timeline_event_fts", "timeline_claim_fts")
RAW_INDEXES = (
    "ix_timeline_event_search",
    "ix_timeline_claim_search",
    "ix_timeline_event_certain",
    "ix_timeline_event_time",
)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic filter: compare only timeline's own tables, never the host's nor raw-SQL objects."""
    if type_ == "table":
        return (
            bool(name)
            and str(name).startswith(TABLE_PREFIX)
            and name != VERSION_TABLE
            and not str(name).startswith(SEARCH_TABLES)
        )
    if type_ == "index":
        return name not in RAW_INDEXES
    return True


def compare_type(
    context: Any, inspected_column: Any, metadata_column: Any, inspected: Any, metadata: Any
) -> bool | None:
    """Alembic type comparison: on SQLite a string's length is no difference (SQLite never
    enforces it, and changing it would rebuild the table); otherwise Alembic's own rule."""
    from sqlalchemy import String

    if context.dialect.name == "sqlite" and isinstance(inspected, String):
        return not isinstance(getattr(metadata, "impl", metadata), String)  # a TypeDecorator's
    return None


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render timeline's column types as plain ``sa.*`` types in migration files."""
    from sqlmodel.sql.sqltypes import AutoString

    from .types import StrEnumType, UTCDateTime

    if type_ == "type":
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
        if isinstance(obj, StrEnumType):
            return "sa.String(length=20)"
        if isinstance(obj, AutoString):
            return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def alembic_config(connection: Connection | Engine | None = None) -> Config:
    """An Alembic ``Config`` for timeline's scripts, with no ini file (host logging untouched)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location()).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once per process (they do not change while it runs)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The revision this version of timeline expects."""
    heads = _scripts().get_heads()
    if len(heads) != 1:
        raise MigrationError(f"timeline's migrations have {len(heads)} heads: {heads}")
    return str(heads[0])


#: A script's ``revision = "..."`` and ``down_revision = ...`` lines.
_REVISION_LINE = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_LINE = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)


@cache
def static_head() -> str | None:
    """The head revision read from the scripts' ``revision`` and ``down_revision`` lines,
    without importing Alembic (opening a database that is up to date needs no more); ``None``
    when the scripts do not say it plainly (Alembic then decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        for path in (script_location() / "versions").glob("*.py"):
            source = path.read_text(encoding="utf-8")
            revision, down = _REVISION_LINE.search(source), _DOWN_LINE.search(source)
            if revision is None or down is None:
                return None
            revisions.add(revision.group(1))
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    except (OSError, MigrationError):
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def is_current(engine: Engine) -> bool:
    """Whether the database is at head, known cheaply: its version table holds exactly the
    :func:`static_head` (``False`` when unsure: Alembic is asked then)."""
    from sqlalchemy.exc import DBAPIError

    head = static_head()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            stored = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}")
            return [row[0] for row in stored] == [head]
    except DBAPIError:  # no version table yet
        return False


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database (``None`` if timeline never migrated it)."""
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    heads = context.get_current_heads()
    return heads[0] if heads else None


def _known_revisions() -> set[str]:
    return {rev.revision for rev in _scripts().walk_revisions()}


def _refuse_if_newer(current: str | None, head: str) -> None:
    if current is not None and current not in _known_revisions():
        raise SchemaTooNewError(
            current,
            head,
            f"the database is at revision {current}, which this version of timeline does not "
            f"know (its newest is {head}): it was written by a newer timeline; upgrade the "
            "timeline package before opening it",
        )


def check(engine: Engine) -> None:
    """Raise :class:`SchemaOutOfDateError` unless the database is at head; change nothing."""
    if is_current(engine):
        return
    head = head_revision()
    with engine.connect() as connection:
        current = current_revision(connection)
    _refuse_if_newer(current, head)
    if current != head:
        raise SchemaOutOfDateError(
            current,
            head,
            f"the database is at revision {current or 'none (empty)'}, timeline needs {head}: "
            "open it with migrate=True or run `timeline db upgrade`",
        )


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction; on SQLite, foreign keys off and the file locked."""
    with write_connection(engine) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch ALTERs copy tables; foreign keys must be off, and PRAGMA is a no-op in a
            # transaction, so set it on the driver connection before BEGIN.
            driver: Any = connection.connection.driver_connection
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")


def _run(engine: Engine, revision: str, *, down: bool = False) -> None:
    from alembic import command

    with _LOCK, _migration_connection(engine) as connection:
        lock(connection, "migrations")  # PostgreSQL: another process may be migrating too
        config = alembic_config(connection)
        if down:
            command.downgrade(config, revision)
        else:
            _refuse_if_newer(current_revision(connection), head_revision())
            command.upgrade(config, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision`` (default: head), all or nothing.

    :raises SchemaTooNewError: if the database was written by a newer timeline.
    """
    if revision == "head" and is_current(engine):
        return  # the common case, decided without importing Alembic
    try:
        with engine.connect() as connection:
            current = current_revision(connection)
        if revision == "head" and current == head_revision():
            return
        _run(engine, revision)
    except MigrationError:
        raise
    except Exception as exc:
        raise MigrationError(f"upgrading the timeline schema failed: {_reason(exc)}") from exc


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database down to ``revision`` (``"base"`` drops every timeline table)."""
    try:
        _run(engine, revision, down=True)
    except Exception as exc:
        raise MigrationError(f"downgrading the timeline schema failed: {_reason(exc)}") from exc


def _reason(error: Exception) -> str:
    """One line: the driver's message for a database error (not SQLAlchemy's help link)."""
    return " ".join(str(getattr(error, "orig", None) or error).split())
