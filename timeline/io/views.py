"""What exporters read: events in batches, each with its place, actors, tags, ids and sources.

Exporters iterate :func:`event_views` over an :class:`~timeline.EventQuery`; events are loaded
:data:`BATCH` at a time with their surroundings in a few queries per batch, so an export of a
large database streams in bounded memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session, col

from ..models import (
    Claim,
    Entity,
    Event,
    EventExternalId,
    EventTag,
    Participation,
    Place,
    Relation,
    Source,
)
from ..vocab import RelationKind
from ..when.value import BOUNDS

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline
    from ..when import When

#: Events loaded per round of queries.
BATCH = 500


def bounds(event: Event, when: When) -> dict[str, date | None]:
    """The four bounds of ``event`` (whose date is ``when``), ``start_earliest`` to
    ``end_latest``: a time where a bound has one ("this evening": 18:00 and 23:59:59), else the
    day as stored (for an open end, the day it was still going)."""
    return {
        name: value if isinstance(value := getattr(when, name), datetime) else getattr(event, name)
        for name in BOUNDS
    }


@dataclass
class EventView:
    """One event and what surrounds it, as exporters need it."""

    event: Event
    place: Place | None = None
    places: list[Place] = field(default_factory=list)  # the place, then its parents outwards
    actors: list[tuple[Entity, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    external_ids: dict[str, str] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)  # events this one is part of
    children: list[int] = field(default_factory=list)  # events part of this one

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """``(lon, lat)`` of the nearest place (the event's, then its parents') that has them."""
        for place in self.places:
            if place.lat is not None and place.lon is not None:
                return (place.lon, place.lat)
        return None


def event_views(
    tl: Timeline, query: EventQuery | None = None, *, ids: list[int] | None = None
) -> Iterator[EventView]:
    """The events of ``query`` (default: all, in time order), or with ``ids``, with their
    surroundings."""
    if ids is None:
        ids = (query if query is not None else tl.events().order_by_time()).ids()
    places: dict[int, Place] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with tl.session() as session:
            events = {
                e.id: e for e in session.scalars(select(Event).where(col(Event.id).in_(chunk)))
            }
            views = {i: EventView(events[i]) for i in chunk if i in events}
            for entity, event_id, role in session.execute(
                select(Entity, col(Participation.event_id), col(Participation.role))
                .join(Participation, col(Participation.entity_id) == col(Entity.id))
                .where(col(Participation.event_id).in_(chunk))
                .order_by(col(Participation.role), col(Entity.name))
            ):
                views[event_id].actors.append((entity, role))
            for event_id, tag in session.execute(
                select(col(EventTag.event_id), col(EventTag.tag))
                .where(col(EventTag.event_id).in_(chunk))
                .order_by(col(EventTag.tag))
            ):
                views[event_id].tags.append(tag)
            for event_id, scheme, value in session.execute(
                select(
                    col(EventExternalId.event_id),
                    col(EventExternalId.scheme),
                    col(EventExternalId.value),
                )
                .where(col(EventExternalId.event_id).in_(chunk))
                .order_by(col(EventExternalId.scheme))
            ):
                views[event_id].external_ids[scheme] = value
            seen: dict[int, set[int]] = defaultdict(set)
            for event_id, source in session.execute(
                select(col(Claim.event_id), Source)
                .join(Source, col(Source.id) == col(Claim.source_id))
                .where(col(Claim.event_id).in_(chunk))
                .order_by(col(Source.published), col(Source.id))
            ):
                if source.id not in seen[event_id]:
                    seen[event_id].add(source.id)
                    views[event_id].sources.append(source)
            for child, parent in session.execute(
                select(col(Relation.source_event_id), col(Relation.target_event_id)).where(
                    col(Relation.kind) == RelationKind.PART_OF.value,
                    col(Relation.source_event_id).in_(chunk)
                    | col(Relation.target_event_id).in_(chunk),
                )
            ):
                if child in views:
                    views[child].parents.append(parent)
                if parent in views:
                    views[parent].children.append(child)
            for view in views.values():
                view.places = _place_chain(session, view.event.place_id, places)
                view.place = view.places[0] if view.places else None
        for event_id in chunk:
            if event_id in views:
                yield views[event_id]


def _place_chain(session: Session, place_id: int | None, cache: dict[int, Place]) -> list[Place]:
    chain: list[Place] = []
    while place_id is not None and len(chain) < 32:
        place = cache.get(place_id)
        if place is None:
            place = session.get(Place, place_id)
            if place is None:
                break
            cache[place_id] = place
        chain.append(place)
        place_id = place.parent_id
    return chain
