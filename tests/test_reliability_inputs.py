"""The bad-input corpus: every public entry point refuses bad input cleanly, or accepts it as
documented (docs/reliability.md, "Bad input").

A refusal is a :class:`~timeline.TimelineError` subclass whose message names the input (the
file, row or field) and where it was, and the database is exactly as it was before: a logical
dump of every ``timeline_`` table is compared before and after, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, inspect

from timeline import (
    InvalidDateError,
    Timeline,
    TimelineError,
    When,
)
from timeline.cli import cli
from timeline.io import export_file, import_file

# -- the logical dump -------------------------------------------------------------------------


_TABLES: dict[str, list[str]] = {}


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every ``timeline_`` table, sorted: equal dumps mean equal databases."""
    names = _TABLES.get(engine.dialect.name)
    if names is None:  # every database here is at the head revision: list the tables once
        found = inspect(engine).get_table_names()
        names = _TABLES[engine.dialect.name] = sorted(n for n in found if n.startswith("timeline_"))
    with engine.connect() as connection:
        return {
            name: sorted(
                (tuple(row) for row in connection.exec_driver_sql(f'SELECT * FROM "{name}"')),
                key=repr,
            )
            for name in names
        }


@pytest.fixture
def seeded(tl: Timeline) -> Timeline:
    """A timeline with a little in it, so "unchanged" means more than "still empty"."""
    tl.add_entity("Kim Jong-un", kind="person")
    tl.add_place("Pyongyang", kind="city")
    source = tl.add_source("KCNA report", publisher="KCNA", published=date(2026, 2, 26))
    tl.add_event(
        "Congress closes",
        when="2026-02-26",
        kind="politics.congress",
        actors={"Kim Jong-un": "speaker"},
        place="Pyongyang",
        source=source,
        tags=["congress"],
        external_ids={"test": "1"},
    )
    return tl


def refused(
    tl: Timeline,
    call: Callable[[], object],
    *names: str,
    error: type[TimelineError] = TimelineError,
) -> TimelineError:
    """``call`` raises ``error`` naming each of ``names``, and leaves the database unchanged."""
    before = dump(tl.engine)
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    for name in names:
        assert name in message, f"{name!r} not in {message[:300]!r}"
    assert len(message) < 2000, "the message quotes a bounded part of the input"
    assert dump(tl.engine) == before
    return caught.value


# -- dates ------------------------------------------------------------------------------------

#: Text that is not a date: impossible days and months, year 0 and 10000, reversed intervals,
#: garbage, and hostile shapes that could make a regex backtrack.
BAD_DATES = [
    "2026-02-30",
    "2026-13",
    "2026-00-10",
    "2026-04-31",
    "2025-02-29",
    "0000-01-01",
    "10000-01-01",
    "2026-03/2026-01",
    "2026-03-05/2026-03-04",
    "2026-13-45T25:61",
    "",
    "   ",
    "not a date",
    "2026-02-26\x00",
    "\ufeff\u200b",
    "1" * 100_000,
    "(" * 50_000,
    "2026-" * 20_000,
    "2026-02-26/" * 10_000,
    "early " * 20_000 + "2026",
    "~" * 50_000 + "2026",
    "1" * 200,
    "(" * 200,
    "2026-" * 40,
    "[" + "2026-02-30," * 18 + "]",
    "2026-02-26/" * 18,
    "{" + "..," * 66 + "}",
]

#: Values of the wrong type where a date is expected.
BAD_WHEN_TYPES: list[Any] = [None, 1, 2026.5, math.nan, True, [], ["2026"], {}, {"y": 1}, b"2026"]


@pytest.mark.parametrize("text", BAD_DATES, ids=lambda t: repr(t[:20]) + f"x{len(t)}")
def test_when_parse_refuses_bad_dates(text: str) -> None:
    with pytest.raises(InvalidDateError) as caught:
        When.parse(text)
    assert "invalid date" in str(caught.value)
    assert len(str(caught.value)) < 2000


@pytest.mark.parametrize("value", BAD_WHEN_TYPES, ids=repr)
def test_when_parse_refuses_wrong_types(value: Any) -> None:
    with pytest.raises(InvalidDateError, match="invalid date"):
        When.parse(value)


# -- add_event, add_events, add_claim -----------------------------------------------------------

#: (field, value, words the message must name): one bad field of an otherwise good event.
BAD_FIELDS: list[tuple[str, Any, str]] = [
    ("title", None, "title"),
    ("title", "", "title"),
    ("title", "   ", "title"),
    ("title", 1, "title"),
    ("title", ["a"], "title"),
    ("title", {"a": 1}, "title"),
    ("title", math.nan, "title"),
    ("title", True, "title"),
    ("title", "T\x00", "NUL"),
    ("kind", None, "kind"),
    ("kind", "", "kind"),
    ("kind", 3, "kind"),
    ("kind", "Not A Kind!", "kind"),
    ("kind", "military..parade", "kind"),
    ("kind", ["military"], "kind"),
    ("status", "rumoured", "status"),
    ("status", 1, "status"),
    ("status", "", "status"),
    ("status", ["occurred"], "status"),
    ("when", "2026-02-30", "2026-02-30"),
    ("when", "2026-13", "2026-13"),
    ("when", "0000", "0000"),
    ("when", "10000-01-01", "10000"),
    ("when", "2026-03/2026-01", "2026-03/2026-01"),
    ("when", None, "None"),
    ("when", 2026, "2026"),
    ("when", math.nan, "nan"),
    ("when", [], "[]"),
    ("when", {}, "{}"),
    ("when", True, "True"),
    ("confidence", math.nan, "confidence"),
    ("confidence", 1.5, "confidence"),
    ("confidence", -0.1, "confidence"),
    ("confidence", "high", "confidence"),
    ("confidence", math.inf, "confidence"),
    ("summary", 5, "summary"),
    ("summary", ["a"], "summary"),
    ("quote", 5, "quote"),
    ("tags", [1], "tag"),
    ("tags", [None], "tag"),
    ("tags", [""], "tag"),
    ("tags", ["a\x00"], "NUL"),
    ("tags", 5, "tags"),
    ("actors", {"Nobody Known": "speaker"}, "Nobody Known"),
    ("actors", {"Kim Jong-un": 5}, "role"),
    ("actors", {"Kim Jong-un": ""}, "role"),
    ("actors", ["Kim Jong-un"], "actors"),
    ("actors", "Kim Jong-un", "actors"),
    ("place", "Atlantis", "Atlantis"),
    ("place", 5, "place"),
    ("place", ["Pyongyang"], "place"),
    ("external_ids", {"test": 5}, "external"),
    ("external_ids", {"": "x"}, "scheme"),
    ("external_ids", ["test:1"], "external_ids"),
    ("part_of", 999_999, "999999"),
    ("part_of", "no-such", "no-such"),
    ("source", 999_999, "999999"),
    ("source", "KCNA", "source"),
    ("reference", "yesterday", "reference"),
]

GOOD_EVENT = {"title": "Parade", "when": "2026-02-26", "kind": "military.parade"}


def _bad_case_id(case: tuple[str, Any, str]) -> str:
    return f"{case[0]}={case[1]!r}"[:40]


@pytest.mark.parametrize("case", BAD_FIELDS, ids=_bad_case_id)
def test_add_event_refuses_bad_fields(seeded: Timeline, case: tuple[str, Any, str]) -> None:
    field, value, named = case
    fields = {**GOOD_EVENT, field: value}
    title = fields.pop("title")
    refused(seeded, lambda: seeded.add_event(title, **fields), named)


@pytest.mark.parametrize("case", BAD_FIELDS, ids=_bad_case_id)
def test_add_events_refuses_bad_fields(seeded: Timeline, case: tuple[str, Any, str]) -> None:
    """A bad row among good ones: the error names the row and the field; nothing is written."""
    field, value, named = case
    if field in ("quote",):
        pytest.skip("add_events rows have no quote")
    rows = [dict(GOOD_EVENT), dict(GOOD_EVENT, title="Second"), {**GOOD_EVENT, field: value}]
    error = refused(seeded, lambda: seeded.add_events(rows), named)
    assert "2" in str(error), "the message names the row"


@pytest.mark.parametrize("missing", ["title", "when", "kind"])
def test_add_events_refuses_missing_required_fields(seeded: Timeline, missing: str) -> None:
    row = {k: v for k, v in GOOD_EVENT.items() if k != missing}
    refused(seeded, lambda: seeded.add_events([GOOD_EVENT, row]), missing)


@pytest.mark.parametrize("row", [None, "title", 5, ["Parade", "2026", "x"]], ids=repr)
def test_add_events_refuses_rows_that_are_not_mappings(seeded: Timeline, row: Any) -> None:
    refused(seeded, lambda: seeded.add_events([GOOD_EVENT, row]), "row 1")


@pytest.mark.parametrize(
    ("event", "fields", "named"),
    [
        (999_999, {"source": None, "status": "cancelled"}, "999999"),
        ("1", {"source": None, "status": "cancelled"}, "'1'"),
        (None, {"source": None, "status": "cancelled"}, "None"),
        (1, {"source": 999_999}, "999999"),
        (1, {"source": None, "status": "rumoured"}, "status"),
        (1, {"source": None, "status": 5}, "status"),
        (1, {"source": None, "when": "2026-02-30"}, "2026-02-30"),
        (1, {"source": None, "when": "2026-03/2026-01"}, "2026-03/2026-01"),
        (1, {"source": None, "when": 5}, "5"),
        (1, {"source": None, "when": math.nan}, "nan"),
        (1, {"source": None, "status": "cancelled", "confidence": math.nan}, "confidence"),
        (1, {"source": None, "status": "cancelled", "confidence": 7}, "confidence"),
        (1, {"source": None, "status": "cancelled", "quote": 5}, "quote"),
    ],
    ids=repr,
)
def test_add_claim_refuses_bad_input(
    seeded: Timeline, event: Any, fields: dict[str, Any], named: str
) -> None:
    refused(seeded, lambda: seeded.add_claim(event, **fields), named)


def test_a_million_character_title_is_refused_with_a_short_message(seeded: Timeline) -> None:
    """Free text is limited to 100,000 characters (docs/reliability.md, "Hostile text")."""
    title = "ä" * 1_000_000
    refused(seeded, lambda: seeded.add_event(title, when="2026", kind="test"), "title", "100,000")
    refused(seeded, lambda: seeded.add_events([{**GOOD_EVENT, "title": title}]), "row 0")


# -- importers ----------------------------------------------------------------------------------

CSV_HEADER = "title,when,kind\n"
CSV_ROW = "Talks open,2026-03-02,diplomacy.talks\n"
GDELT_ROW = (Path(__file__).parent / "fixtures" / "gdelt.export.CSV").read_text().splitlines()[1]
MENTION_ROW = (
    (Path(__file__).parent / "fixtures" / "gdelt.mentions.CSV").read_text().splitlines()[0]
)
ACLED = (Path(__file__).parent / "fixtures" / "acled_bad.csv").read_text().splitlines()
ICS_EVENT = (
    "BEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Talks\r\nDTSTART;VALUE=DATE:20260302\r\nEND:VEVENT\r\n"
)


def _ics(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        + "".join(events)
        + ("END:VCALENDAR\r\n")
    )


def _jsonl(*records: Any) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def _exported_day() -> dict[str, Any]:
    """The stored ``when`` columns of 2026-03-02, as an export writes them."""
    out = io.StringIO()
    with Timeline() as tl:
        tl.add_event("Talks", when="2026-03-02", kind="diplomacy")
        export_file(tl, out, format="jsonl")
    return dict(json.loads(out.getvalue().splitlines()[1])["when"])


DAY = _exported_day()
EVENT_RECORD = {"type": "event", "id": 1, "title": "Talks", "kind": "diplomacy", "when": DAY}
BIG = "x" * 10_000_000

#: (format, file name, content, words the error must name). Content is text (written as
#: UTF-8) or bytes (written as is). Every case must be refused.
BAD_FILES: list[tuple[str, str, str | bytes, tuple[str, ...]]] = [
    # csv
    ("csv", "bad_date.csv", CSV_HEADER + CSV_ROW + "Talks close,2026-02-30,diplomacy\n", (":3",)),
    ("csv", "year0.csv", CSV_HEADER + "T,0000-01-01,x\n", (":2", "when")),
    ("csv", "year10k.csv", CSV_HEADER + "T,10000-01-01,x\n", (":2", "when")),
    ("csv", "reversed.csv", CSV_HEADER + "T,2026-03/2026-01,x\n", (":2", "when")),
    ("csv", "no_title.csv", CSV_HEADER + ",2026-03-02,x\n", (":2", "title")),
    ("csv", "no_kind.csv", CSV_HEADER + "T,2026-03-02,\n", (":2",)),
    ("csv", "bad_kind.csv", CSV_HEADER + "T,2026-03-02,Not A Kind!\n", (":2", "kind")),
    ("csv", "bad_status.csv", "title,when,kind,status\nT,2026,x,rumoured\n", (":2", "status")),
    ("csv", "stray.csv", CSV_HEADER + 'T "quoted" here,2026-03-02,"x\n', ("stray.csv",)),
    ("csv", "quote_eof.csv", CSV_HEADER + CSV_ROW + '"unterminated,2026,x', ("quote_eof.csv",)),
    ("csv", "short_row.csv", CSV_HEADER + "Only a title\n", (":2",)),
    ("csv", "nul.csv", CSV_HEADER + "T\x00itle,2026-03-02,x\n", (":2", "title", "NUL")),
    ("csv", "latin1.csv", (CSV_HEADER + "Caf\xe9 talks,2026-03-02,x\n").encode("latin-1"), ()),
    ("csv", "invalid_utf8.csv", CSV_HEADER.encode() + b"T\xff\xfe,2026,x\n", ("UTF-8",)),
    ("csv", "utf16_nobom.csv", (CSV_HEADER + CSV_ROW).encode("utf-16-le"), ("utf16_nobom",)),
    ("csv", "truncated.csv", (CSV_HEADER + CSV_ROW).encode()[:-5] + b"\xe2\x82", ()),
    ("csv", "long_line.csv", CSV_HEADER + f"{BIG},2026-02-30,x\n", (":2", "field limit")),
    ("csv", "no_header.csv", CSV_ROW, ("no_header.csv",)),
    ("csv", "header_only_bad.csv", "a,b,c\n1,2,3\n", ("header_only_bad.csv", "title")),
    # json
    ("json", "number.json", "42", ("number.json",)),
    ("json", "strings.json", '["a", "b"]', ("strings.json", ":1")),
    ("json", "wrong_types.json", json.dumps({"records": [{**EVENT_RECORD, "title": 5}]}), (":1",)),
    ("json", "records_obj.json", json.dumps({"records": {"a": 1}}), ("records_obj.json",)),
    ("json", "truncated.json", json.dumps({"records": [EVENT_RECORD]})[:-7], ("truncated.json",)),
    ("json", "empty.json", "", ("empty.json",)),
    ("json", "nul.json", '{"records": [\x00]}', ("nul.json",)),
    ("json", "null.json", "null", ("null.json",)),
    ("json", "deep.json", "[" * 100_000, ("deep.json", "nested too deeply")),
    ("jsonl", "deep.jsonl", _jsonl(EVENT_RECORD) + "[" * 100_000 + "\n", (":2", "too deeply")),
    ("json", "unknown_type.json", json.dumps([{"type": "war"}]), (":1", "type")),
    ("json", "no_when.json", json.dumps([{**EVENT_RECORD, "when": None}]), (":1", "when")),
    ("json", "when_keys.json", json.dumps([{**EVENT_RECORD, "when": {"span": False}}]), ("when",)),
    ("json", "when_str.json", json.dumps([{**EVENT_RECORD, "when": "2026"}]), (":1", "when")),
    (
        "json",
        "bad_span.json",
        json.dumps([{**EVENT_RECORD, "when": {**DAY, "start_earliest": "2026-02-30"}}]),
        (":1", "start_earliest"),
    ),
    (
        "json",
        "reversed.json",
        json.dumps([{**EVENT_RECORD, "when": {**DAY, "start_earliest": "2026-04-01"}}]),
        (":1", "when"),
    ),
    ("json", "actors_int.json", json.dumps([{**EVENT_RECORD, "actors": 5}]), (":1", "actors")),
    ("json", "actors_str.json", json.dumps([{**EVENT_RECORD, "actors": "ab"}]), (":1", "actors")),
    ("json", "tags_int.json", json.dumps([{**EVENT_RECORD, "tags": 5}]), (":1", "tags")),
    ("json", "tags_str.json", json.dumps([{**EVENT_RECORD, "tags": "ab"}]), (":1", "tags")),
    (
        "json",
        "ids_list.json",
        json.dumps([{**EVENT_RECORD, "external_ids": ["a"]}]),
        (":1", "external_ids"),
    ),
    ("json", "status.json", json.dumps([{**EVENT_RECORD, "status": "rumour"}]), (":1", "status")),
    ("json", "status_int.json", json.dumps([{**EVENT_RECORD, "status": 3}]), (":1", "status")),
    ("json", "kind.json", json.dumps([{**EVENT_RECORD, "kind": "Bad Kind"}]), (":1", "kind")),
    ("json", "conf.json", json.dumps([{**EVENT_RECORD, "confidence": "x"}]), (":1",)),
    ("json", "conf_big.json", json.dumps([{**EVENT_RECORD, "confidence": 5}]), (":1",)),
    ("json", "nan.json", '[{"type": "event", "title": NaN}]', (":1",)),
    ("json", "created.json", json.dumps([{**EVENT_RECORD, "created_at": "x"}]), (":1",)),
    ("json", "type_int.json", json.dumps([{"type": 5}]), (":1", "type")),
    ("json", "entity.json", json.dumps([{"type": "entity", "id": 1}]), (":1",)),
    ("json", "entity_name.json", json.dumps([{"type": "entity", "name": []}]), (":1",)),
    ("json", "place.json", json.dumps([{"type": "place", "name": "P", "lat": "north"}]), (":1",)),
    ("json", "source.json", json.dumps([{"type": "source", "title": "T"}]), (":1",)),
    ("json", "relation.json", json.dumps([{"type": "relation", "source": 1}]), (":1",)),
    ("json", "claim.json", json.dumps([{"type": "claim", "event": 7}]), (":1",)),
    ("json", "statement.json", json.dumps([{"type": "statement"}]), (":1",)),
    ("json", "utf16_nobom.json", json.dumps([EVENT_RECORD]).encode("utf-16-le"), ()),
    ("json", "latin1.json", json.dumps([EVENT_RECORD], ensure_ascii=False).encode() + b"\xe9", ()),
    # jsonl
    ("jsonl", "bad_line.jsonl", _jsonl(EVENT_RECORD) + "{not json\n", (":2",)),
    ("jsonl", "number.jsonl", "42\n", (":1",)),
    ("jsonl", "string.jsonl", '"event"\n', (":1",)),
    ("jsonl", "mixed.jsonl", _jsonl(EVENT_RECORD) + "\r\n\r" + '{"type": 1}\n', ("type",)),
    ("jsonl", "nul.jsonl", _jsonl(EVENT_RECORD) + "\x00\n", (":2",)),
    ("jsonl", "truncated.jsonl", _jsonl(EVENT_RECORD, EVENT_RECORD)[:-9], (":2",)),
    (
        "jsonl",
        "long.jsonl",
        _jsonl({**EVENT_RECORD, "when": {**DAY, "start_earliest": BIG}}),
        (":1", "start_earliest"),
    ),
    ("jsonl", "invalid_utf8.jsonl", _jsonl(EVENT_RECORD).encode() + b"\xc3\x28\n", ()),
    # gdelt
    ("gdelt-events", "short.export.CSV", GDELT_ROW.rsplit("\t", 1)[0] + "\n", (":1", "columns")),
    ("gdelt-events", "long.export.CSV", GDELT_ROW + "\textra\n", (":1", "columns")),
    ("gdelt-events", "date.export.CSV", GDELT_ROW.replace("20260226", "20260230", 1), (":1",)),
    ("gdelt-events", "id.export.CSV", "x" + GDELT_ROW + "\n" + "y" + GDELT_ROW, (":2",)),
    ("gdelt-events", "nul.export.CSV", GDELT_ROW.replace("PRK", "P\x00K", 1) + "\n\x00", ()),
    ("gdelt-events", "big.export.CSV", GDELT_ROW + "\n" + BIG + "\n", (":2", "columns")),
    ("gdelt-mentions", "short.mentions.CSV", "1\t2\t3\n", (":1", "columns")),
    ("gdelt-mentions", "date.mentions.CSV", MENTION_ROW.replace("20260226121500", "x"), (":1",)),
    # acled
    ("acled", "bad_date.csv", "\n".join(ACLED[:3]), (":3",)),
    ("acled", "bad_precision.csv", "\n".join([ACLED[0], ACLED[3]]), (":2",)),
    ("acled", "bad_lat.csv", "\n".join([ACLED[0], ACLED[4]]), (":2",)),
    ("acled", "short.csv", ACLED[0] + "\nKOR1,02 March 2024\n", (":2",)),
    ("acled", "no_header.csv", "a,b\n1,2\n", ("no_header.csv",)),
    ("acled", "latin1.csv", (ACLED[0] + "\n" + ACLED[1] + "\xe9").encode("latin-1"), ()),
    # ics
    ("ics", "not_ics.ics", "hello\n", ("not_ics.ics",)),
    ("ics", "no_summary.ics", _ics(ICS_EVENT.replace("SUMMARY:Talks\r\n", "")), ("SUMMARY",)),
    ("ics", "bad_date.ics", _ics(ICS_EVENT.replace("20260302", "20260230")), ("bad_date.ics",)),
    ("ics", "no_start.ics", _ics(ICS_EVENT.replace("DTSTART;VALUE=DATE:20260302\r\n", "")), ()),
    ("ics", "truncated.ics", _ics(ICS_EVENT)[:-30], ("truncated.ics",)),
    ("ics", "empty.ics", "", ("empty.ics",)),
    ("ics", "utf16.ics", _ics(ICS_EVENT).encode("utf-16-le"), ("utf16.ics",)),
    ("ics", "nul.ics", _ics(ICS_EVENT.replace("Talks", "Ta\x00lks")), ("nul.ics", "NUL")),
]


def _write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("format_", "name", "content", "named"), BAD_FILES, ids=[c[1] for c in BAD_FILES]
)
def test_importers_refuse_bad_files(
    seeded: Timeline,
    tmp_path: Path,
    format_: str,
    name: str,
    content: str | bytes,
    named: tuple[str, ...],
) -> None:
    path = _write(tmp_path, name, content)
    refused(seeded, lambda: import_file(seeded, path, format=format_), name, *named)


# -- documented acceptances -------------------------------------------------------------------

#: (format, file name, content, titles imported): accepted and imported as written.
ACCEPTED_FILES: list[tuple[str, str, bytes, list[str]]] = [
    ("csv", "bom.csv", b"\xef\xbb\xbf" + (CSV_HEADER + CSV_ROW).encode(), ["Talks open"]),
    (
        "csv",
        "utf16_bom.csv",
        (CSV_HEADER + CSV_ROW).encode("utf-16"),
        ["Talks open"],
    ),
    (
        "csv",
        "endings.csv",
        b"title,when,kind\r\nA,2026-03-02,x\rB,2026-03-03,x\nC,2026-03-04,x\r\n",
        ["A", "B", "C"],
    ),
    (
        "csv",
        "quoted_newline.csv",
        b'title,when,kind\r\n"Two\r\nlines",2026-03-02,x\r\n',
        ["Two\r\nlines"],
    ),
    ("csv", "empty.csv", b"", []),
    ("csv", "header_only.csv", CSV_HEADER.encode(), []),
    ("json", "bom.json", b"\xef\xbb\xbf" + json.dumps([EVENT_RECORD]).encode(), ["Talks"]),
    ("json", "utf16_bom.json", json.dumps([EVENT_RECORD]).encode("utf-16"), ["Talks"]),
    ("json", "empty_list.json", b"[]", []),
    (
        "jsonl",
        "endings.jsonl",
        (json.dumps(EVENT_RECORD) + "\r\n\r\n").encode()
        + json.dumps({**EVENT_RECORD, "id": 2, "title": "B"}).encode()
        + b"\r",
        ["B", "Talks"],
    ),
    ("jsonl", "empty.jsonl", b"", []),
    ("jsonl", "blank.jsonl", b"\n\r\n  \n", []),
    ("gdelt-events", "empty.export.CSV", b"", []),
    ("gdelt-events", "crlf.export.CSV", (GDELT_ROW + "\r\n").encode(), ["1100000001"]),
    ("gdelt-events", "utf16.export.CSV", GDELT_ROW.encode("utf-16"), ["1100000001"]),
    ("ics", "bom.ics", b"\xef\xbb\xbf" + _ics(ICS_EVENT).encode(), ["Talks"]),
    ("ics", "lf.ics", _ics(ICS_EVENT).replace("\r\n", "\n").encode(), ["Talks"]),
    ("ics", "no_events.ics", _ics().encode(), []),
]


@pytest.mark.parametrize(
    ("format_", "name", "content", "titles"), ACCEPTED_FILES, ids=[c[1] for c in ACCEPTED_FILES]
)
def test_importers_accept_documented_variants(
    tl: Timeline, tmp_path: Path, format_: str, name: str, content: bytes, titles: list[str]
) -> None:
    path = _write(tmp_path, name, content)
    summary = import_file(tl, path, format=format_)
    assert summary.created == len(titles)
    found = sorted(e.title for e in tl.events().all())
    if format_ == "gdelt-events":
        assert len(found) == len(titles)
    else:
        assert found == sorted(titles)


def test_missing_file_and_unknown_format_are_refused(seeded: Timeline, tmp_path: Path) -> None:
    refused(seeded, lambda: import_file(seeded, tmp_path / "nope.csv"), "nope.csv")
    refused(seeded, lambda: import_file(seeded, tmp_path), str(tmp_path.name))
    path = _write(tmp_path, "a.txt", CSV_HEADER + CSV_ROW)
    refused(seeded, lambda: import_file(seeded, path), "a.txt")
    refused(seeded, lambda: import_file(seeded, path, format="xml"), "xml")


@pytest.mark.parametrize(
    ("mapping", "named"),
    [
        ({"title": "Headline"}, "Headline"),
        ({"title": 5}, "title"),
        ({"nonsense": "title"}, "nonsense"),
        ("missing.json", "missing.json"),
        ("bad_mapping.json", "bad_mapping.json"),
        ("list_mapping.json", "list_mapping.json"),
        (["title"], "mapping"),
        (5, "mapping"),
    ],
    ids=repr,
)
def test_csv_mapping_errors_are_refused(
    seeded: Timeline, tmp_path: Path, mapping: Any, named: str
) -> None:
    path = _write(tmp_path, "data.csv", CSV_HEADER + CSV_ROW)
    _write(tmp_path, "bad_mapping.json", '{"columns": ')
    _write(tmp_path, "list_mapping.json", "[1, 2]")
    if isinstance(mapping, str):
        mapping = tmp_path / mapping
    refused(seeded, lambda: import_file(seeded, path, format="csv", mapping=mapping), named)


def test_skip_invalid_imports_the_good_rows_of_a_mixed_file(tl: Timeline, tmp_path: Path) -> None:
    content = CSV_HEADER + CSV_ROW + "Bad,2026-02-30,x\n" + "Also bad,2026,Bad Kind\n"
    path = _write(tmp_path, "mixed.csv", content)
    summary = import_file(tl, path, format="csv", skip_invalid=True)
    assert (summary.created, summary.skipped) == (1, 2)
    assert [(e.line, e.field) for e in summary.errors] == [(3, "when"), (4, "kind")]


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path) -> Iterator[tuple[str, Timeline]]:
    """A seeded SQLite database file for the CLI, and a Timeline to dump it with."""
    path = str(tmp_path / "cli.db")
    with Timeline(path) as tl:
        tl.add_event("Congress closes", when="2026-02-26", kind="politics.congress")
        yield path, tl


#: Arguments after ``--db DB``, each of which must be refused.
BAD_COMMANDS: list[list[str]] = [
    ["add", "T", "--when", "2026-02-30", "--kind", "x"],
    ["add", "T", "--when", "2026-03/2026-01", "--kind", "x"],
    ["add", "T", "--when", "0000", "--kind", "x"],
    ["add", "T", "--when", "2026", "--kind", "Not A Kind"],
    ["add", "T", "--when", "2026", "--kind", "x", "--status", "rumoured"],
    ["add", "", "--when", "2026", "--kind", "x"],
    ["add", "T", "--when", "2026", "--kind", "x", "--actor", "nobody"],
    ["add", "T", "--when", "2026", "--kind", "x", "--id", "noscheme"],
    ["add", "T", "--when", "2026", "--kind", "x", "--reference", "2026-02-30"],
    ["add", "T", "--when", "1" * 100_000, "--kind", "x"],
    ["add", "T", "--kind", "x"],
    ["ls", "--between", "2026-02-30", "2026-03"],
    ["ls", "--between", "2026-03", "2026-01"],
    ["ls", "--within", "x", "y"],
    ["ls", "--kind", "Bad Kind!"],
    ["ls", "--limit", "-1"],
    ["ls", "--limit", "many"],
    ["show", "999999"],
    ["show", "abc"],
    ["show", "-5"],
    ["import", "{missing}"],
    ["import", "{tmp}/bad.csv"],
    ["import", "{tmp}/bad.csv", "--format", "xml"],
    ["import", "{tmp}/utf16.json"],
    ["import", "{tmp}/number.json"],
    ["import", "{tmp}/bad.csv", "--mapping", "{tmp}/number.json"],
    ["import", "{tmp}/bad.csv", "--format", "json", "--mapping", "{tmp}/number.json"],
    ["import", "{tmp}"],
    ["export", "--format", "xml"],
    ["export", "-o", "{tmp}/out.unknown"],
    ["export", "-o", "{tmp}/no/such/dir/out.json"],
    ["export", "--format", "json", "--between", "x", "y"],
    ["db", "upgrade", "nonsense"],
    ["db", "downgrade", "nonsense"],
    ["db", "downgrade"],
    ["nonsense"],
]


def _cli_files(tmp: Path) -> None:
    _write(tmp, "bad.csv", CSV_HEADER + "T,2026-02-30,x\n")
    _write(tmp, "utf16.json", b"\x00[\x00]")
    _write(tmp, "number.json", "42")


def _args(args: list[str], tmp: Path) -> list[str]:
    return [a.format(tmp=tmp, missing=tmp / "missing.csv") for a in args]


@pytest.mark.parametrize("args", BAD_COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_cli_refuses_bad_input_cleanly(
    cli_db: tuple[str, Timeline], tmp_path: Path, args: list[str]
) -> None:
    path, tl = cli_db
    _cli_files(tmp_path)
    before = dump(tl.engine)
    result = CliRunner().invoke(cli, ["--db", path, *_args(args, tmp_path)])
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Error" in result.output
    assert dump(tl.engine) == before


@pytest.mark.parametrize(
    "args",
    [
        ["init"],
        ["add", "T", "--when", "2026", "--kind", "x"],
        ["import", "{tmp}/bad.csv"],
        ["ls"],
        ["show", "1"],
        ["export", "--format", "json"],
        ["db", "current"],
        ["db", "history"],
        ["db", "upgrade"],
        ["db", "downgrade", "base"],
    ],
    ids=" ".join,
)
def test_cli_refuses_a_file_that_is_not_a_database(tmp_path: Path, args: list[str]) -> None:
    """A text file, or a truncated database, given as --db: a one-line error, no traceback."""
    path = _write(tmp_path, "notes.db", "these are my notes, not a database\n" * 100)
    before = path.read_bytes()
    _cli_files(tmp_path)
    result = run_cli("--db", str(path), *_args(args, tmp_path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Error:"), result.stderr[-500:]
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert path.read_bytes() == before


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "timeline", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"},
        timeout=timeout,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["add", "T", "--when", "2026-02-30", "--kind", "x"],
        ["add", "T", "--when", "(" * 50_000, "--kind", "x"],
        ["import", "{tmp}/big.csv"],
        ["import", "{tmp}/utf16.json"],
        ["show", "999999"],
    ],
    ids=lambda a: " ".join(a)[:30],
)
def test_cli_errors_are_one_line_on_stderr(
    cli_db: tuple[str, Timeline], tmp_path: Path, args: list[str]
) -> None:
    """In a real process, bounded in time: exit 1, one ``Error:`` line, no traceback."""
    path, tl = cli_db
    _cli_files(tmp_path)
    _write(tmp_path, "big.csv", CSV_HEADER + f"{BIG},2026-02-30,x\n")
    before = dump(tl.engine)
    result = run_cli("--db", path, *_args(args, tmp_path), timeout=60)
    assert result.returncode == 1, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr[-500:]
    assert len(lines[0]) < 2000
    assert dump(tl.engine) == before


def test_cli_refuses_a_missing_database_without_creating_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.db"
    for args in (["ls"], ["show", "1"], ["export"], ["db", "current"], ["db", "downgrade", "x"]):
        result = CliRunner().invoke(cli, ["--db", str(path), *args])
        assert result.exit_code != 0 and "no database" in result.output, args
    assert not path.exists()
