"""schema.org ``Event`` JSON-LD: for search engines, knowledge graphs and linked-data tools.

``eventStatus`` comes from :data:`timeline.vocab.SCHEMA_ORG_STATUS` (left out where schema.org
has no word, e.g. rumored); ``part_of`` relations become ``superEvent`` / ``subEvent``; dates are
ISO 8601 at the precision known (``2026``, ``2026-03``, ``2026-03-05``, a time with its
offset).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any

from ..vocab import SCHEMA_ORG_STATUS, Status
from ..when import Precision
from .base import write_json_array
from .views import EventView, event_views

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline

_ORGANIZATION_KINDS = ("organization", "party", "media", "country", "group", "military")


def _iso(value: date | None, precision: Precision) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if precision in (Precision.YEAR, Precision.DECADE, Precision.CENTURY, Precision.MILLENNIUM):
        return f"{value.year:04d}"
    if precision is Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def node(view: EventView) -> dict[str, Any]:
    """The JSON-LD node of one event."""
    event, when = view.event, view.event.when
    assert when is not None  # every event has a date
    out: dict[str, Any] = {"@type": "Event", "@id": f"#event-{event.id}", "name": event.title}
    if event.summary:
        out["description"] = event.summary
    start = _iso(when.start_earliest, when.start_precision)
    if start:
        out["startDate"] = start
    # A span ends at its latest end; an instant known only to a window (the 1990s, spring,
    # this evening) lies somewhere up to the window's last unit: "1990" to "1999", not 1990.
    last, precision = (
        (when.end_latest, when.end_precision)
        if when.span
        else (when.start_latest, when.start_precision)
    )
    end = _iso(last, precision)
    if end and end != start:
        out["endDate"] = end
    status = SCHEMA_ORG_STATUS.get(Status(event.status))
    if status:
        out["eventStatus"] = status
    if view.place is not None:
        place: dict[str, Any] = {"@type": "Place", "name": view.place.name}
        if view.coordinates is not None:
            lon, lat = view.coordinates
            place["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
        if view.place.country:
            place["address"] = {"@type": "PostalAddress", "addressCountry": view.place.country}
        out["location"] = place
    if view.actors:
        out["actor"] = [
            {
                "@type": "Organization" if entity.kind in _ORGANIZATION_KINDS else "Person",
                "name": entity.name,
                "roleName": role,
            }
            for entity, role in view.actors
        ]
    if view.parents:
        out["superEvent"] = [{"@id": f"#event-{i}"} for i in view.parents]
    if view.children:
        out["subEvent"] = [{"@id": f"#event-{i}"} for i in view.children]
    links = [s.url for s in view.sources if s.url]
    if links:
        out["url"] = links[0]
        out["subjectOf"] = [{"@type": "CreativeWork", "url": u} for u in links]
    if view.external_ids:
        out["identifier"] = [
            {"@type": "PropertyValue", "propertyID": k, "value": v}
            for k, v in view.external_ids.items()
        ]
    if view.tags:
        out["keywords"] = ", ".join(view.tags)
    return out


def write_jsonld(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
    """Write ``{"@context": "https://schema.org", "@graph": [...]}``; returns the events."""
    nodes = (node(view) for view in event_views(tl, query))
    return write_json_array(out, '{"@context": "https://schema.org", "@graph": [', nodes)
