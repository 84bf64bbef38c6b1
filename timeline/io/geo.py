"""GeoJSON (RFC 7946): one Point feature per event whose place (or a parent) has coordinates.

Properties carry the event and its ``When`` bounds (``start_earliest`` … ``end_latest``, with
their time where they have one, EDTF and display text), so a map can filter or colour by time.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from .base import write_json_array
from .views import EventView, bounds, event_views

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def feature(view: EventView) -> dict[str, Any] | None:
    """The GeoJSON feature of one event, ``None`` when it has no coordinates."""
    coordinates = view.coordinates
    if coordinates is None:
        return None
    event, when = view.event, view.event.when
    assert when is not None  # every event has a date
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": {"type": "Point", "coordinates": [coordinates[0], coordinates[1]]},
        "properties": {
            "title": event.title,
            "kind": event.kind,
            "status": str(event.status),
            "place": view.place.name if view.place else None,
            "edtf": event.edtf,
            "display": when.display(),
            "span": event.span,
            **{name: _iso(bound) for name, bound in bounds(event, when).items()},
            "actors": [entity.name for entity, _ in view.actors],
            "sources": [s.url for s in view.sources if s.url],
        },
    }


def write_geojson(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
    """Write a FeatureCollection; returns the features written."""
    features = (feature(view) for view in event_views(tl, query))
    return write_json_array(out, '{"type": "FeatureCollection", "features": [', features)
