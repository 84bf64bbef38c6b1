"""Property: the same records written through every door give the same logical database.

The doors: an ``add_event`` loop, ``add_events``, a CSV import with a column mapping, and a
JSON Lines import (of the JSON Lines export of the first database into an empty one). The
dumps compare titles, ``When`` columns, kinds, statuses, actors with roles, places with their
parents, sources, claims, versions and revisions, ignoring ids and timestamps.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlmodel import col, select

from timeline import Claim, Entity, Event, EventVersion, Participation, Place, Source, Timeline
from timeline.io import export_file, import_file

WHENS = [
    "2026-02-26",
    "2026-03",
    "2026-02-19/2026-02-26",
    "[2026-02-19..2026-02-26]",
    "2026-21",
    "next month",
    "later this spring",
    "2026-03/..",
    "~2026-04",
]
ACTORS = [("Kim Jong Un", "person"), ("Kim Yo Jong", "person"), ("China", "country")]
PLACES = ["Pyongyang", "Kim Il Sung Square", "Beijing"]
SOURCES = [
    {"title": "Congress closes", "publisher": "Wire", "published": "2026-02-26", "url": None},
    {"title": "Trip set", "publisher": "Paper", "published": "2026-03-10", "url": "https://p/1"},
]

records = st.lists(
    st.fixed_dictionaries(
        {
            "when": st.sampled_from(WHENS),
            "kind": st.sampled_from(["politics.congress", "military.parade", "diplomacy.visit"]),
            "status": st.sampled_from(["occurred", "expected", "scheduled"]),
            "place": st.none() | st.sampled_from(PLACES),
            "actors": st.dictionaries(
                st.sampled_from([name for name, _ in ACTORS]),
                st.sampled_from(["host", "visitor", "speaker"]),
                max_size=2,
            ),
            "tags": st.lists(st.sampled_from(["wpk", "nuclear"]), unique=True, max_size=2),
            "confidence": st.none() | st.sampled_from([0.5, 0.9]),
            "source": st.none() | st.sampled_from(SOURCES),
            "quote": st.none() | st.sampled_from(["it closed", "later this spring"]),
        }
    ),
    min_size=1,
    max_size=6,
)


def _seed(tl: Timeline) -> None:
    for name, kind in ACTORS:
        tl.add_entity(name, kind=kind, aliases=["Kim"] if name.startswith("Kim") else [])
    tl.add_place("North Korea", kind="country")
    tl.add_place("Pyongyang", kind="city", parent="North Korea")
    tl.add_place("Kim Il Sung Square", kind="square", parent="Pyongyang")
    tl.add_place("Beijing", kind="city")


def _keywords(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for number, record in enumerate(records):
        row = {**record, "title": f"Event {number}"}
        if row["source"] is None:
            row["reference"] = date(2026, 2, 26)  # relative dates need a day to count from
        rows.append(row)
    return rows


def _by_add_event(tl: Timeline, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        fields = dict(row)
        tl.add_event(fields.pop("title"), **fields)


def _by_csv(tl: Timeline, rows: list[dict[str, Any]], path: Path) -> None:
    columns = ["title", "when", "kind", "status", "place", "actors", "tags", "confidence"]
    columns += ["source_title", "source_url", "publisher", "published", "quote"]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            source = row["source"] or {}
            actors = ";".join(f"{name} ({role})" for name, role in row["actors"].items())
            writer.writerow(
                [
                    row["title"],
                    row["when"],
                    row["kind"],
                    row["status"],
                    row["place"] or "",
                    actors,
                    ";".join(row["tags"]),
                    "" if row["confidence"] is None else row["confidence"],
                    source.get("title") or "",
                    source.get("url") or "",
                    source.get("publisher") or "",
                    source.get("published") or "",
                    row["quote"] or "",
                ]
            )
    import_file(tl, path, format="csv", mapping={}, reference="2026-02-26")


def _dump(tl: Timeline) -> list[Any]:
    with tl.session() as session:
        places = {p.id: p for p in session.exec(select(Place))}
        entities = {e.id: e for e in session.exec(select(Entity))}
        sources = {s.id: s for s in session.exec(select(Source))}

        def path(place_id: int | None) -> tuple[str, ...]:
            out: list[str] = []
            while place_id is not None:
                out.append(places[place_id].name)
                place_id = places[place_id].parent_id
            return tuple(out)

        def document(source_id: int | None) -> Any:
            if source_id is None:
                return None
            row = sources[source_id]
            publisher = entities[row.publisher_id]
            return (row.title, row.url, row.published, publisher.name, publisher.kind)

        dump = []
        for event in session.exec(select(Event).order_by(col(Event.title))):
            links = session.exec(
                select(Participation).where(col(Participation.event_id) == event.id)
            )
            claims = session.exec(select(Claim).where(col(Claim.event_id) == event.id))
            versions = session.exec(
                select(EventVersion).where(
                    col(EventVersion.event_id) == event.id,
                    col(EventVersion.recorded_until).is_(None),
                )
            )
            dump.append(
                (
                    event.title,
                    event.kind,
                    str(event.status),
                    event.edtf,
                    event.when,
                    event.confidence,
                    path(event.place_id),
                    sorted(
                        (entities[p.entity_id].name, entities[p.entity_id].kind, p.role)
                        for p in links
                    ),
                    sorted(
                        (document(c.source_id), str(c.status), c.edtf, c.quote, c.confidence)
                        for c in claims
                    ),
                    sorted((str(v.status), v.edtf, v.known_from, v.known_until) for v in versions),
                    [(r.action, r.field, r.old, r.new) for r in tl.revisions(event.id or 0)],
                )
            )
        return dump


@contextmanager
def _four_databases(folder: Path, postgres_url: str | None) -> Iterator[list[Timeline]]:
    """Four empty timelines: SQLite files, or PostgreSQL schemas of one database."""
    if postgres_url is None:
        timelines = [Timeline(folder / f"{name}.db") for name in ("a", "b", "c", "d")]
        try:
            yield timelines
        finally:
            for timeline in timelines:
                timeline.close()
        return
    schemas = [f"doors_{uuid.uuid4().hex[:10]}" for _ in range(4)]
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        for schema in schemas:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engines = [
        create_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
        for schema in schemas
    ]
    try:
        yield [Timeline(engine) for engine in engines]
    finally:
        for engine in engines:
            engine.dispose()
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _every_door(folder: Path, records: list[dict[str, Any]], postgres_url: str | None) -> None:
    rows = _keywords(records)
    with _four_databases(folder, postgres_url) as (loop, bulk, sheet, lines):
        for tl in (loop, bulk, sheet):
            _seed(tl)
        _by_add_event(loop, rows)
        bulk.add_events(rows)
        _by_csv(sheet, rows, folder / "rows.csv")
        export_file(loop, folder / "dump.jsonl", format="jsonl")
        import_file(lines, folder / "dump.jsonl", format="jsonl")
        expected = _dump(loop)
        assert len(expected) == len(rows)
        assert _dump(bulk) == expected
        assert _dump(sheet) == expected
        assert _dump(lines) == expected


CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=12, deadline=None, suppress_health_check=CHECKS)
@given(records=records)
def test_every_door_writes_the_same_database(
    tmp_path_factory: Any, records: list[dict[str, Any]]
) -> None:
    _every_door(tmp_path_factory.mktemp("doors"), records, None)


@settings(max_examples=4, deadline=None, suppress_health_check=CHECKS)
@given(records=records)
def test_every_door_writes_the_same_database_on_postgresql(
    tmp_path_factory: Any, postgres_url: str, records: list[dict[str, Any]]
) -> None:
    _every_door(tmp_path_factory.mktemp("doors"), records, postgres_url)
