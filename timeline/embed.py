"""A fuzzy-date column for a host application's own models.

::

    from sqlmodel import Field, SQLModel
    from timeline.embed import FuzzyDate

    class Article(FuzzyDate("covered"), SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        title: str

``FuzzyDate("covered")`` adds the ``covered_*`` columns that store a :class:`~timeline.When`
to the host's own table (plain SQLAlchemy types, so the host's Alembic autogenerate renders
them with no timeline import), the window index ``ix_<table>_covered_window``, the property
``article.covered`` and the window conditions ``Article.covered_overlaps(start, end)`` and
``Article.covered_within(start, end)``. It works the same on a plain SQLAlchemy declarative
model. See docs/embedding.md.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    event,
)
from sqlalchemy.orm import declared_attr
from sqlalchemy.orm.attributes import set_attribute
from sqlalchemy.types import TypeEngine

from . import windows
from .errors import InvalidEventError
from .models import WhenColumns, stored_when
from .query import Certainty, _day_bounds
from .when import When

#: The stored columns, by their suffix on the host: ``<name>_<suffix>``.
COLUMN_TYPES: dict[str, TypeEngine[Any]] = {
    "span": Boolean(),
    "start_state": String(7),
    "end_state": String(7),
    "start_earliest": Date(),
    "start_latest": Date(),
    "end_earliest": Date(),
    "end_latest": Date(),
    "start_at": DateTime(timezone=True),
    "end_at": DateTime(timezone=True),
    "start_tz": String(64),
    "end_tz": String(64),
    "start_precision": String(12),
    "end_precision": String(12),
    "start_approximate": Boolean(),
    "start_uncertain": Boolean(),
    "end_approximate": Boolean(),
    "end_uncertain": Boolean(),
    "edtf": Text(),
    "phrase": Text(),
    "reference": Date(),
    "search_start": Date(),
    "search_end": Date(),
    "span_class": Integer(),
}

#: The host's names of the event table's columns it names differently.
_HOST_NAMES = {"date_phrase": "phrase", "date_reference": "reference"}

#: The window index: the bucketed hull, then the strict bounds the certain/within tests read
#: (the event table's ``ix_timeline_event_window`` without its live marks).
WINDOW_INDEX_SUFFIXES = (
    "span_class",
    "search_start",
    "search_end",
    "start_earliest",
    "start_latest",
    "end_earliest",
    "end_latest",
)


def FuzzyDate(name: str) -> type:
    """A mixin that stores a :class:`~timeline.When` in ``<name>_*`` columns of the host table.

    The host class gets the property ``<name>`` (a ``When`` or ``None``; it accepts a ``When``,
    a ``date`` or any text :meth:`When.parse` reads) and the classmethods
    ``<name>_overlaps(start, end, certainty="possible")`` and ``<name>_within(start, end)``.
    """
    if not name.isidentifier():
        raise InvalidEventError(f"a fuzzy date needs an identifier as name, not {name!r}")
    prefix = f"{name}_"
    namespace: dict[str, Any] = {
        prefix + suffix: declared_attr(_column_maker(prefix, suffix)) for suffix in COLUMN_TYPES
    }
    namespace[name] = property(_getter(prefix), _setter(prefix), doc=f"The {name} When.")
    namespace[f"{name}_overlaps"] = classmethod(_overlaps(prefix))
    namespace[f"{name}_within"] = classmethod(_within(prefix))
    namespace["__doc__"] = f"The fuzzy date ``{name}`` (see :func:`timeline.embed.FuzzyDate`)."
    mixin: Any = type(f"FuzzyDate_{name}", (), namespace)

    def __init__(self: Any, *args: Any, **values: Any) -> None:
        """Take ``<name>=`` too (SQLModel would drop it: it is no pydantic field)."""
        given = name in values
        value = values.pop(name, None)
        super(mixin, self).__init__(*args, **values)
        if given:
            setattr(self, name, value)

    mixin.__init__ = __init__
    return cast(type, mixin)


def _column_maker(prefix: str, suffix: str) -> Any:
    """The ``declared_attr`` function of the column ``prefix + suffix`` (one per host class).

    A lambda: declarative would read a function's return annotation as a mapping annotation.
    """
    return lambda cls: _column(prefix, suffix)


def _column(prefix: str, suffix: str) -> Column[Any]:
    made: Column[Any] = Column(prefix + suffix, COLUMN_TYPES[suffix], nullable=True)
    if suffix in WINDOW_INDEX_SUFFIXES:
        event.listen(made, "after_parent_attach", _add_index(prefix))
    return made


def _add_index(prefix: str) -> Any:
    """Add the window index to the table once it has all the index columns (declarative adds
    them one by one, in an order of its own); it is named after the host table."""

    def attached(column: Column[Any], table: Table) -> None:
        names = [prefix + suffix for suffix in WINDOW_INDEX_SUFFIXES]
        index = f"ix_{table.name}_{prefix}window"
        if all(n in table.c for n in names) and all(i.name != index for i in table.indexes):
            Index(index, *(table.c[n] for n in names))

    return attached


def _getter(prefix: str) -> Any:
    def get(self: Any) -> When | None:
        def column(key: str) -> Any:
            value = getattr(self, prefix + _HOST_NAMES.get(key, key))
            if isinstance(value, datetime) and value.tzinfo is None:
                return value.replace(tzinfo=timezone.utc)  # SQLite keeps no offset: it is UTC
            return value

        return stored_when(column)

    return get


def _setter(prefix: str) -> Any:
    def set_(self: Any, value: When | date | str | None) -> None:
        if value is None:
            values: dict[str, Any] = dict.fromkeys(COLUMN_TYPES)
        else:
            stored = WhenColumns.when_columns(When.parse(value))
            values = {_HOST_NAMES.get(key, key): found for key, found in stored.items()}
        for suffix, found in values.items():
            # Through the ORM: a SQLModel host refuses attributes that are no pydantic field.
            set_attribute(self, prefix + suffix, found)

    return set_


def _columns(host: Any, prefix: str) -> SimpleNamespace:
    """The host table's ``prefix`` columns, under the event table's names."""
    table = host.__table__.c
    return SimpleNamespace(**{suffix: table[prefix + suffix] for suffix in WINDOW_INDEX_SUFFIXES})


def _window(host: Any, prefix: str, test: str, start: Any, end: Any) -> ColumnElement[bool]:
    first, last = _day_bounds(start, end)
    lows = [bindparam(None, low, type_=Date) for low in windows.lows(first)]
    first_day, last_day = bindparam(None, first, type_=Date), bindparam(None, last, type_=Date)
    return windows.window(_columns(host, prefix), test, first_day, last_day, lows)


def _overlaps(prefix: str) -> Any:
    def overlaps(cls: Any, start: Any, end: Any, certainty: Certainty = "possible") -> Any:
        """SQL: the date possibly (or certainly) overlaps the window, as ``between`` does."""
        windows.check_certainty(certainty)
        return _window(cls, prefix, certainty, start, end)

    return overlaps


def _within(prefix: str) -> Any:
    def within(cls: Any, start: Any, end: Any) -> Any:
        """SQL: the date lies certainly inside the window, as ``within`` does."""
        return _window(cls, prefix, "within", start, end)

    return within
