"""Bulk loading: the same rows as add_event, all or nothing, indexes and search in step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from timeline import InvalidDateError, InvalidEventError, NotFoundError, Timeline


@pytest.fixture
def world(tl: Timeline) -> Timeline:
    tl.add_entity("Kim Jong Un", kind="person", aliases=["김정은"])
    tl.add_entity("Kim Ju Ae", kind="person")
    tl.add_place("North Korea", kind="country")
    tl.add_place("Pyongyang", kind="city", parent="North Korea")
    return tl


def _rows(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {
            "title": f"Event {i}",
            "when": f"2026-{i % 12 + 1:02d}",
            "kind": "test.bulk",
            "actors": {"Kim Jong Un": "attendee"},
            "tags": ["bulk"],
            "external_ids": {"gen": str(i)},
        }


def test_bulk_rows_read_back_like_add_event(world: Timeline) -> None:
    source = world.add_source("Dispatch", publisher="KCNA", published="2026-02-27")
    single = world.add_event(
        "Congress",
        when="2026-02-19/2026-02-26",
        kind="politics.congress",
        place="Pyongyang",
        actors={"Kim Jong Un": "chair"},
        source=source,
        quote="a historic congress",
        tags=["wpk"],
        external_ids={"wiki": "Q1"},
    )
    loaded = world.add_events(
        [
            {
                "title": "Congress (bulk)",
                "when": "2026-02-19/2026-02-26",
                "kind": "politics.congress",
                "place": "Pyongyang",
                "actors": {"김정은": "chair"},
                "source": source,
                "quote": "a historic congress",
                "tags": ["wpk"],
                "external_ids": {"wiki": "Q2"},
            },
            {
                "title": "Parade",
                "when": "a week ago",
                "kind": "military.parade",
                "source": source.id,
                "actors": {"Kim Ju Ae": ["attendee", "guest"], "Kim Jong Un": "attendee"},
                "part_of": {"wiki": "Q2"},
                "summary": "tanks in the square",
                "confidence": 0.75,
                "status": "occurred",
            },
            {
                "title": "Drill",
                "when": "2026-02-20",
                "kind": "military.drill",
                "part_of": "wiki:Q1",
            },
        ],
        batch_size=2,
    )
    assert loaded == 3
    bulk = world.events().of_kind("politics.congress").order_by_time().all()[1]
    assert (bulk.when, bulk.kind, bulk.place_id, bulk.span_class) == (
        single.when,
        single.kind,
        single.place_id,
        single.span_class,
    )
    assert [(e.name, r) for e, r in world.actors(bulk)] == [("Kim Jong Un", "chair")]
    assert [c.quote for c in world.claims(bulk)] == ["a historic congress"]
    parade = world.events().of_kind("military.parade").first()
    assert parade is not None and parade.when is not None
    assert parade.when.edtf == world.parse_when("a week ago", source.published).edtf
    assert parade.confidence == 0.75 and parade.summary == "tanks in the square"
    assert sorted(r for _, r in world.actors(parade)) == ["attendee", "attendee", "guest"]
    assert [e.title for e in world.events().part_of(bulk)] == ["Parade"]
    assert [e.title for e in world.events().part_of(single)] == ["Drill"]
    assert sorted(e.title for e in world.events().search("historic")) == [
        "Congress",
        "Congress (bulk)",
    ]
    assert world.events().search("tanks").count() == 1
    assert world.events().tagged("wpk").count() == 2
    assert world.events().involving("Kim Ju Ae").between("2026-02", "2026-02").count() == 1


def test_bulk_streams_many_batches_and_ids_continue(world: Timeline) -> None:
    world.add_event("Before", when="2025", kind="test")
    assert world.add_events(_rows(250), batch_size=40) == 250
    after = world.add_event("After", when="2027", kind="test")
    assert world.events().count() == 252
    assert after.id == 252
    assert world.events().involving("Kim Jong Un").between("2026-03", "2026-03").count() == 21
    assert world.events().search("event").count() == 250


@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [
        ({"title": "", "when": "2026", "kind": "x"}, InvalidEventError, "row 3.*title"),
        ({"title": "x", "when": "soonish maybe", "kind": "x"}, InvalidDateError, "row 3"),
        ({"title": "x", "when": "2026", "kind": "Bad Kind"}, InvalidEventError, "row 3"),
        ({"title": "x", "when": "2026", "kind": "x", "colour": 1}, InvalidEventError, "colour"),
        (
            {"title": "x", "when": "2026", "kind": "x", "actors": {"Nobody": "a"}},
            NotFoundError,
            "row 3",
        ),
        ({"title": "x", "when": "2026", "kind": "x", "place": "Atlantis"}, NotFoundError, "row 3"),
        ({"title": "x", "when": "2026", "kind": "x", "confidence": 2}, InvalidEventError, "row 3"),
        (
            {"title": "x", "when": "2026", "kind": "x", "part_of": "gen:nope"},
            NotFoundError,
            "row 3",
        ),
        (
            {"title": "x", "when": "2026", "kind": "x", "source": 999},
            NotFoundError,
            "row 3",
        ),
    ],
)
def test_a_bad_row_anywhere_leaves_nothing(
    world: Timeline, bad: dict[str, Any], error: type[Exception], match: str
) -> None:
    rows = [*_rows(3), bad, *_rows(0)]
    with pytest.raises(error, match=match):
        world.add_events(rows, batch_size=2)
    assert world.events().count() == 0
    assert world.events().search("event").count() == 0


def test_batch_size_must_be_positive(world: Timeline) -> None:
    with pytest.raises(InvalidEventError, match="batch_size"):
        world.add_events([], batch_size=0)
    assert world.add_events([]) == 0


def test_bulk_writer_allocates_ids_and_writes_rows_as_the_orm_reads_them(tl: Timeline) -> None:
    from datetime import datetime, timezone

    from timeline.database import write_connection
    from timeline.text import name_key
    from timeline.write.rows import BulkWriter

    tl.add_entity("Existing", kind="person")
    with write_connection(tl.engine) as connection, connection.begin():
        writer = BulkWriter(connection)
        ids = writer.allocate("timeline_entity", 2)
        assert len(set(ids)) == 2
        created = datetime(2026, 3, 1, 12, 30, tzinfo=timezone.utc)
        rows = [
            (i, name, "person", None, writer.value({"wiki": f"Q{i}"}), writer.value(created))
            for i, name in zip(ids, ["Kim Yo Jong", "Choe Son Hui"], strict=True)
        ]
        columns = ("id", "name", "kind", "country", "external_ids", "created_at")
        writer.write("timeline_entity", columns, rows)
        aliases = [(i, row[1], name_key(row[1])) for i, row in zip(ids, rows, strict=True)]
        writer.write("timeline_entity_alias", ("entity_id", "name", "key"), aliases)
    found = tl.entity("Kim Yo Jong")
    assert (found.id, found.external_ids, found.created_at) == (
        ids[0],
        {"wiki": f"Q{ids[0]}"},
        created,
    )
    assert tl.entity("Choe Son Hui").id == ids[1]
    assert (
        tl.add_entity("Ri Sol Ju", kind="person").id == ids[1] + 1
    )  # the ORM carries on after them


def test_a_sqlite_bulk_load_runs_with_a_small_cache_and_map_then_puts_them_back(
    tmp_path: Any,
) -> None:
    """The 64 MiB page cache of reads made a million-event load no faster, only bigger; the
    pages a load reads through the large memory map of reads would count in its memory."""
    from sqlalchemy import event

    from timeline.database import CACHE_KIB, LOAD_CACHE_KIB, LOAD_MMAP_BYTES, MMAP_BYTES

    tl = Timeline(tmp_path / "cache.db")
    tl.events().count()  # the pool's connection exists, with the reading cache and map
    checked_out: list[Any] = []
    event.listen(tl.engine, "checkout", lambda dbapi, *_: checked_out.append(dbapi))
    during: list[tuple[int, int]] = []

    def settings(connection: Any) -> tuple[int, int]:
        cache = connection.execute("PRAGMA cache_size").fetchone()[0]
        return cache, connection.execute("PRAGMA mmap_size").fetchone()[0]

    def rows(fail: bool) -> Iterator[dict[str, Any]]:
        during.append(settings(checked_out[-1]))
        yield {"title": "One", "when": "2026-01-01", "kind": "test"}
        if fail:
            yield {"title": "", "when": "2026-01-02", "kind": "test"}

    assert tl.add_events(rows(fail=False)) == 1
    with pytest.raises(InvalidEventError):
        tl.add_events(rows(fail=True))
    assert during == [(-LOAD_CACHE_KIB, LOAD_MMAP_BYTES)] * 2
    after = {settings(c) for c in checked_out}
    assert len(after) == 1
    cache, mapped = after.pop()
    assert cache == -CACHE_KIB
    assert LOAD_MMAP_BYTES < mapped <= MMAP_BYTES  # SQLite may cap the map at its own limit
    assert tl.events().count() == 1
    tl.close()


def test_a_repeated_external_id_updates_the_event_it_names(world: Timeline) -> None:
    before = world.events().count()
    rows = [
        *_rows(2),
        {"title": "Renamed", "when": "2026-07", "kind": "x", "external_ids": {"gen": "0"}},
    ]
    assert world.add_events(rows) == 2
    assert world.events().count() == before + 2
    [renamed] = world.events().search("renamed").all()
    assert renamed.edtf == "2026-07"
    assert [r.action for r in world.revisions(renamed)] == ["create", "edit"]


def test_add_events_records_claims_versions_and_revisions(world: Timeline) -> None:
    # Regression: bulk-loaded events had no revision (docs/provenance.md says every change has one).
    world.add_events(_rows(3))
    for event in world.events().all():
        assert [r.action for r in world.revisions(event)] == ["create"]
        assert len(world.claims(event)) == 1
