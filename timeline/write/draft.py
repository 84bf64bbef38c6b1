"""Drafts: what every way in (keywords, files, the command line) turns its input into.

A draft names what it links to instead of holding ids: an :class:`EntityRef` or a
:class:`PlaceRef` is resolved by :mod:`timeline.write.names` (the one identity rule), a
:class:`SourceRef` likewise. :func:`draft_from_keywords` reads the keywords of
:meth:`timeline.Timeline.add_event`; the importers build drafts from their rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..errors import InvalidDateError, InvalidEventError
from ..models import Entity, Event, Place, Source
from ..text import check_text
from ..vocab import Status, check_many, check_mapping
from ..when import When


@dataclass
class EntityRef:
    """An entity named by a draft (any alias). ``kind`` narrows the choice; ``new_kind`` is the
    kind of the entity created when none matches (``None``: it must exist). ``id`` names a
    stored entity directly."""

    name: str
    kind: str | None = None
    country: str | None = None
    external_ids: dict[str, str] = field(default_factory=dict)
    new_kind: str | None = None
    id: int | None = None


@dataclass
class PlaceRef:
    """A place named by a draft, inside an optional ``parent``. ``kind`` narrows the choice;
    ``new_kind`` is the kind of the place created when none matches
    (``None``: it must exist). ``id`` names a stored place directly."""

    name: str
    kind: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    parent: PlaceRef | None = None
    external_ids: dict[str, str] = field(default_factory=dict)
    new_kind: str | None = None
    id: int | None = None


@dataclass
class SourceRef:
    """A published document: matched by URL, else by title, publisher and date; created when
    unknown. ``publisher`` is a name or an entity id; ``id`` names a stored document."""

    title: str
    publisher: str | int
    published: date | datetime
    url: str | None = None
    id: int | None = None


@dataclass
class ClaimDraft:
    """What one document (``None``: the writer itself) says about the event."""

    source: SourceRef | None = None
    status: str | None = None
    when: When | None = None
    quote: str | None = None
    confidence: float | None = None


@dataclass
class EventDraft:
    """One event as it came in, with everything around it, ready for the write pipeline.

    ``line`` says where it came from (a file's line, a row's index). ``part_of`` names the
    parent by id or by external id (``{"scheme": "value"}``).
    """

    line: int
    title: str
    when: When | date | datetime | str
    kind: str
    status: str = "occurred"
    summary: str | None = None
    confidence: float | None = None
    place: PlaceRef | None = None
    actors: list[tuple[EntityRef, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    external_ids: dict[str, str] = field(default_factory=dict)
    claims: list[ClaimDraft] = field(default_factory=list)
    reference: date | datetime | None = None
    updated_at: datetime | None = None
    part_of: int | dict[str, str] | None = None


@dataclass
class ClaimRecord:
    """A claim about an event already stored, found by external id (GDELT mentions)."""

    line: int
    scheme: str
    value: str
    claim: ClaimDraft


#: The keywords of :meth:`timeline.Timeline.add_event` (and the keys of ``add_events`` rows), and
#: ``notes`` (a reviewer's notes on a draft of :func:`timeline.drafts.draft_events`), which rows
#: may carry and the write ignores.
KEYWORDS = frozenset(
    {
        "title",
        "when",
        "kind",
        "status",
        "place",
        "actors",
        "part_of",
        "source",
        "quote",
        "summary",
        "tags",
        "confidence",
        "reference",
        "external_ids",
        "notes",
    }
)


def draft_from_keywords(
    data: Mapping[str, Any],
    line: int,
    *,
    new_actor_kind: str | None = None,
    new_place_kind: str | None = None,
) -> EventDraft:
    """The draft of one :meth:`~timeline.Timeline.add_event` call (or ``add_events`` row).

    Names are not looked up here (see :mod:`timeline.write.names`); ``new_actor_kind`` and
    ``new_place_kind`` create unknown actors and places instead of refusing them.

    :raises InvalidEventError: for an unknown key or a value of the wrong shape.
    """
    if not isinstance(data, Mapping):
        raise InvalidEventError(f"expected a dict, not {type(data).__name__}")
    if not KEYWORDS.issuperset(data):
        unknown = sorted(set(data) - KEYWORDS)
        raise InvalidEventError(
            f"unknown field {unknown[0]!r}; use some of {', '.join(sorted(KEYWORDS))}",
            field=unknown[0],
        )
    if "when" not in data:
        raise InvalidEventError("'when' is required", field="when")
    actors: list[tuple[EntityRef, str]] = []
    for name, roles in check_mapping(data.get("actors") or {}, field="actors").items():
        ref = entity_ref(name, new_actor_kind)
        actors.extend((ref, role) for role in check_many(roles, field="role"))
    source = data.get("source")
    quote = _optional_text(data.get("quote"), "quote")
    claims = []
    if source is not None or quote is not None:
        claims.append(ClaimDraft(_source_ref(source) if source is not None else None, quote=quote))
    return EventDraft(
        line=line,
        title=_required_text(data.get("title"), "title"),
        when=data["when"],
        kind=data.get("kind"),  # type: ignore[arg-type]  # checked by the pipeline
        status=Status.coerce(data.get("status", Status.OCCURRED), field="status").value,
        summary=_optional_text(data.get("summary"), "summary"),
        confidence=_confidence(data.get("confidence")),
        place=(place_ref(data["place"], new_place_kind) if data.get("place") is not None else None),
        actors=actors,
        tags=[_required_text(t, "tag") for t in check_many(data.get("tags") or (), field="tags")],
        external_ids={
            str(scheme): _required_text(value, "external id")
            for scheme, value in check_mapping(
                data.get("external_ids") or {}, field="external_ids"
            ).items()
        },
        claims=claims,
        reference=data.get("reference"),
        part_of=_parent(data.get("part_of")),
    )


def _required_text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEventError(
            f"{name} must be non-empty text, not {value!r:.100}", field=name, value=value
        )
    return check_text(value.strip(), name)


def _optional_text(value: Any, name: str) -> str | None:
    return None if value is None else _required_text(value, name)


def _confidence(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise InvalidEventError(
            f"confidence must be a number between 0 and 1, not {value!r}",
            field="confidence",
            value=value,
        )
    return float(value)


def entity_ref(name: Any, new_kind: str | None = None) -> EntityRef:
    """A reference to an entity by row, id or name (created with ``new_kind`` if unknown)."""
    if isinstance(name, Entity):
        return EntityRef(name.name, id=name.id)
    if isinstance(name, int) and not isinstance(name, bool):
        return EntityRef(str(name), id=name)
    return EntityRef(_required_text(name, "entity name"), new_kind=new_kind)


def place_ref(place: Any, new_kind: str | None = None) -> PlaceRef:
    """A reference to a place by row, id or name (created with ``new_kind`` if unknown)."""
    if isinstance(place, Place):
        return PlaceRef(place.name, id=place.id)
    if isinstance(place, int) and not isinstance(place, bool):
        return PlaceRef(str(place), id=place)
    if isinstance(place, str):
        return PlaceRef(_required_text(place, "place name"), new_kind=new_kind)
    raise InvalidEventError(
        f"place must be a name, an id or a Place, not {place!r:.100}", field="place"
    )


def _source_ref(source: Any) -> SourceRef:
    if isinstance(source, Source) and source.id is not None:
        return SourceRef(source.title, "", source.published, source.url, id=source.id)
    if isinstance(source, int) and not isinstance(source, bool):
        return SourceRef("", "", date.min, id=source)
    if isinstance(source, SourceRef):
        return source
    if isinstance(source, Mapping) and set(source) <= {"title", "publisher", "published", "url"}:
        url = _optional_text(source.get("url"), "source url")
        title = _optional_text(source.get("title"), "source title") or url
        if title is None:
            raise InvalidEventError("a source needs a title or a url", field="source")
        if source.get("published") is None:
            raise InvalidEventError("a source needs its publication date", field="published")
        published = When.parse(source["published"])
        day = published.start_earliest
        if published.span or day is None or day != published.start_latest:
            raise InvalidDateError(
                source.get("published"), "a publication date must be a single day or time"
            )
        publisher = _optional_text(source.get("publisher"), "publisher") or "unknown"
        return SourceRef(title, publisher, day, url)
    raise InvalidEventError(
        "source must be a Source, its id, or a dict of title, publisher, published and url, "
        f"not {source!r:.100}",
        field="source",
    )


def _parent(value: Any) -> int | dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, Event) and value.id is not None:
        return value.id
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        ((scheme, identifier),) = value.items()
        return {str(scheme): str(identifier)}
    if isinstance(value, str) and ":" in value:
        scheme, identifier = value.split(":", 1)
        return {scheme: identifier}
    raise InvalidEventError(
        f"part_of must be an event, an id, {{'scheme': 'value'}} or 'scheme:value', not {value!r}",
        field="part_of",
        value=value,
    )
