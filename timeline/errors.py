"""The one exception hierarchy of timeline.

Every error raised on purpose by the library is a :class:`TimelineError`. Where a class refines a
builtin (``ValueError``, ``LookupError``) it inherits it too, so ``except ValueError`` keeps
working. Each carries the offending input as attributes and says what to do next.
"""

from __future__ import annotations

from typing import Any


class TimelineError(Exception):
    """Base class for every error raised by timeline."""


class InvalidDateError(TimelineError, ValueError):
    """A value could not be read as a date, a time or a :class:`~timeline.When`.

    :ivar value: the input as given.
    :ivar part: the offending part of the input, when one can be named.
    :ivar reason: why it was refused.
    """

    def __init__(self, value: Any, reason: str, *, part: str | None = None) -> None:
        self.value = value
        self.reason = reason
        self.part = part
        where = f" (at {part!r})" if part is not None and part != value else ""
        super().__init__(f"invalid date {value!r}{where}: {reason}")


class InvalidEventError(TimelineError, ValueError):
    """Event data (or an entity, place, source…) failed validation; nothing was written.

    :ivar field: the field at fault, when known.
    :ivar value: the value at fault, when known.
    """

    def __init__(self, message: str, *, field: str | None = None, value: Any = None) -> None:
        self.field = field
        self.value = value
        super().__init__(message)


class NotFoundError(TimelineError, LookupError):
    """A named or numbered row does not exist.

    :ivar kind: what was looked for (``"event"``, ``"entity"``, ``"place"``…).
    :ivar key: the name or id that was not found.
    """

    def __init__(self, kind: str, key: Any, hint: str = "") -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key!r}" + (f"; {hint}" if hint else ""))


class AmbiguousNameError(NotFoundError):
    """A name names several entities or places, so none was chosen; nothing was written.

    Narrow it with ``kind=`` (and, for a place, ``parent=``), or pass the row or its id.

    :ivar candidates: ``(name, kind, id)`` of each entity or place it names.
    """

    def __init__(self, kind: str, key: Any, candidates: list[tuple[str, str, int]]) -> None:
        self.candidates = candidates
        listed = ", ".join(f"{name} ({what}, id {ident})" for name, what, ident in candidates)
        super().__init__(
            f"single {kind}",
            key,
            f"it names several: {listed}; pass kind= (for a place, parent=), or the {kind} "
            "or its id",
        )


class EventNotFoundError(NotFoundError):
    """No event with that id."""

    def __init__(self, key: Any, hint: str = "") -> None:
        super().__init__("event", key, hint)


class EventDeletedError(EventNotFoundError):
    """The event was deleted; its tombstone (row, claims and history) is still readable.

    :ivar deleted_at: when it was deleted (recorded time).
    """

    def __init__(self, key: Any, deleted_at: Any) -> None:
        self.deleted_at = deleted_at
        NotFoundError.__init__(
            self,
            "live event",
            key,
            f"it was deleted at {deleted_at}; restore it with restore_event() to change it",
        )


class ConfusableNameWarning(UserWarning):
    """A new entity or place name mixes alphabets in one word (a Cyrillic Ka in a Latin "Kim"):
    it is stored as written and never matches the name it imitates. Turn it into an error with
    ``warnings.simplefilter("error", ConfusableNameWarning)``.
    """


class NearMissWarning(UserWarning):
    """A write used an event kind no stored event uses, or created an entity or place, and its
    spelling is close to a stored one: ``kind 'militray.parade' is new; did you mean
    'military.parade'?``. Raised inside the write's transaction, so
    ``warnings.simplefilter("error", NearMissWarning)`` refuses the whole write (nothing is
    kept); the command line's ``--strict`` does the same.

    :ivar what: ``"kind"``, ``"entity"`` or ``"place"``.
    :ivar name: the new kind or name, as written.
    :ivar suggestion: the stored kind or name it is close to.
    """

    def __init__(self, what: str, name: str, suggestion: str, *, message: str = "") -> None:
        self.what = what
        self.name = name
        self.suggestion = suggestion
        super().__init__(message or f"{what} {name!r} is new; did you mean {suggestion!r}?")


class MigrationError(TimelineError):
    """The migration scripts are missing, or an upgrade failed."""


class SchemaOutOfDateError(MigrationError):
    """The database is not at the revision this version of timeline expects.

    :ivar current: the revision the database is at (``None`` for an empty database).
    :ivar head: the revision this version of timeline expects.
    """

    def __init__(self, current: str | None, head: str, message: str) -> None:
        self.current = current
        self.head = head
        super().__init__(message)


class SchemaTooNewError(SchemaOutOfDateError):
    """The database was migrated by a newer version of timeline than this one."""


class DatabaseBusyError(TimelineError):
    """Another writer kept the (SQLite) database locked through every retry; nothing was
    written. Try again later, or find the process that holds it.

    :ivar database: the database file.
    :ivar waited: about how many seconds were spent waiting.
    """

    def __init__(self, database: str, waited: float) -> None:
        self.database = database
        self.waited = waited
        super().__init__(
            f"the database {database!r} stayed locked by another writer for {waited:.0f} s; "
            "nothing was written; try again"
        )


class TimelineClosedError(TimelineError):
    """The :class:`~timeline.Timeline` was closed (its ``database`` is named); open a new one."""

    def __init__(self, database: str) -> None:
        self.database = database
        super().__init__(
            f"this Timeline on {database!r} is closed; open a new one with Timeline(...) "
            "(or keep using it inside its `with Timeline(...) as tl:` block)"
        )


class DatabaseFaultError(TimelineError):
    """The database failed under a write (the disk filled up, the connection was lost); the
    transaction was rolled back or lost, so nothing of that write was kept.

    :ivar database: the database (a file, ``:memory:`` or a URL, password hidden).
    :ivar reason: what the database or its driver reported.
    """

    def __init__(self, database: str, what: str, advice: str, reason: str) -> None:
        self.database = database
        self.reason = reason
        super().__init__(
            f"{what} on {database!r} during a write; nothing of it was kept; {advice} "
            f"(the database said: {reason})"
        )


class DiskFullError(DatabaseFaultError):
    """The disk, or the database's size limit, was full (SQLite ``SQLITE_FULL``,
    PostgreSQL ``disk_full``)."""

    def __init__(self, database: str, reason: str) -> None:
        super().__init__(
            database, "the disk or the database file is full", "free some space and retry", reason
        )


class ConnectionLostError(DatabaseFaultError):
    """The connection to the database server was lost or terminated mid-write."""

    def __init__(self, database: str, reason: str) -> None:
        super().__init__(
            database,
            "the connection to the database was lost",
            "retry once the server is reachable (the next call opens a new connection)",
            reason,
        )


class ImportRowError(TimelineError, ValueError):
    """An input row was refused, so the import wrote nothing.

    :ivar source: the file (or stream) name.
    :ivar line: the 1-based line (or record) number of the row.
    :ivar field: the column or field at fault, when known.
    :ivar reason: why the row was refused.
    """

    def __init__(self, source: str, line: int, reason: str, field: str | None = None) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.reason = reason
        column = f" [{field}]" if field else ""
        super().__init__(
            f"{source or 'input'}:{line}{column}: {reason}; nothing was imported (fix the row, "
            "or import with skip_invalid=True / --skip-invalid to import the good rows and "
            "report the bad ones)"
        )


class UnreadableFileError(TimelineError, ValueError):
    """A file could not be read as text at all (missing, not UTF-8 or UTF-16, NUL bytes);
    nothing was imported.

    :ivar source: the file name.
    :ivar reason: why it could not be read, and where.
    """

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"cannot read {source!r}: {reason}; nothing was imported")


class UnknownFormatError(TimelineError, ValueError):
    """No importer or exporter has that format name.

    :ivar name: the format asked for.
    :ivar known: the format names there are.
    """

    def __init__(self, name: str, known: list[str], what: str = "import") -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown {what} format {name!r}; use one of: {', '.join(known)}")


class MissingDependencyError(TimelineError, ImportError):
    """A feature needs an optional package that is not installed.

    :ivar package: the missing package.
    :ivar extra: the ``timeline`` extra that installs it.
    """

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"this needs {package}, which is not installed; install it with "
            f"pip install 'news-timeline[{extra}]'"
        )
