"""The tables of a timeline, as SQLModel models on a private ``MetaData``.

Every table is prefixed ``timeline_`` and lives in :data:`metadata`, never in
``SQLModel.metadata``, so a host application's own models and migrations are untouched.
Rows are built by :class:`~timeline.Timeline` through validation; the models are also plain
SQLModel classes for use in a :meth:`~timeline.Timeline.session`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, MetaData, String, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from .types import StrEnumType, UTCDateTime
from .vocab import RelationKind, Status
from .when import EndState, Precision, When
from .when.allen import earliest_end
from .when.conventions import named_zone
from .when.notation import zone_name

#: Alembic's recommended naming convention, so every constraint has a stable name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The library's own metadata: every ``timeline_`` table and nothing else.
metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: Stored in the hull columns for an open or unknown end, so that windows need no NULL tests.
MIN_DAY = date(1, 1, 1)
MAX_DAY = date(9999, 12, 31)

#: Upper hull lengths (days) of the span classes behind the bucketed window index.
SPAN_CLASS_LIMITS = (31, 366, 3653)

#: The columns of ``ix_timeline_event_window``: the bucketed hull, then what windows filter on.
WINDOW_INDEX_COLUMNS = (
    "span_class",
    "search_start",
    "search_end",
    "deleted_at",
    "merged_into_id",
    "start_earliest",
    "start_latest",
    "end_earliest",
    "end_latest",
)


#: The event kind column: byte-ordered (``COLLATE "C"``) on PostgreSQL, see ``Event.kind``.
KIND_TYPE = String(128).with_variant(String(128, collation="C"), "postgresql")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TimelineModel(SQLModel, registry=registry(metadata=metadata)):
    """Base of every timeline table; its private registry keeps them out of SQLModel's."""


def span_class(search_start: date, search_end: date) -> int:
    """Bucket of a hull by length: 0 up to a month, 1 a year, 2 a decade, 3 longer or open."""
    length = (search_end - search_start).days
    for bucket, limit in enumerate(SPAN_CLASS_LIMITS):
        if length <= limit:
            return bucket
    return len(SPAN_CLASS_LIMITS)


def _civil(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _utc(value: date | datetime | None) -> datetime | None:
    return value.astimezone(timezone.utc) if isinstance(value, datetime) else None


def _zone(value: date | datetime | None) -> str | None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    name = zone_name(value.tzinfo)
    if name:
        return name
    offset = value.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _aware(at: datetime, zone: str | None) -> datetime:
    from dateutil import tz

    if zone is None:
        return at
    if zone[0] in "+-":
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = zone[1:].split(":")
        return at.astimezone(tz.tzoffset(None, sign * (int(hours) * 3600 + int(minutes) * 60)))
    try:  # the standard library's zone keeps its name on every python-dateutil version
        return at.astimezone(named_zone(zone))
    except ValueError:  # no zone database on this system: python-dateutil's own, if any
        found = tz.gettz(zone)
        return at.astimezone(found) if found is not None else at


class WhenColumns(TimelineModel):
    """The columns that store a :class:`~timeline.When` (on events and on claims).

    The strict bounds are civil dates (``start_earliest``…); where a time is known at an end its
    UTC instant and zone are kept too (``start_at``, ``start_tz``). For a span still going (an
    open end) ``end_earliest`` holds :attr:`When.ongoing_until`, the earliest its end can be, so
    that certain windows and Allen's relations count the days it is known to have lasted;
    ``end_latest`` stays NULL. ``search_start`` and ``search_end`` hold the padded search hull,
    with ``0001-01-01`` / ``9999-12-31`` for an open or unknown end, and ``span_class`` buckets
    the hull by length for the window index.
    """

    span: bool | None = None
    start_state: str | None = Field(default=None, max_length=7)
    end_state: str | None = Field(default=None, max_length=7)
    start_earliest: date | None = None
    start_latest: date | None = None
    end_earliest: date | None = None
    end_latest: date | None = None
    start_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    start_tz: str | None = Field(default=None, max_length=64)
    end_tz: str | None = Field(default=None, max_length=64)
    start_precision: str | None = Field(default=None, max_length=12)
    end_precision: str | None = Field(default=None, max_length=12)
    start_approximate: bool | None = None
    start_uncertain: bool | None = None
    end_approximate: bool | None = None
    end_uncertain: bool | None = None
    edtf: str | None = None
    date_phrase: str | None = None
    date_reference: date | None = None
    search_start: date | None = None
    search_end: date | None = None
    span_class: int | None = None

    @staticmethod
    def when_columns(when: When) -> dict[str, Any]:
        """The column values that store ``when``."""
        low, high = when.hull()
        search_start, search_end = low or MIN_DAY, high or MAX_DAY
        return {
            "span": when.span,
            "start_state": when.start_state.value,
            "end_state": when.end_state.value,
            "start_earliest": _civil(when.start_earliest),
            "start_latest": _civil(when.start_latest),
            "end_earliest": _civil(earliest_end(when)),
            "end_latest": _civil(when.end_latest),
            "start_at": _utc(when.start_earliest),
            "end_at": _utc(when.end_latest),  # an instant's window of times: its last time
            "start_tz": _zone(when.start_earliest),
            "end_tz": _zone(when.end_latest),
            "start_precision": when.start_precision.value,
            "end_precision": when.end_precision.value,
            "start_approximate": when.start_approximate,
            "start_uncertain": when.start_uncertain,
            "end_approximate": when.end_approximate,
            "end_uncertain": when.end_uncertain,
            "edtf": when.edtf,
            "date_phrase": when.phrase,
            "date_reference": when.reference,
            "search_start": search_start,
            "search_end": search_end,
            "span_class": span_class(search_start, search_end),
        }

    @property
    def when(self) -> When | None:
        """The stored :class:`~timeline.When` (``None`` on a claim that asserts no date)."""
        return stored_when(lambda key: getattr(self, key))


def stored_when(column: Callable[[str], Any]) -> When | None:
    """The :class:`~timeline.When` stored in the columns ``column(name)`` reads (by the names
    of :class:`WhenColumns`; ``None`` if ``span`` is NULL: no date)."""
    if column("span") is None:
        return None
    start: Any = column("start_earliest")
    start_latest: Any = column("start_latest")
    end_earliest: Any = column("end_earliest")
    end_latest: Any = column("end_latest")
    start_at, end_at = column("start_at"), column("end_at")
    if start_at is not None:
        start = start_latest = _aware(start_at, column("start_tz"))
    if end_at is not None:
        end_earliest = end_latest = _aware(end_at, column("end_tz"))
    if start_at is not None and end_at is not None and not column("span"):
        start_latest, end_earliest = end_latest, start  # an instant between two times
    if column("end_state") == EndState.OPEN.value and column("span"):
        end_earliest = None  # the day it was still going (When.ongoing_until), not a bound
    return When(
        start_earliest=start,
        start_latest=start_latest,
        end_earliest=end_earliest,
        end_latest=end_latest,
        span=column("span"),
        start_state=EndState(column("start_state")),
        end_state=EndState(column("end_state")),
        start_precision=Precision(column("start_precision")),
        end_precision=Precision(column("end_precision")),
        start_approximate=bool(column("start_approximate")),
        start_uncertain=bool(column("start_uncertain")),
        end_approximate=bool(column("end_approximate")),
        end_uncertain=bool(column("end_uncertain")),
        edtf=column("edtf"),
        phrase=column("date_phrase"),
        reference=column("date_reference"),
    )


def _bound_checks() -> tuple[CheckConstraint, ...]:
    """CHECK constraints that keep the four points and the hull ordered (NULL ends pass)."""
    return (
        CheckConstraint("start_earliest <= start_latest", name="start_ordered"),
        CheckConstraint("end_earliest <= end_latest", name="end_ordered"),
        CheckConstraint("start_earliest <= end_earliest", name="earliest_ordered"),
        CheckConstraint("start_latest <= end_latest", name="latest_ordered"),
        CheckConstraint("search_start <= search_end", name="hull_ordered"),
        CheckConstraint("start_state IN ('known', 'open', 'unknown')", name="start_state"),
        CheckConstraint("end_state IN ('known', 'open', 'unknown')", name="end_state"),
    )


class Entity(TimelineModel, table=True):
    """A person, organization, country, party, media outlet, military unit…"""

    __tablename__ = "timeline_entity"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(min_length=1)
    kind: str = Field(min_length=1, max_length=64, index=True)
    country: str | None = Field(default=None, max_length=8)
    external_ids: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=_utcnow, sa_type=UTCDateTime)


class EntityAlias(TimelineModel, table=True):
    """A name an entity goes by, in any script; ``key`` is the case- and accent-free lookup key."""

    __tablename__ = "timeline_entity_alias"
    __table_args__ = (UniqueConstraint("entity_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="timeline_entity.id", ondelete="CASCADE")
    name: str
    key: str = Field(index=True)


class Place(TimelineModel, table=True):
    """A place, inside an optional parent (Kim Il Sung Square ⊂ Pyongyang ⊂ North Korea)."""

    __tablename__ = "timeline_place"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(min_length=1)
    kind: str = Field(min_length=1, max_length=64)
    country: str | None = Field(default=None, max_length=8)
    parent_id: int | None = Field(default=None, foreign_key="timeline_place.id", index=True)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    external_ids: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))


class PlaceAlias(TimelineModel, table=True):
    """A name a place goes by; ``key`` is its lookup key."""

    __tablename__ = "timeline_place_alias"
    __table_args__ = (UniqueConstraint("place_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="timeline_place.id", ondelete="CASCADE")
    name: str
    key: str = Field(index=True)


class Source(TimelineModel, table=True):
    """A published document (an article, a dispatch) from a publisher (an outlet entity)."""

    __tablename__ = "timeline_source"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(min_length=1)
    url: str | None = Field(default=None, index=True)
    publisher_id: int = Field(foreign_key="timeline_entity.id", index=True)
    published: date
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=_utcnow, sa_type=UTCDateTime)


class DatedColumns(WhenColumns):
    """The ``When`` columns of a row that always has a date (an event, an event's version)."""

    span: bool = False
    start_state: str = Field(default="known", max_length=7)
    end_state: str = Field(default="known", max_length=7)
    start_precision: str = Field(default="day", max_length=12)
    end_precision: str = Field(default="day", max_length=12)
    start_approximate: bool = False
    start_uncertain: bool = False
    end_approximate: bool = False
    end_uncertain: bool = False
    search_start: date = MIN_DAY
    search_end: date = MAX_DAY
    span_class: int = 3


class Event(DatedColumns, table=True):
    """Something that happened, is happening or is expected: a title, a kind and a ``When``."""

    __tablename__ = "timeline_event"
    __table_args__ = (
        *_bound_checks(),
        CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence_range"),
        # Window index: one B-tree range scan per span class, so long and open events never
        # make a month window walk every earlier start (PERF-BASELINES, G1/G5). It also holds
        # the live marks and the strict bounds, so a window's count() never reads the table
        # and certain/within windows read it only for the rows they return.
        # (On PostgreSQL it also carries the id, which SQLite's rowid gives every index, so the
        # top of a time-ordered window is found without reading the table.)
        Index("ix_timeline_event_window", *WINDOW_INDEX_COLUMNS, postgresql_include=["id"]),
        Index("ix_timeline_event_bounds", "search_start", "search_end"),
        # Imports match a draft without external ids by its title first: without this index
        # each chunk read the whole table (1 s a chunk at 1M events). A hash on PostgreSQL,
        # where a B-tree refuses a title longer than about 2,700 bytes.
        Index("ix_timeline_event_title", "title", postgresql_using="hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(min_length=1)
    summary: str | None = None
    # Byte order on PostgreSQL: ``of_kind`` is a range ``['military.', 'military/')`` that a
    # collation ignoring punctuation (en_US, ICU "shifted") would not keep contiguous.
    kind: str = Field(min_length=1, max_length=128, index=True, sa_type=KIND_TYPE)
    status: Status = Field(default=Status.OCCURRED, sa_type=StrEnumType(Status))
    place_id: int | None = Field(default=None, foreign_key="timeline_place.id", index=True)
    confidence: float | None = Field(default=None, ge=0, le=1)
    created_at: datetime = Field(default_factory=_utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=_utcnow, sa_type=UTCDateTime)
    #: Set when the event is deleted: the row stays as a tombstone, hidden from queries.
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The survivor this duplicate was merged into (see ``Timeline.merge``); hidden if set.
    merged_into_id: int | None = None

    def __repr__(self) -> str:
        when = self.when
        return f"Event(id={self.id!r}, title={self.title!r}, when={str(when)!r})"


class EventExternalId(TimelineModel, table=True):
    """An identifier of the event elsewhere (GDELT, ACLED, Wikidata…), unique per scheme."""

    __tablename__ = "timeline_event_external_id"
    __table_args__ = (UniqueConstraint("scheme", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="timeline_event.id", ondelete="CASCADE", index=True)
    scheme: str = Field(min_length=1, max_length=32)
    value: str = Field(min_length=1)


class EventTag(TimelineModel, table=True):
    """A free tag on an event."""

    __tablename__ = "timeline_event_tag"
    __table_args__ = (Index("ix_timeline_event_tag_tag", "tag", "event_id"),)

    event_id: int = Field(foreign_key="timeline_event.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(primary_key=True, min_length=1)


class Participation(TimelineModel, table=True):
    """An entity's part in an event, with a role; carries the event's hull for actor timelines."""

    __tablename__ = "timeline_participation"
    __table_args__ = (
        Index(
            "ix_timeline_participation_actor_window",
            "entity_id",
            "search_start",
            "search_end",
            "event_id",
        ),
    )

    event_id: int = Field(foreign_key="timeline_event.id", ondelete="CASCADE", primary_key=True)
    entity_id: int = Field(foreign_key="timeline_entity.id", ondelete="CASCADE", primary_key=True)
    role: str = Field(primary_key=True, max_length=32)
    search_start: date = MIN_DAY
    search_end: date = MAX_DAY


class Relation(TimelineModel, table=True):
    """A directed link between two events: ``source_event`` *kind* ``target_event``."""

    __tablename__ = "timeline_relation"
    __table_args__ = (
        UniqueConstraint("source_event_id", "target_event_id", "kind"),
        CheckConstraint("source_event_id <> target_event_id", name="not_self"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_event_id: int = Field(foreign_key="timeline_event.id", ondelete="CASCADE")
    target_event_id: int = Field(foreign_key="timeline_event.id", ondelete="CASCADE", index=True)
    kind: RelationKind = Field(sa_type=StrEnumType(RelationKind))


class Claim(WhenColumns, table=True):
    """What one document says about one event: the status and/or ``When`` it asserts."""

    __tablename__ = "timeline_claim"
    __table_args__ = (
        *_bound_checks(),
        CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="timeline_event.id", ondelete="CASCADE", index=True)
    source_id: int | None = Field(default=None, foreign_key="timeline_source.id", index=True)
    status: Status | None = Field(default=None, sa_type=StrEnumType(Status))
    quote: str | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    published: date | None = None
    recorded_at: datetime = Field(default_factory=_utcnow, sa_type=UTCDateTime)


class Statement(TimelineModel, table=True):
    """Who said what, when, as reported by which document, and about which event."""

    __tablename__ = "timeline_statement"

    id: int | None = Field(default=None, primary_key=True)
    speaker_id: int = Field(foreign_key="timeline_entity.id", index=True)
    text: str = Field(min_length=1)
    source_id: int | None = Field(default=None, foreign_key="timeline_source.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="timeline_event.id", index=True)
    said_edtf: str | None = None
    said_earliest: date | None = None
    said_latest: date | None = None
    recorded_at: datetime = Field(default_factory=_utcnow, sa_type=UTCDateTime)


class StatementAbout(TimelineModel, table=True):
    """An entity a statement talks about."""

    __tablename__ = "timeline_statement_about"

    statement_id: int = Field(
        foreign_key="timeline_statement.id", ondelete="CASCADE", primary_key=True
    )
    entity_id: int = Field(
        foreign_key="timeline_entity.id", ondelete="CASCADE", primary_key=True, index=True
    )
