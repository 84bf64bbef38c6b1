"""Knowledge time: an event's state derived from its claims, on two clocks.

**The current-state rule.** For each field a claim may assert (``status``, and the ``When``
columns taken together), the claim that wins is the one published last; claims published on
the same day are ranked by confidence (a missing confidence ranks below any given one), then by
recording order (the later recorded wins). A claim that asserts no status (or no ``When``)
leaves that field to earlier claims. A manual edit is a claim without a source, published on
the day it is recorded. An event added without a source gets a *baseline* claim with no
published day: it counts as published since ever, and every sourced claim overrides it.

**Versions.** Folding the claims in published order gives the event's state on every published
day: a list of :class:`EventVersion` rows, each valid over ``[known_from, known_until)``
(published days) and, on the second clock, over ``[recorded_from, recorded_until)`` (system
time; ``recorded_until`` is ``NULL`` while the row is current). A change never rewrites a
version: the rows it invalidates are closed (``recorded_until`` set) and new ones inserted, so
"what did this database say at *r*" stays answerable. The last current version (the state with
every claim) is copied into the event row, and its hull into the participation rows, so that
ordinary queries stay index-backed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, Index, and_, update
from sqlmodel import Field, Session, col, select

from .models import MAX_DAY, MIN_DAY, Claim, DatedColumns, Event, Participation, WhenColumns
from .types import StrEnumType, UTCDateTime
from .vocab import Status
from .when import When

#: The names of the columns that store a ``When`` (shared by events, claims and versions).
WHEN_FIELDS: tuple[str, ...] = tuple(WhenColumns.model_fields)

#: The fields a claim decides: the status, and the ``When`` columns as one field.
STATE_FIELDS: tuple[str, ...] = ("status", *WHEN_FIELDS)

#: The ``When`` of an event no claim has dated yet: unknown at both ends.
_UNDATED = WhenColumns.when_columns(When.parse("XXXX"))


def utcnow() -> datetime:
    """The system (recorded) time, aware, in UTC."""
    return datetime.now(timezone.utc)


class EventVersion(DatedColumns, table=True):
    """The state of an event as known on published days ``[known_from, known_until)``, as this
    database recorded it during ``[recorded_from, recorded_until)`` (``None``: still current).
    """

    __tablename__ = "timeline_event_version"
    __table_args__ = (
        # The same window indexes as on events, so ``as_of`` windows are range scans too.
        Index("ix_timeline_event_version_window", "span_class", "search_start", "search_end"),
        Index("ix_timeline_event_version_bounds", "search_start", "search_end"),
        Index("ix_timeline_event_version_event", "event_id", "known_from"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="timeline_event.id", ondelete="CASCADE")
    status: Status = Field(sa_type=StrEnumType(Status))
    known_from: date
    known_until: date = MAX_DAY
    recorded_from: datetime = Field(sa_type=UTCDateTime)
    recorded_until: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def state(self) -> dict[str, Any]:
        """The status and ``When`` columns of this version."""
        return {name: getattr(self, name) for name in STATE_FIELDS}


def claim_rank(claim: Claim) -> tuple[date, float, int]:
    """The order in which claims are applied; the last to assert a field decides it."""
    confidence = -1.0 if claim.confidence is None else float(claim.confidence)
    return (claim.published or MIN_DAY, confidence, claim.id or 0)


def fold(claims: Iterable[Claim]) -> list[tuple[date, dict[str, Any]]]:
    """The event's state after each published day that changed it, oldest first.

    Each item is ``(day, state)``: ``state`` holds ``status`` and the ``When`` columns. The
    first item is the first day any claim was published: before it the event is unknown.
    """
    ordered = sorted(claims, key=claim_rank)
    timeline: list[tuple[date, dict[str, Any]]] = []
    status: Status | None = None
    when: dict[str, Any] | None = None
    for index, claim in enumerate(ordered):
        if claim.status is not None:
            status = Status(claim.status)
        if claim.span is not None:
            when = {name: getattr(claim, name) for name in WHEN_FIELDS}
        day = claim.published or MIN_DAY
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is not None and (following.published or MIN_DAY) == day:
            continue  # the day's last claim decides the day
        state = {"status": status or Status.UNKNOWN, **(when or _UNDATED)}
        if timeline and timeline[-1][1] == state:
            continue
        timeline.append((day, state))
    return timeline


def _key(known_from: date, known_until: date, state: dict[str, Any]) -> tuple[Any, ...]:
    return (known_from, known_until, *(str(state[name]) for name in STATE_FIELDS))


def sync(session: Session, event: Event, now: datetime) -> list[tuple[str, Any, Any]]:
    """Re-derive ``event``'s versions and current state from its claims, recorded at ``now``.

    A deleted or merged event gets no current version. Returns the changed event fields as
    ``(field, old, new)`` with ``field`` one of ``"status"`` or ``"when"``.
    """
    assert event.id is not None
    live = event.deleted_at is None and event.merged_into_id is None
    claims = session.exec(select(Claim).where(col(Claim.event_id) == event.id)).all()
    states = fold(claims) if live else []
    wanted: dict[tuple[Any, ...], tuple[date, date, dict[str, Any]]] = {}
    for index, (day, state) in enumerate(states):
        until = states[index + 1][0] if index + 1 < len(states) else MAX_DAY
        wanted[_key(day, until, state)] = (day, until, state)
    current = session.exec(
        select(EventVersion).where(
            col(EventVersion.event_id) == event.id, col(EventVersion.recorded_until).is_(None)
        )
    ).all()
    for version in current:
        key = _key(version.known_from, version.known_until, version.state())
        if wanted.pop(key, None) is None:
            version.recorded_until = now
            session.add(version)
    for day, until, state in wanted.values():
        session.add(
            EventVersion(
                event_id=event.id,
                known_from=day,
                known_until=until,
                recorded_from=now,
                **state,
            )
        )
    return copy_state(session, event, states[-1][1], now) if states else []


def copy_state(
    session: Session, event: Event, state: dict[str, Any], now: datetime
) -> list[tuple[str, Any, Any]]:
    """Write ``state`` into the event row and its hull into the participation rows."""
    changes: list[tuple[str, Any, Any]] = []
    if event.status != state["status"]:
        changes.append(("status", str(event.status), str(state["status"])))
    old_when = {name: getattr(event, name) for name in WHEN_FIELDS}
    new_when = {name: state[name] for name in WHEN_FIELDS}
    if old_when != new_when:
        changes.append(("when", when_text(old_when), when_text(new_when)))
    if not changes:
        return changes
    for name, value in state.items():
        setattr(event, name, value)
    event.updated_at = now
    session.add(event)
    if old_when["search_start"] != state["search_start"] or (
        old_when["search_end"] != state["search_end"]
    ):
        session.execute(
            update(Participation)
            .where(col(Participation.event_id) == event.id)
            .values(search_start=state["search_start"], search_end=state["search_end"])
        )
    return changes


def when_text(columns: dict[str, Any]) -> str | None:
    """The EDTF (or display) text of stored ``When`` columns, for the audit log."""
    if columns.get("span") is None:
        return None
    holder = WhenColumns(**columns)
    value = holder.when
    return None if value is None else (value.edtf or str(value))


def versions(session: Session, event_id: int, *, current: bool = True) -> Sequence[EventVersion]:
    """The versions of an event in published order (only the current ones by default)."""
    query = select(EventVersion).where(col(EventVersion.event_id) == event_id)
    if current:
        query = query.where(col(EventVersion.recorded_until).is_(None))
    return session.exec(
        query.order_by(col(EventVersion.known_from), col(EventVersion.recorded_from))
    ).all()


def live() -> ColumnElement[bool]:
    """SQL: the event is neither deleted (a tombstone) nor merged into another event."""
    return and_(col(Event.deleted_at).is_(None), col(Event.merged_into_id).is_(None))
