"""Names: the one identity rule for entities, places and documents (see docs/identity.md).

Every way in resolves names here: ``add_entity``, ``add_place``, ``add_source``, the actors and
places of ``add_event`` and ``add_events``, every importer and the command line.

- An **entity** is found by any of its names, ignoring case and accents. A name may be an alias
  of several entities ("Kim", "Trump"). The name is first read as an entity's own name, then as
  an alias; ``kind`` narrows the choice. A name that still names several entities raises
  :class:`~timeline.AmbiguousNameError`, listing them; one that names none raises
  :class:`~timeline.NotFoundError`, or creates the entity when the reference says its kind.
- A **place** is found the same way, inside ``parent`` when one is given, and anywhere when
  none is: a stored Pyongyang in North Korea is found by "Pyongyang" alone when it is the only
  one; ``kind`` narrows the choice here too. Importers name actors and places by name alone:
  the kind they give is the kind of what they create.
- A **document** is the stored one with the same URL, else with the same title, publisher and
  publication day. Its publisher is an entity found by name (any kind; a media outlet when the
  name is ambiguous), created as kind ``media`` when unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any, cast

from pydantic import BaseModel, ValidationError, create_model
from sqlalchemy import Connection, bindparam, insert, select
from sqlmodel import Session, col

from ..errors import AmbiguousNameError, InvalidEventError, NotFoundError, TimelineError
from ..models import Entity, EntityAlias, Place, PlaceAlias, Source, TimelineModel
from ..text import MAX_TEXT_LENGTH, check_name, check_text
from ..text import name_key as _name_key
from ..vocab import check_kind
from .draft import EntityRef, PlaceRef, SourceRef
from .rows import ENTITY_COLUMNS, PLACE_COLUMNS, SOURCE_COLUMNS, BulkWriter

#: Values per ``IN (...)`` lookup.
IN_SIZE = 500
#: Names cached per table before the cache is cleared (bounded memory on large imports).
CACHE_LIMIT = 50_000

#: The lookup key of a name (names repeat on every row of an import: cached).
name_key = lru_cache(maxsize=1 << 16)(_name_key)

#: ``parent`` of a place looked up anywhere.
ANYWHERE = -1


@dataclass(frozen=True)
class Known:
    """A stored entity or place that a lookup key names."""

    id: int
    name: str
    kind: str
    parent_id: int | None = None

    @property
    def own_key(self) -> str:
        return name_key(self.name)


def choose(what: str, name: str, found: list[Known], kind: str | None) -> Known | None:
    """The one of ``found`` (the rows that have ``name`` among their names) that ``name``
    means: read first as a row's own name, then as an alias; ``kind`` narrows the choice.

    :raises AmbiguousNameError: if several remain.
    """
    if kind is not None:
        found = [row for row in found if row.kind == kind]
    key = name_key(name)
    for group in ([row for row in found if row.own_key == key], found):
        if len(group) == 1:
            return group[0]
        if group:
            raise AmbiguousNameError(what, name, [(r.name, r.kind, r.id) for r in group])
    return None


def checked(
    model: type[TimelineModel], values: dict[str, Any], trusted: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``values`` checked as a ``model`` row, with the row's defaults: every column's value.

    The checks are the model's own, run on a plain copy of it (:func:`_plain_twin`): a table
    model checks slowly, each value passing through the ORM's instrumentation. ``trusted``
    columns (checked already, e.g. stored ``When`` columns) are added as they are.
    """
    for name, value in values.items():
        if isinstance(value, str) and ("\0" in value or len(value) > MAX_TEXT_LENGTH):
            check_text(value, f"{model.__name__.lower()} {name}")  # words the refusal
    try:
        if not trusted:
            return _plain_twin(model).model_validate(values).__dict__
        found = _plain_twin(model, frozenset(trusted)).model_validate(values).__dict__
        return {**found, **trusted}
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidEventError(
            f"invalid {model.__name__.lower()} {field}: {first['msg']} "
            f"(got {first.get('input')!r:.200})",
            field=field,
            value=first.get("input"),
        ) from error


@cache
def _plain_twin(
    model: type[TimelineModel], without: frozenset[str] = frozenset()
) -> type[BaseModel]:
    """A plain pydantic model with ``model``'s fields (but those ``without``) and their checks
    (built once per model and set of fields)."""
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in model.model_fields.items()
        if name not in without
    }
    return create_model(f"{model.__name__}Values", **fields)


def check_coordinates(ref: PlaceRef) -> None:
    """Refuse a place (or a parent of it) whose coordinates are off the globe."""
    place: PlaceRef | None = ref
    while place is not None:
        for value, bound, label in ((place.lat, 90, "lat"), (place.lon, 180, "lon")):
            if value is not None and not -bound <= value <= bound:
                raise InvalidEventError(
                    f"{label} {value} is outside -{bound}..{bound}", field=label, value=value
                )
        place = place.parent


def day_of(value: date | datetime) -> date:
    """The calendar day of a date or datetime."""
    return value.date() if isinstance(value, datetime) else value


#: The entities and places with any of the lookup keys ``keys`` (built once: a query that
#: names an actor or a place looks it up on every call).
_ENTITIES_NAMED = (
    select(col(EntityAlias.key), col(Entity.id), col(Entity.name), col(Entity.kind))
    .join(Entity, col(Entity.id) == col(EntityAlias.entity_id))
    .where(col(EntityAlias.key).in_(bindparam("keys", expanding=True)))
    .order_by(col(Entity.id))
)
_PLACES_NAMED = (
    select(
        col(PlaceAlias.key), col(Place.id), col(Place.name), col(Place.kind), col(Place.parent_id)
    )
    .join(Place, col(Place.id) == col(PlaceAlias.place_id))
    .where(col(PlaceAlias.key).in_(bindparam("keys", expanding=True)))
    .order_by(col(Place.id))
)


class Names:
    """Resolves (and creates) the entities, places and documents drafts name, on one session
    (or, to only look names up, a connection), with caches that last as long as it (call
    :meth:`forget` after a rollback)."""

    def __init__(self, session: Session | Connection) -> None:
        # A Connection runs the same statements for look-ups (execute, scalars).
        self.session = cast(Session, session)
        self.documents = 0
        self.forget()

    def forget(self) -> None:
        """Drop the caches (rows they hold may have been rolled back)."""
        self._entities: dict[str, list[Known]] = {}
        self._places: dict[str, list[Known]] = {}
        # What each name meant, valid while no cached candidate list has changed since.
        self._meant: dict[tuple[Any, ...], tuple[int, Known | None]] = {}
        self._changes = 0
        self._sources: dict[tuple[Any, ...], tuple[int, date]] = {}

    # -- lookups ---------------------------------------------------------------------------

    def prefetch_entities(self, names: Iterable[str]) -> None:
        """Look up many names at once (``IN`` queries), so resolving them costs nothing."""
        self._prefetch(self._entities, names, self._entity_rows)

    def prefetch_places(self, names: Iterable[str]) -> None:
        """Look up many place names at once."""
        self._prefetch(self._places, names, self._place_rows)

    def _prefetch(self, cache: dict[str, list[Known]], names: Iterable[str], rows: Any) -> None:
        keys = sorted({name_key(name) for name in names if "\0" not in name} - set(cache))
        self._changes += 1
        if len(cache) + len(keys) > CACHE_LIMIT:
            cache.clear()
            self._meant.clear()
        for start in range(0, len(keys), IN_SIZE):
            part = keys[start : start + IN_SIZE]
            for key in part:
                cache[key] = []
            for key, known in rows(part):
                if known not in cache[key]:
                    cache[key].append(known)

    def _entity_rows(self, keys: list[str]) -> Iterable[tuple[str, Known]]:
        for key, ident, name, kind in self.session.execute(_ENTITIES_NAMED, {"keys": keys}):
            yield key, Known(int(ident), name, kind)

    def _place_rows(self, keys: list[str]) -> Iterable[tuple[str, Known]]:
        for key, ident, name, kind, parent in self.session.execute(_PLACES_NAMED, {"keys": keys}):
            yield key, Known(int(ident), name, kind, parent)

    def _named(self, cache: dict[str, list[Known]], name: str, rows: Any) -> list[Known]:
        key = name_key(name)
        if key not in cache:
            self._prefetch(cache, [name], rows)
        return cache.get(key, [])

    # -- entities --------------------------------------------------------------------------

    def find_entity(self, name: str, kind: str | None = None) -> Known | None:
        """The entity ``name`` means (``None`` if none).

        :raises AmbiguousNameError: if it means several.
        """
        memo = ("entity", name, kind)
        known = self._meant.get(memo)
        if known is not None and known[0] == self._changes:
            return known[1]
        name = check_text(_name(name, "entity name"), "entity name", indexed=True)
        kind = check_kind(kind, field="entity kind") if kind is not None else None
        found = self._named(self._entities, name, self._entity_rows)
        chosen = choose("entity", name, found, kind)
        self._meant[memo] = (self._changes, chosen)
        return chosen

    def entity_id(self, ref: EntityRef) -> int:
        """The id of the entity ``ref`` names, created when unknown and ``ref.new_kind`` is set.

        :raises NotFoundError: if it is unknown and may not be created.
        :raises AmbiguousNameError: if the name means several entities.
        """
        if ref.id is not None:
            return self._stored(Entity, ref.id, "entity")
        found = self.find_entity(ref.name, ref.kind)
        if found is not None:
            return found.id
        if ref.new_kind is None:
            raise NotFoundError(
                "entity", ref.name.strip(), "add it first with add_entity(name, kind=...)"
            )
        return self.create_entity(ref.name, ref.new_kind, (), ref.country, ref.external_ids)

    def add_entity(
        self,
        name: str,
        kind: str,
        aliases: Iterable[str] = (),
        country: str | None = None,
        external_ids: dict[str, str] | None = None,
    ) -> int:
        """The entity ``name`` means among those of ``kind``, or a new one; ``aliases`` are then
        added to it, and never make it match another entity."""
        found = self.find_entity(name, kind)
        if found is None:
            return self.create_entity(name, kind, aliases, country, external_ids or {})
        self.add_aliases(found.id, aliases)
        return found.id

    def create_entity(
        self,
        name: str,
        kind: str,
        aliases: Iterable[str],
        country: str | None,
        external_ids: dict[str, str],
    ) -> int:
        """A new entity, with its name and ``aliases`` as lookup keys."""
        name = check_name(_name(name, "entity name"), "entity name")
        values = {
            "name": name,
            "kind": check_kind(kind, field="entity kind"),
            "country": country,
            "external_ids": dict(external_ids),
        }
        entity_id = self._insert(Entity, values)
        self._add_aliases(
            EntityAlias, "entity_id", entity_id, [name, *aliases], self._entities, True
        )
        return entity_id

    def add_aliases(self, entity_id: int, aliases: Iterable[str]) -> None:
        """Give the entity more names (lookup keys it lacks are added)."""
        self._add_aliases(EntityAlias, "entity_id", entity_id, aliases, self._entities)

    # -- places ----------------------------------------------------------------------------

    def find_place(
        self, name: str, kind: str | None = None, parent: int = ANYWHERE
    ) -> Known | None:
        """The place ``name`` means inside ``parent`` (an id, ``None`` for the top level, or
        :data:`ANYWHERE`), optionally of ``kind``.

        :raises AmbiguousNameError: if it means several places.
        """
        memo = ("place", name, kind, parent)
        known = self._meant.get(memo)
        if known is not None and known[0] == self._changes:
            return known[1]
        name = check_text(_name(name, "place name"), "place name", indexed=True)
        found = self._named(self._places, name, self._place_rows)
        if parent != ANYWHERE:
            found = [row for row in found if row.parent_id == parent]
        chosen = choose("place", name, found, kind)
        self._meant[memo] = (self._changes, chosen)
        return chosen

    def place_id(self, ref: PlaceRef) -> int:
        """The id of the place ``ref`` names (inside its parent, when it has one), created when
        unknown and ``ref.new_kind`` is set.

        :raises NotFoundError: if it is unknown and may not be created.
        :raises AmbiguousNameError: if the name means several places.
        """
        if ref.id is not None:
            return self._stored(Place, ref.id, "place")
        parent = self.place_id(ref.parent) if ref.parent is not None else ANYWHERE
        found = self.find_place(ref.name, ref.kind, parent)
        if found is not None:
            return found.id
        if ref.new_kind is None:
            raise NotFoundError(
                "place", ref.name.strip(), "add it first with add_place(name, kind=...)"
            )
        return self.create_place(ref, None if parent == ANYWHERE else parent)

    def create_place(self, ref: PlaceRef, parent: int | None, aliases: Iterable[str] = ()) -> int:
        """A new place inside ``parent``, with its name and ``aliases`` as lookup keys."""
        values = place_values(ref, parent)
        place_id = self._insert(Place, values)
        self._add_aliases(
            PlaceAlias, "place_id", place_id, [values["name"], *aliases], self._places, True
        )
        return place_id

    def add_place_aliases(self, place_id: int, aliases: Iterable[str]) -> None:
        """Give the place more names."""
        self._add_aliases(PlaceAlias, "place_id", place_id, aliases, self._places)

    # -- documents -------------------------------------------------------------------------

    def publisher_id(self, name: str | int) -> int:
        """The outlet called ``name`` (any kind; a ``media`` entity when the name is
        ambiguous), created as kind ``media`` when unknown; or the entity with id ``name``."""
        if isinstance(name, int):
            return self._stored(Entity, name, "entity")
        try:
            return self.entity_id(EntityRef(name, new_kind="media"))
        except AmbiguousNameError as ambiguous:
            found = self.find_entity(name, "media")
            if found is None:
                raise ambiguous from None
            return found.id

    def prefetch_sources(self, urls: Iterable[str]) -> None:
        """Look up many documents by URL at once."""
        wanted = sorted({url for url in urls if url and (url,) not in self._sources})
        if len(self._sources) + len(wanted) > CACHE_LIMIT:
            self._sources.clear()
        for start in range(0, len(wanted), IN_SIZE):
            query = (
                select(col(Source.url), col(Source.id), col(Source.published))
                .where(col(Source.url).in_(wanted[start : start + IN_SIZE]))
                .order_by(col(Source.id).desc())
            )
            for url, ident, published in self.session.execute(query):
                self._sources[(url,)] = (int(ident), published)  # the first stored one wins

    def known_source(self, url: str) -> int | None:
        """The id of the document with ``url``, if a lookup found it already."""
        cached = self._sources.get((url,))
        return cached[0] if cached is not None else None

    def source(self, ref: SourceRef) -> tuple[int, date]:
        """The id and publication day of the document ``ref`` names, created when unknown.

        :raises InvalidEventError: if it has neither a title nor a URL.
        """
        if ref.id is not None:
            published = self.session.execute(
                select(col(Source.published)).where(col(Source.id) == ref.id)
            ).scalar()
            if published is None:
                raise NotFoundError("source", ref.id)
            return int(ref.id), published
        url = ref.url.strip() if ref.url else None
        title = (ref.title or "").strip() or url
        if not title:
            raise InvalidEventError("a source needs a title or a URL", field="source")
        day = day_of(ref.published)
        if url:
            check_text(url, "source url", indexed=True)
            key: tuple[Any, ...] = (url,)
            cached = self._sources.get(key)
            if cached is not None:
                return cached
            publisher = self.publisher_id(ref.publisher)
            same = col(Source.url) == url
        else:
            publisher = self.publisher_id(ref.publisher)
            key = (title, publisher, day)
            cached = self._sources.get(key)
            if cached is not None:
                return cached
            same = (
                (col(Source.title) == title)
                & (col(Source.publisher_id) == publisher)
                & (col(Source.published) == day)
            )
        stored = self.session.execute(
            select(col(Source.id), col(Source.published)).where(same).order_by(col(Source.id))
        ).first()
        found: tuple[int, date]
        if stored is not None:
            found = (int(stored[0]), stored[1])
        else:
            values = {
                "title": check_text(title, "source title"),
                "url": url,
                "publisher_id": publisher,
                "published": day,
                "published_at": ref.published if isinstance(ref.published, datetime) else None,
            }
            found = (self._insert(Source, values), day)
            self.documents += 1
        if len(self._sources) >= CACHE_LIMIT:
            self._sources.clear()
        self._sources[key] = found
        return self._sources[key]

    # -- many at once ------------------------------------------------------------------------

    def create_missing(
        self,
        entities: list[EntityRef],
        places: list[PlaceRef],
        sources: list[SourceRef],
        writer: BulkWriter,
    ) -> None:
        """Create, a table at a time, what these references name and no stored row is (by the
        rule above; publishers included), so that resolving them afterwards is a lookup.

        A reference this cannot settle (an ambiguous name, a bad value) is left alone: resolving
        it one by one raises the error that names it.
        """
        publishers = [
            EntityRef(r.publisher, new_kind="media")
            for r in sources
            if r.id is None and isinstance(r.publisher, str)
        ]
        self._create_entities([*entities, *publishers], writer)
        chains: list[list[PlaceRef]] = []
        for ref in places:
            chain: list[PlaceRef] = []
            place: PlaceRef | None = ref
            while place is not None:
                chain.insert(0, place)
                place = place.parent
            chains.append(chain)
        for depth in range(max(map(len, chains), default=0)):  # parents before their places
            self._create_places([chain[depth] for chain in chains if len(chain) > depth], writer)
        self._create_sources(sources, writer)

    def _create_entities(self, refs: list[EntityRef], writer: BulkWriter) -> None:
        new: dict[tuple[str, str | None], tuple[str, str, EntityRef]] = {}
        for ref in refs:
            if ref.id is not None or ref.new_kind is None:
                continue
            try:
                if self.find_entity(ref.name, ref.kind) is not None:
                    continue
                name = check_name(_name(ref.name, "entity name"), "entity name")
                kind = check_kind(ref.new_kind, field="entity kind")
            except TimelineError:
                continue
            if ref.country is None or len(ref.country) <= 8:
                new.setdefault((name_key(name), ref.kind), (name, kind, ref))
        if not new:
            return
        ids = writer.allocate("timeline_entity", len(new))
        value, now = writer.value, writer.now_value
        rows = [
            (i, name, kind, ref.country, value(dict(ref.external_ids)), now)
            for i, (name, kind, ref) in zip(ids, new.values(), strict=True)
        ]
        writer.write("timeline_entity", ("id", *ENTITY_COLUMNS), rows)
        keys = [key for key, _ in new]
        aliases = [(row[0], row[1], key) for row, key in zip(rows, keys, strict=True)]
        writer.write("timeline_entity_alias", ("entity_id", "name", "key"), aliases)
        for row, key in zip(rows, keys, strict=True):
            self._entities.setdefault(key, []).append(Known(row[0], row[1], row[2]))
        self._changes += 1

    def _create_places(self, refs: list[PlaceRef], writer: BulkWriter) -> None:
        new: dict[tuple[str, str | None, int | None], tuple[str, str, PlaceRef]] = {}
        for ref in refs:
            if ref.id is not None or ref.new_kind is None:
                continue
            try:
                parent = self.place_id(ref.parent) if ref.parent else ANYWHERE
                if self.find_place(ref.name, ref.kind, parent) is not None:
                    continue
                name = check_name(_name(ref.name, "place name"), "place name")
                kind = check_kind(ref.new_kind, field="place kind")
                check_coordinates(replace(ref, parent=None))
            except TimelineError:
                continue
            if ref.country is None or len(ref.country) <= 8:
                at = None if parent == ANYWHERE else parent
                new.setdefault((name_key(name), ref.kind, at), (name, kind, ref))
        if not new:
            return
        ids = writer.allocate("timeline_place", len(new))
        value = writer.value
        rows = []
        for i, ((_, _, inside), (name, kind, ref)) in zip(ids, new.items(), strict=True):
            country = ref.country.upper() if ref.country else None
            ids_value = value(dict(ref.external_ids))
            rows.append((i, name, kind, country, inside, ref.lat, ref.lon, ids_value))
        writer.write("timeline_place", ("id", *PLACE_COLUMNS), rows)
        aliases = [(row[0], row[1], key[0]) for row, key in zip(rows, new, strict=True)]
        writer.write("timeline_place_alias", ("place_id", "name", "key"), aliases)
        for row, key in zip(rows, new, strict=True):
            self._places.setdefault(key[0], []).append(Known(row[0], row[1], row[2], row[4]))
        self._changes += 1

    def _create_sources(self, refs: list[SourceRef], writer: BulkWriter) -> None:
        new: dict[str, tuple[Any, ...]] = {}
        for ref in refs:
            url = ref.url.strip() if ref.url else None
            if ref.id is not None or not url or (url,) in self._sources or url in new:
                continue
            try:
                check_text(url, "source url", indexed=True)
                title = check_text((ref.title or "").strip() or url, "source title")
                publisher = self.publisher_id(ref.publisher)
            except TimelineError:
                continue
            at = ref.published if isinstance(ref.published, datetime) else None
            new[url] = (title, url, publisher, day_of(ref.published), at)
        if not new:
            return
        ids = writer.allocate("timeline_source", len(new))
        value, now = writer.value, writer.now_value
        rows = [
            (i, title, url, publisher, value(day), value(at), now)
            for i, (title, url, publisher, day, at) in zip(ids, new.values(), strict=True)
        ]
        writer.write("timeline_source", ("id", *SOURCE_COLUMNS), rows)
        for i, (_, url, _, day, _) in zip(ids, new.values(), strict=True):
            self._sources[(url,)] = (i, day)
        self.documents += len(new)

    # -- rows ------------------------------------------------------------------------------

    def _stored(self, model: type[TimelineModel], ident: int, what: str) -> int:
        table = model.__table__  # type: ignore[attr-defined]
        if self.session.execute(select(table.c.id).where(table.c.id == ident)).first() is None:
            raise NotFoundError(what, ident)
        return int(ident)

    def _insert(self, model: type[TimelineModel], values: dict[str, Any]) -> int:
        table = model.__table__  # type: ignore[attr-defined]
        result = self.session.execute(
            insert(table).values(**_columns(checked(model, values), values)).returning(table.c.id)
        )
        return int(result.scalar_one())

    def _add_aliases(
        self,
        model: type[EntityAlias] | type[PlaceAlias],
        owner: str,
        owner_id: int,
        aliases: Iterable[str],
        cache: dict[str, list[Known]],
        first_checked: bool = False,
    ) -> None:
        names = [
            alias if checked else check_alias(alias)
            for alias, checked in _checked_first(aliases, first_checked)
        ]
        if not names:
            return
        known = set(
            self.session.scalars(
                select(col(model.key)).where(col(getattr(model, owner)) == owner_id)
            )
        )
        rows = []
        for alias in names:
            key = name_key(alias)
            if key not in known:
                known.add(key)
                rows.append({owner: owner_id, "name": alias, "key": key})
                cache.pop(key, None)  # looked up again when next needed
                self._changes += 1
        if rows:
            self.session.execute(insert(model.__table__), rows)  # type: ignore[union-attr]
        cache.pop(name_key(names[0]), None)
        self._changes += 1


def place_values(ref: PlaceRef, parent: int | None) -> dict[str, Any]:
    """The columns of a new place ``ref`` inside ``parent``, after the rule's own checks (its
    name, coordinates and kind; the model's checks are the caller's)."""
    name = check_name(_name(ref.name, "place name"), "place name")
    check_coordinates(ref)
    return {
        "name": name,
        "kind": check_kind(ref.new_kind or ref.kind, field="place kind"),
        "country": ref.country.upper() if ref.country else None,
        "parent_id": parent,
        "lat": ref.lat,
        "lon": ref.lon,
        "external_ids": dict(ref.external_ids),
    }


def check_alias(alias: Any) -> str:
    """``alias`` as a name it may be given: stripped, and checked as a name."""
    return check_name(_name(alias, "alias"), "alias")


def _name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEventError(f"{field} must be non-empty text, not {value!r:.100}", field=field)
    return value.strip()


def _columns(row: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in values}


def _checked_first(names: Iterable[str], first_checked: bool) -> Iterable[tuple[str, bool]]:
    """``names``, each with whether it was checked already (only the first may be: a new
    row's own name, checked and warned about once)."""
    for index, name in enumerate(names):
        yield name, first_checked and index == 0
