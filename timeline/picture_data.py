"""What the pictures draw: events read once, in bulk, as plain values with numeric bounds.

Both :mod:`timeline.plot` (matplotlib) and :mod:`timeline.html` (the offline page) start here.
Bounds are *day numbers*: proleptic Gregorian ordinals (``date.toordinal()``) as floats, with
the time of day as a fraction where a time is known. A civil date ``d`` covers
``[ordinal(d), ordinal(d) + 1)``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from .errors import InvalidEventError
from .models import Claim, Entity, Event, Participation, Place, Source

LaneMode = Literal["kind", "entity"] | None

#: Statuses drawn hollow: looked forward to, not (yet) a fact.
HOLLOW_STATUSES = frozenset({"expected", "planned", "scheduled", "rumored", "postponed"})
#: Statuses drawn struck through: it will not happen, or it did not.
STRUCK_STATUSES = frozenset({"cancelled", "denied"})
#: At most this many lanes are drawn; the rest share one lane, "other".
MAX_LANES = 12
NO_ENTITY = "(no entity)"
OTHER_LANE = "(other)"


def day_number(value: date | datetime | None) -> float | None:
    """The day number of ``value``: its ordinal, plus the UTC time of day as a fraction."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value.astimezone(timezone.utc) if value.tzinfo else value
        seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
        return moment.toordinal() + seconds / 86400 + moment.microsecond / 86400e6
    return float(value.toordinal())


def _end_of(value: date | datetime | None) -> float | None:
    """The last instant of ``value``: the end of its day for a date, itself for a time."""
    number = day_number(value)
    if number is None or isinstance(value, datetime):
        return number
    return number + 1


@dataclass(frozen=True)
class ClaimInfo:
    """One source's word on an event, for the details panel."""

    source: str | None
    publisher: str | None
    published: str | None
    url: str | None
    status: str | None
    quote: str | None


@dataclass
class Mark:
    """One event as the pictures draw it.

    The start lies in ``[start_lo, start_hi]`` (the first instants of the earliest and latest
    start days) and the end in ``[end_lo, end_hi]`` (the last instants of the earliest and
    latest end days), in day numbers; ``None`` where an end is open or unknown
    (``start_state``/``end_state`` say which). An instant lies in ``[start_lo, end_hi]``.
    """

    id: int
    title: str
    kind: str
    status: str
    span: bool
    start_lo: float | None
    start_hi: float | None
    end_lo: float | None
    end_hi: float | None
    start_state: str
    end_state: str
    event: Event
    place: str | None = None
    actors: list[tuple[str, str]] = field(default_factory=list)
    claims: list[ClaimInfo] = field(default_factory=list)

    @property
    def group(self) -> str:
        """The top level of the kind (``military`` for ``military.parade``): the colour key."""
        return self.kind.split(".", 1)[0]

    def _bounds(self) -> tuple[float | None, ...]:
        return (self.start_lo, self.start_hi, self.end_lo, self.end_hi)

    @property
    def low(self) -> float | None:
        """The earliest known bound of any end (for extents)."""
        known = [v for v in self._bounds() if v is not None]
        return min(known) if known else None

    @property
    def high(self) -> float | None:
        """The latest known bound of any end."""
        known = [v for v in self._bounds() if v is not None]
        return max(known) if known else None

    @property
    def vague(self) -> bool:
        """An instant whose moment is not known: a window of more than its one day, or of some
        hours of a day ("tonight"); drawn as its window, never as a dot in the middle."""
        if self.span:
            return False
        if self.start_lo is None or self.end_hi is None:
            return True
        width = self.end_hi - self.start_lo  # a day is 1, a known moment 0
        return abs(width - 1) > 1e-6 and width > 1e-6

    @property
    def hollow(self) -> bool:
        """Drawn hollow (expected, planned, scheduled, rumored, postponed)."""
        return self.status in HOLLOW_STATUSES

    @property
    def struck(self) -> bool:
        """Drawn struck through (cancelled, denied)."""
        return self.status in STRUCK_STATUSES

    def when_text(self) -> str:
        """The human display of the event's date ("spring 2026", "19-26 Feb 2026")."""
        when = self.event.when
        return when.display() if when is not None else ""


def _mark(event: Event) -> Mark:
    """The mark of ``event``, read from its columns (no :class:`When` is built: it is slower)."""
    assert event.id is not None
    start_at, end_at = event.start_at, event.end_at  # the UTC instant where a time is known
    return Mark(
        id=event.id,
        title=event.title,
        kind=event.kind,
        status=str(event.status),
        span=bool(event.span),
        start_lo=day_number(start_at if start_at is not None else event.start_earliest),
        start_hi=day_number(start_at if start_at is not None else event.start_latest),
        end_lo=_end_of(end_at if end_at is not None else event.end_earliest),
        end_hi=_end_of(end_at if end_at is not None else event.end_latest),
        start_state=str(event.start_state),
        end_state=str(event.end_state),
        event=event,
    )


#: Ids per ``IN (...)`` when reading places, actors and claims (under every backend's limit).
CHUNK = 5000


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def load_marks(
    statement: Select[Any],
    session_factory: Callable[[], Session],
    *,
    details: bool = False,
) -> list[Mark]:
    """Run ``statement`` (a ``select(Event)``) and return its events as :class:`Mark` values.

    Places and actors are then read by id, :data:`CHUNK` ids a query; with ``details`` the
    claims and their sources too (for the HTML details panel). Order is the statement's. Works
    for any statement of ``Event`` objects, ``as_of`` queries included.
    """
    with session_factory() as session:
        marks = [_mark(event) for event in session.scalars(statement)]
        if not marks:
            return marks
        by_id = {m.id: m for m in marks}
        ids = list(by_id)
        place_ids = sorted({m.event.place_id for m in marks if m.event.place_id is not None})
        places: dict[int, str] = {}
        for chunk in _chunks(place_ids):
            query = select(col(Place.id), col(Place.name)).where(col(Place.id).in_(chunk))
            places.update({int(i): str(name) for i, name in session.execute(query)})
        for mark in marks:
            place_id = mark.event.place_id
            mark.place = places.get(place_id) if place_id is not None else None
        for chunk in _chunks(ids):
            actors = session.execute(
                select(col(Participation.event_id), col(Entity.name), col(Participation.role))
                .join(Entity, col(Entity.id) == col(Participation.entity_id))
                .where(col(Participation.event_id).in_(chunk))
                .order_by(col(Participation.event_id), col(Entity.name), col(Participation.role))
            )
            for event_id, name, role in actors:
                by_id[event_id].actors.append((name, role))
        if details:
            for chunk in _chunks(ids):
                _load_claims(session, chunk, by_id)
    return marks


def _load_claims(session: Session, ids: list[int], by_id: dict[int, Mark]) -> None:
    rows = session.execute(
        select(Claim, Source, col(Entity.name))
        .outerjoin(Source, col(Source.id) == col(Claim.source_id))
        .outerjoin(Entity, col(Entity.id) == col(Source.publisher_id))
        .where(col(Claim.event_id).in_(ids))
        .order_by(col(Claim.event_id), col(Claim.published).nulls_first(), col(Claim.id))
    ).all()
    for claim, source, publisher in rows:
        by_id[claim.event_id].claims.append(
            ClaimInfo(
                source=source.title if source is not None else None,
                publisher=publisher,
                published=claim.published.isoformat() if claim.published else None,
                url=source.url if source is not None else None,
                status=str(claim.status) if claim.status is not None else None,
                quote=claim.quote,
            )
        )


def check_lanes(lanes: object) -> LaneMode:
    """Return ``lanes`` if it is ``"kind"``, ``"entity"`` or ``None``, or raise clearly."""
    if lanes in ("kind", "entity", None):
        return lanes
    raise InvalidEventError(
        f"lanes must be 'kind', 'entity' or None, not {lanes!r}", field="lanes", value=lanes
    )


def lane_keys(mark: Mark, lanes: LaneMode) -> list[str]:
    """The lanes ``mark`` appears in: its top-level kind, each of its entities, or one lane."""
    if lanes == "kind":
        return [mark.group]
    if lanes == "entity":
        names = sorted({name for name, _ in mark.actors})
        return names or [NO_ENTITY]
    return ["events"]


def assign_lanes(
    marks: Sequence[Mark], lanes: LaneMode, *, max_lanes: int = MAX_LANES
) -> dict[str, list[Mark]]:
    """Marks grouped by lane, lanes in a stable order: by size (largest first), then name.

    Beyond ``max_lanes`` the smallest lanes are merged into one lane, ``"(other)"``, where a
    mark appears once. For entity lanes, ``"(no entity)"`` comes last.
    """
    grouped: dict[str, list[Mark]] = defaultdict(list)
    for mark in marks:
        for key in lane_keys(mark, lanes):
            grouped[key].append(mark)
    sizes = Counter({key: len(v) for key, v in grouped.items()})
    order = sorted(grouped, key=lambda k: (k == NO_ENTITY, -sizes[k], k))
    if len(order) <= max_lanes:
        return {key: grouped[key] for key in order}
    kept = order[: max_lanes - 1]
    result = {key: grouped[key] for key in kept}
    seen: set[int] = set()
    other: list[Mark] = []
    for key in order[max_lanes - 1 :]:
        for mark in grouped[key]:
            if mark.id not in seen:
                seen.add(mark.id)
                other.append(mark)
    result[OTHER_LANE] = other
    return result


def extent(marks: Iterable[Mark]) -> tuple[float, float]:
    """The day-number range covering every known bound, padded by 4% (at least a day)."""
    lows = [m.low for m in marks if m.low is not None]
    highs = [m.high for m in marks if m.high is not None]
    if not lows:
        today = float(date.today().toordinal())
        return today - 15, today + 15
    first, last = min(lows), max(highs)
    pad = max((last - first) * 0.04, 1.0)
    return first - pad, last + pad


def pack_rows(spans: Sequence[tuple[float, float]], gap: float = 0.0) -> list[int]:
    """Greedy row packing: the row of each ``(start, end)`` so that no two in a row overlap.

    ``spans`` must be sorted by start. Each span goes in the lowest row that is free at its
    start (``gap`` apart), which is optimal in rows for interval graphs and deterministic.
    """
    row_ends: list[float] = []
    rows: list[int] = []
    for start, end in spans:
        for row, row_end in enumerate(row_ends):
            if row_end + gap <= start:
                row_ends[row] = end
                rows.append(row)
                break
        else:
            row_ends.append(end)
            rows.append(len(row_ends) - 1)
    return rows
