"""JSON and JSON Lines: lossless round trip, published schema, atomic and idempotent import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fixtures.story import seed
from sqlalchemy import Engine

from timeline import ImportRowError, Timeline, UnknownFormatError
from timeline.io import export_file, import_file
from timeline.io.jsonschema import DOCUMENT_SCHEMA, RECORD_SCHEMA


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _without_recorded_time(records: list[dict[str, object]]) -> list[dict[str, object]]:
    return records


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_then_import_gives_the_same_database(
    tl: Timeline, fmt: str, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    seed(tl)
    first = tmp_path / f"first.{fmt}"
    assert export_file(tl, first, format=fmt) == 3
    with Timeline(f"{tmp_path}/copy.db") as copy:
        summary = import_file(copy, first, format=fmt)
        assert (summary.created, summary.skipped, summary.errors) == (3, 0, [])
        second = tmp_path / f"second.{fmt}"
        export_file(copy, second, format=fmt)
        assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
        parade = copy.events().of_kind("military.parade").first()
        assert parade is not None
        assert [e.name for e, _ in copy.actors(parade)] == ["Kim Jong Un"]
        assert len(copy.statements(speaker="김정은")) == 1
        assert copy.events().part_of(copy.events().of_kind("politics").first()).count() == 1


def test_reimport_changes_nothing(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    path = tmp_path / "all.jsonl"
    export_file(tl, path, format="jsonl")
    again = import_file(tl, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.claims == 0 and again.documents == 0
    assert tl.events().count() == 3


def test_every_exported_record_matches_the_published_schema(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    lines, document = tmp_path / "a.jsonl", tmp_path / "a.json"
    export_file(tl, lines, format="jsonl")
    export_file(tl, document, format="json")
    validator = jsonschema.Draft202012Validator(RECORD_SCHEMA)
    records = _records(lines)
    assert {r["type"] for r in records} >= {"entity", "place", "source", "event", "claim"}
    for record in records:
        validator.validate(record)
    jsonschema.Draft202012Validator(DOCUMENT_SCHEMA).validate(
        json.loads(document.read_text(encoding="utf-8"))
    )


def test_a_bad_record_imports_nothing_and_names_its_line(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    path = tmp_path / "all.jsonl"
    export_file(tl, path, format="jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    events = [i for i, line in enumerate(lines) if '"type": "event"' in line]
    broken = json.loads(lines[events[-1]])
    broken["when"]["start_earliest"] = "2026-13-40"
    lines[events[-1]] = json.dumps(broken)
    lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Timeline(f"{tmp_path}/empty.db") as empty:
        with pytest.raises(ImportRowError) as raised:
            import_file(empty, path)
        assert raised.value.line == 3 and "not JSON" in str(raised.value)
        assert empty.events().count() == 0
        summary = import_file(empty, path, skip_invalid=True)
        assert next(e.line for e in summary.errors) == 3
        assert events[-1] + 2 in [e.line for e in summary.errors]
        assert summary.created == 2 and empty.events().count() == 2


def test_unknown_format_is_refused(tl: Timeline, tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match="use one of"):
        export_file(tl, tmp_path / "x.out", format="yaml")
    with pytest.raises(UnknownFormatError):
        import_file(tl, tmp_path / "x.unknown")


def test_export_to_a_stream_and_dry_run(tl: Timeline, tmp_path: Path, engine: Engine) -> None:
    seed(tl)
    path = tmp_path / "a.jsonl"
    with path.open("w", encoding="utf-8") as out:
        export_file(tl, out, format="jsonl")
    with Timeline(f"{tmp_path}/dry.db") as other:
        summary = import_file(other, path, dry_run=True)
        assert summary.dry_run and summary.created == 3
        assert other.events().count() == 0


def test_a_json_document_is_read_one_record_at_a_time(
    tl: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline.io import jsonio

    seed(tl)
    path = tmp_path / "all.json"
    export_file(tl, path, format="json")
    monkeypatch.setattr(jsonio._JSONStream, "BLOCK", 7)  # records cross block boundaries
    with Timeline(f"{tmp_path}/copy.db") as copy:
        summary = import_file(copy, path)
        assert (summary.created, summary.errors) == (3, [])
        again = tmp_path / "again.json"
        export_file(copy, again, format="json")
        assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")

    # A file cut short: the records before the cut are read, the cut is reported on its line.
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    cut = next(i for i, line in enumerate(lines) if '"type": "event"' in line)
    path.write_text("\n".join(lines[:cut]) + '\n  {"type": ', encoding="utf-8")
    with Timeline(f"{tmp_path}/cut.db") as other:
        with pytest.raises(ImportRowError) as raised:
            import_file(other, path)
        assert raised.value.line == cut + 1 and "not JSON" in str(raised.value)
        assert other.events().count() == 0
        summary = import_file(other, path, skip_invalid=True)
        assert [e.line for e in summary.errors] == [cut + 1]
        assert summary.skipped == 1 and summary.created == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('"records"', "expected {"),
        ('{"timeline": 1}', "expected {"),
        ('{"records": {}}', "expected {"),
        ('{"records": []} []', "extra data"),
        ('{"records": [], "timeline": }', "not JSON"),
        ("", "not JSON"),
    ],
)
def test_a_json_document_without_a_records_array_is_refused(
    tl: Timeline, tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRowError, match=reason):
        import_file(tl, path)


def _story(tl: Timeline, events: int) -> None:
    """``events`` events with external ids, each told by two documents that disagree (the later
    one moves the date and, for every third event, cancels it), plus a manual edit."""
    early = tl.add_source(
        "Early", publisher="Wire", published="2026-01-05", url="https://e.example"
    )
    late = tl.add_source("Late", publisher="Post", published="2026-02-05", url="https://l.example")
    tl.add_entity("Ann", kind="person")
    for n in range(events):
        event = tl.add_event(
            f"Summit {n}",
            when=f"2026-03-{n % 28 + 1:02d}",
            kind="diplomacy.summit",
            actors={"Ann": "host"},
            source=early,
            tags=["summit", f"n{n % 3}"],
            external_ids={"test": str(n)},
        )
        tl.add_claim(
            event,
            source=late,
            when=f"2026-04-{n % 28 + 1:02d}",
            status="cancelled" if n % 3 == 0 else None,
        )
        if n % 5 == 0:
            tl.add_claim(event, source=None, status="postponed")


def test_a_large_export_round_trips_on_the_backend_in_chunks(
    tl: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New events and their claims are written a chunk at a time (here 7 records, so an
    event's claims fall in two chunks): the import gives the same records, states and
    versions, and importing it again adds nothing."""
    monkeypatch.setattr("timeline.write.pipeline.FAST_CHUNK", 7)
    with Timeline(f"{tmp_path}/source.db") as source:
        _story(source, 40)
        first = tmp_path / "first.jsonl"
        assert export_file(source, first, format="jsonl") == 40
        wanted = sorted((e.title, e.status, str(e.when)) for e in source.events())
        past = sorted((e.title, e.status) for e in source.events().as_of("2026-01-31"))
    summary = import_file(tl, first)
    assert (summary.created, summary.claims, summary.errors) == (40, 40 * 2 + 8, [])
    second = tmp_path / "second.jsonl"
    export_file(tl, second, format="jsonl")
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    assert sorted((e.title, e.status, str(e.when)) for e in tl.events()) == wanted
    assert sorted((e.title, e.status) for e in tl.events().as_of("2026-01-31")) == past
    again = import_file(tl, first)
    assert (again.created, again.updated, again.claims, again.documents) == (0, 0, 0, 0)
    assert tl.events().count() == 40


def test_bad_records_in_a_chunk_are_reported_with_their_lines(
    tl: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("timeline.write.pipeline.FAST_CHUNK", 7)
    with Timeline(f"{tmp_path}/source.db") as source:
        _story(source, 12)
        path = tmp_path / "all.jsonl"
        export_file(source, path, format="jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    events = [i for i, line in enumerate(lines) if '"type": "event"' in line]
    claims = [i for i, line in enumerate(lines) if '"type": "claim"' in line]
    bad_event = json.loads(lines[events[4]])
    bad_event["actors"] = [{"entity": 999, "role": "host"}]
    lines[events[4]] = json.dumps(bad_event)
    bad_claim = json.loads(lines[claims[0]])
    bad_claim["event"] = 999
    lines[claims[0]] = json.dumps(bad_claim)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as raised:
        import_file(tl, path)
    assert raised.value.line == events[4] + 1 and "entity 999" in str(raised.value)
    assert tl.events().count() == 0
    summary = import_file(tl, path, skip_invalid=True)
    orphans = [i + 1 for i in claims if json.loads(lines[i])["event"] == bad_event["id"]]
    assert len(orphans) == 2  # the claims of the skipped event refer to nothing
    wanted = sorted([events[4] + 1, claims[0] + 1, *orphans])
    assert [e.line for e in summary.errors] == wanted
    assert any("event 999" in e.reason for e in summary.errors)
    assert summary.created == 11 and tl.events().count() == 11


def test_documents_are_matched_by_url_in_and_across_chunks(tl: Timeline, tmp_path: Path) -> None:
    stored = tl.add_source("Stored", publisher="Wire", published="2026-01-01", url="https://a.x")
    path = tmp_path / "docs.jsonl"
    with Timeline(f"{tmp_path}/when.db") as other:
        other.add_event("Told", when="2026-01-02", kind="misc")
        export_file(other, path, format="jsonl")
    when = next(r["when"] for r in _records(path) if r["type"] == "event")
    records = [
        {"type": "timeline", "version": 1},
        {"type": "entity", "id": 1, "name": "Wire", "kind": "media"},
        {"type": "source", "id": 1, "title": "A", "url": "https://a.x", "publisher": 1,
         "published": "2026-01-01"},
        {"type": "source", "id": 2, "title": "B", "url": "https://b.x", "publisher": 1,
         "published": "2026-01-02"},
        {"type": "source", "id": 3, "title": "B again", "url": "https://b.x", "publisher": 1,
         "published": "2026-01-02"},
        {"type": "source", "id": 4, "title": "No URL", "publisher": 1, "published": "2026-01-03"},
        {"type": "event", "id": 1, "title": "Told", "kind": "misc", "when": when},
        *({"type": "claim", "event": 1, "source": n} for n in (1, 2, 3, 4)),
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    summary = import_file(tl, path)
    assert summary.documents == 2 and summary.claims == 4
    event = tl.events().first()
    assert event is not None
    sources = sorted(c.source_id or 0 for c in tl.claims(event))
    assert stored.id in sources and len(set(sources)) == 3
    assert import_file(tl, path).documents == 0


def test_records_of_the_wrong_shape_in_a_chunk_are_reported(tl: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    with Timeline(f"{tmp_path}/when.db") as other:
        other.add_event("Told", when="2026-01-02", kind="misc", external_ids={"x": "1"})
        export_file(other, path, format="jsonl")
    event = next(r for r in _records(path) if r["type"] == "event")
    odd = [
        {**event, "id": [1], "external_ids": {"x": "2"}},
        {**event, "external_ids": ["x", "3"]},
        {"type": "entity", "id": {"a": 1}, "name": "Ann", "kind": "person"},
        {"type": "source", "id": [2], "title": "T", "url": "https://t.x", "publisher": 1},
        {**event, "external_ids": {"x": "4"}},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in odd), encoding="utf-8")
    summary = import_file(tl, path, skip_invalid=True)
    assert [e.line for e in summary.errors] == [1, 2, 3, 4]
    assert summary.created == 1 and tl.events().count() == 1


_PLACES = [
    {"type": "timeline", "version": 1},
    {"type": "entity", "id": 1, "name": "Ann", "kind": "person", "aliases": [" Annie "]},
    {"type": "place", "id": 1, "name": "Korea", "kind": "country", "country": "kp",
     "aliases": ["  DPRK ", "korea"]},
    {"type": "place", "id": 2, "name": "Pyongyang", "kind": "city", "parent": 1, "lat": 39.0,
     "lon": 125.7},
    {"type": "place", "id": 3, "name": "Stored Town", "kind": "city", "aliases": ["Old Name"]},
    {"type": "place", "id": 4, "name": "Kaesong", "kind": "city", "parent": 1},
    {"type": "place", "id": 5, "name": "pyongyang", "kind": "city"},
    {"type": "place", "id": 6, "name": "Seaside", "kind": "town", "external_ids": {"g": "6"}},
    {"type": "place", "id": 7, "name": "Seaside", "kind": "town"},
]  # fmt: skip


def _places(tl: Timeline) -> list[tuple[object, ...]]:
    from sqlmodel import select

    from timeline.models import EntityAlias, Place, PlaceAlias

    with tl.session() as session:
        places = [
            (p.id, p.name, p.kind, p.country, p.parent_id, p.lat, p.lon, p.external_ids)
            for p in session.exec(select(Place).order_by(Place.id))
        ]
        aliases = [
            (a.place_id, a.name, a.key)
            for a in session.exec(select(PlaceAlias).order_by(PlaceAlias.id))
        ]
        names = [(a.entity_id, a.name) for a in session.exec(select(EntityAlias))]
    return [*places, *aliases, *names]


def test_places_in_a_chunk_are_written_as_one_at_a_time(
    tl: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Place records are written a chunk at a time: a place inside a new one waits for it, a
    stored place (or one of the chunk) by that name gets the record's aliases, and the
    result is the one of the per-row path."""
    from timeline.io import jsonio

    path = tmp_path / "places.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _PLACES), encoding="utf-8")
    tl.add_place("Stored Town", kind="city")
    summary = import_file(tl, path)
    assert summary.errors == []
    with Timeline(f"{tmp_path}/one.db") as one:
        one.add_place("Stored Town", kind="city")
        monkeypatch.delitem(jsonio._CHUNKS, "place")
        monkeypatch.delitem(jsonio._CHUNKS, "entity")
        import_file(one, path)
        written = _places(tl)
        assert _places(one) == written
    pyongyang = tl.place("Pyongyang")
    assert pyongyang.parent_id == tl.place("DPRK").id and pyongyang.lat == 39.0
    assert tl.place("Old Name").id == tl.place("Stored Town").id
    assert len({tl.place("Seaside").id, tl.place("Korea").id}) == 2
    assert import_file(tl, path).errors == [] and _places(tl) == written


def test_a_bad_place_record_in_a_chunk_is_reported_with_its_line(
    tl: Timeline, tmp_path: Path
) -> None:
    records = [
        *_PLACES[:3],
        {"type": "place", "id": 8, "name": "Far", "kind": "city", "lat": 91},
        {"type": "place", "id": 9, "name": "", "kind": "city"},
        {"type": "place", "id": 10, "name": "Inside", "kind": "city", "parent": 99},
        *_PLACES[3:],
    ]
    path = tmp_path / "places.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(ImportRowError) as raised:
        import_file(tl, path)
    assert raised.value.line == 4 and "lat" in str(raised.value)
    assert _places(tl) == []
    summary = import_file(tl, path, skip_invalid=True)
    assert [e.line for e in summary.errors] == [4, 5, 6]
    assert "parent 99 refers to no place" in summary.errors[2].reason
    assert tl.place("Pyongyang").parent_id == tl.place("Korea").id


def test_claims_that_say_another_state_than_their_event_record_win_in_a_chunk(
    tl: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event record whose state its claims do not say (an edited file) ends in the state
    its claims fold to, in a chunk as one record at a time."""
    from timeline.io import jsonio

    with Timeline(f"{tmp_path}/source.db") as source:
        _story(source, 6)
        path = tmp_path / "all.jsonl"
        export_file(source, path, format="jsonl")
    records = _records(path)
    for record in records:
        if record["type"] == "event":
            record["status"] = "planned"
            record["when"] = {**record["when"], "edtf": "2027-01-01", "span": True}  # type: ignore[dict-item]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    def states(timeline: Timeline) -> list[tuple[object, ...]]:
        return sorted((e.title, e.status, str(e.when), e.search_start) for e in timeline.events())

    assert import_file(tl, path).errors == []
    with Timeline(f"{tmp_path}/one.db") as one:
        monkeypatch.delitem(jsonio._CHUNKS, "claim")
        assert import_file(one, path).errors == []
        assert states(tl) == states(one)
    assert all(status != "planned" for _, status, _, _ in states(tl))


def test_lines_are_read_a_block_at_a_time_with_their_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines (of JSON Lines and drafts files) are split from blocks of text: a line longer
    than a block, Windows line ends, blank lines and a last line without its end keep their
    numbers."""
    from timeline.io import base

    path = tmp_path / "lines.txt"
    path.write_bytes(b'{"a": 1}\r\n\r\n{"b": "' + b"x" * 50 + b'"}\n\n{"c": 3}')
    monkeypatch.setattr(base, "_BUFFER", 7)
    with base.open_text(path) as stream:
        lines = list(base.iter_lines(stream))
    assert lines == [(1, '{"a": 1}'), (2, ""), (3, '{"b": "' + "x" * 50 + '"}'), (4, ""),
                     (5, '{"c": 3}')]  # fmt: skip
    path.write_text('{"type": "timeline", "version": 1}\n\n{"type": "nothing"}\n')
    with Timeline(f"{tmp_path}/lines.db") as tl, pytest.raises(ImportRowError) as raised:
        import_file(tl, path, format="jsonl")
    assert raised.value.line == 3


def test_an_event_changed_one_record_at_a_time_before_its_claims_ends_as_they_say(
    tl: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event written in a chunk, then changed by a later record of the same external id
    (one record at a time), ends in the state its claims fold to, as one at a time: its
    state as first written is not taken for the stored one."""
    from timeline.io import jsonio

    with Timeline(f"{tmp_path}/source.db") as source:
        _story(source, 6)
        path = tmp_path / "all.jsonl"
        export_file(source, path, format="jsonl")
        wanted = sorted((e.title, e.status, str(e.when)) for e in source.events())
    records = _records(path)
    last = max(i for i, r in enumerate(records) if r["type"] == "event")
    changed = [{**r, "status": "planned", "updated_at": "2099-01-01T00:00:00+00:00"}
               for r in records if r["type"] == "event"]  # fmt: skip
    records[last + 1 : last + 1] = changed
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    def states(timeline: Timeline) -> list[tuple[object, ...]]:
        return sorted((e.title, e.status, str(e.when)) for e in timeline.events())

    assert import_file(tl, path).errors == []
    assert states(tl) == wanted
    with Timeline(f"{tmp_path}/one.db") as one:
        monkeypatch.delitem(jsonio._CHUNKS, "event")
        monkeypatch.delitem(jsonio._CHUNKS, "claim")
        assert import_file(one, path).errors == []
        assert states(one) == wanted


#: The fields of each record type that hold a file id, or refer to one (of which type).
_ID_FIELDS = {
    "entity": {"id": "entity"},
    "place": {"id": "place", "parent": "place"},
    "source": {"id": "source", "publisher": "entity"},
    "event": {"id": "event", "place": "place"},
    "relation": {"source": "event", "target": "event"},
    "claim": {"event": "event", "source": "source"},
    "statement": {"speaker": "entity", "source": "source", "event": "event"},
}


@pytest.mark.parametrize(
    "renumber",
    [
        lambda kind, n: f"{kind}-{n}",
        lambda kind, n: -n,
        lambda kind, n: n * 100_000,
        lambda kind, n: 10**6 - n,
        lambda kind, n: n if n % 2 else f"{kind}{n}",
    ],
    ids=["strings", "negative", "sparse", "descending", "mixed"],
)
def test_records_that_refer_to_any_ids_restore_the_same_timeline(
    tl: Timeline, tmp_path: Path, renumber: Any
) -> None:
    """File ids need not be the dense integers an export writes: any ids restore the same
    timeline (and an integer id may be referred to as a whole float)."""
    with Timeline(f"{tmp_path}/source.db") as source:
        seed(source)
        _story(source, 12)
        path = tmp_path / "all.jsonl"
        export_file(source, path, format="jsonl")
    records = _records(path)
    for record in records:
        for name, kind in _ID_FIELDS.get(str(record["type"]), {}).items():
            if record.get(name) is not None:
                record[name] = renumber(kind, record[name])
        for actor in record.get("actors") or []:  # type: ignore[attr-defined]
            actor["entity"] = renumber("entity", actor["entity"])
        if record["type"] == "statement":
            record["about"] = [renumber("entity", n) for n in record["about"]]  # type: ignore[attr-defined]
        if record["type"] == "claim" and isinstance(record["event"], int):
            record["event"] = float(record["event"])
    renumbered = tmp_path / "renumbered.jsonl"
    renumbered.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert import_file(tl, renumbered).errors == []
    again = tmp_path / "again.jsonl"
    export_file(tl, again, format="jsonl")
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_a_when_is_read_whatever_the_order_of_its_keys(tl: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "when.jsonl"
    with Timeline(f"{tmp_path}/when.db") as other:
        other.add_event("Told", when="2026-01-02", kind="misc")
        export_file(other, path, format="jsonl")
    records = _records(path)
    event = next(r for r in records if r["type"] == "event")
    when = dict(event["when"])  # type: ignore[call-overload]
    event["when"] = dict(reversed(when.items()))
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert import_file(tl, path).errors == []
    assert [e.when.edtf for e in tl.events() if e.when] == ["2026-01-02"]
    odd = {**{k: v for k, v in when.items() if k != "date_phrase"}, "phrase": None}
    event["when"] = odd  # as many keys, one of them unknown
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(ImportRowError, match="unknown keys: phrase"):
        import_file(tl, path)
