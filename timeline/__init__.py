"""timeline: dated events from the news, with uncertain dates and provenance, in SQL.

>>> from timeline import Timeline
>>> with Timeline("events.db") as tl:  # doctest: +SKIP
...     tl.add_event("Congress closes", when="2026-02-26", kind="politics.congress")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _dist

_dist.refuse_a_shared_package()  # before anything else: another "timeline" may own these files

from .errors import (
    AmbiguousNameError,
    ConfusableNameWarning,
    ConnectionLostError,
    DatabaseBusyError,
    DatabaseFaultError,
    DiskFullError,
    EventDeletedError,
    EventNotFoundError,
    ImportRowError,
    InvalidDateError,
    InvalidEventError,
    MigrationError,
    MissingDependencyError,
    NearMissWarning,
    NotFoundError,
    SchemaOutOfDateError,
    SchemaTooNewError,
    TimelineClosedError,
    TimelineError,
    UnknownFormatError,
    UnreadableFileError,
)
from .knowledge import EventVersion
from .models import (
    Claim,
    Entity,
    EntityAlias,
    Event,
    EventExternalId,
    EventTag,
    Participation,
    Place,
    PlaceAlias,
    Relation,
    Source,
    Statement,
    StatementAbout,
    metadata,
)
from .provenance import History, HistoryEntry
from .query import EventQuery
from .revisions import Revision
from .timeline import Timeline
from .vocab import RelationKind, Status
from .when import ALLEN_RELATIONS, Certainty, Conventions, EndState, Precision, When

if TYPE_CHECKING:
    from .when.mentions import DateMention, find_dates

    __version__: str


def __getattr__(name: str) -> Any:
    """``find_dates`` and ``DateMention`` load their rules when first used, not on import;
    ``__version__`` reads the package metadata when first asked (``importlib.metadata`` is
    slow to import, and every command would pay for it)."""
    if name in ("DateMention", "find_dates"):
        from .when import mentions

        return getattr(mentions, name)
    if name == "__version__":  # news-timeline's version, or 0+unknown if never installed
        found = _dist.installed_version()
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module 'timeline' has no attribute {name!r}")


__all__ = [
    "ALLEN_RELATIONS",
    "AmbiguousNameError",
    "Certainty",
    "Claim",
    "ConfusableNameWarning",
    "ConnectionLostError",
    "Conventions",
    "DatabaseBusyError",
    "DatabaseFaultError",
    "DateMention",
    "DiskFullError",
    "EndState",
    "Entity",
    "EntityAlias",
    "Event",
    "EventDeletedError",
    "EventExternalId",
    "EventNotFoundError",
    "EventQuery",
    "EventTag",
    "EventVersion",
    "History",
    "HistoryEntry",
    "ImportRowError",
    "InvalidDateError",
    "InvalidEventError",
    "MigrationError",
    "MissingDependencyError",
    "NearMissWarning",
    "NotFoundError",
    "Participation",
    "Place",
    "PlaceAlias",
    "Precision",
    "Relation",
    "RelationKind",
    "Revision",
    "SchemaOutOfDateError",
    "SchemaTooNewError",
    "Source",
    "Statement",
    "StatementAbout",
    "Status",
    "Timeline",
    "TimelineClosedError",
    "TimelineError",
    "UnknownFormatError",
    "UnreadableFileError",
    "When",
    "__version__",
    "find_dates",
    "metadata",
]
