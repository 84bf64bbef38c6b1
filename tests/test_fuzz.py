"""Fuzzing: generated text, bytes, rows and JSON through the date parser and every importer.

Properties: any text gives a ``When`` or :class:`InvalidDateError` (bounds ordered, EDTF round
trip stable); any file gives an import or a :class:`TimelineError` (nothing else escapes), a
failed import leaves the database unchanged, and export -> import -> export is stable for JSON
and JSON Lines. CI runs 40 examples per property; ``benchmarks/fuzz_long.py`` runs the same
properties with many more (``TIMELINE_FUZZ_EXAMPLES``) and prints how many each target tried.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from fixtures.csvtext import csv_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_reliability_inputs import dump
from test_when_properties import ANY_TEXT, _assert_ordered, edtf_text

from timeline import InvalidDateError, Precision, Timeline, TimelineError, When
from timeline.io import export_file, import_file

#: Examples per property: a short run in CI; benchmarks/fuzz_long.py sets a long one. These
#: settings apply to this module's properties only, never to other modules' Hypothesis tests.
EXAMPLES = int(os.environ.get("TIMELINE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

#: Examples run per property (read by benchmarks/fuzz_long.py).
TRIED: Counter[str] = Counter()

FIXTURES = Path(__file__).parent / "fixtures"
GDELT_ROW = (FIXTURES / "gdelt.export.CSV").read_text(encoding="utf-8").splitlines()[1]
MENTION_ROW = (FIXTURES / "gdelt.mentions.CSV").read_text(encoding="utf-8").splitlines()[0]
ACLED_LINES = (FIXTURES / "acled.csv").read_text(encoding="utf-8").splitlines()


# -- a fresh database per example, copied from a migrated template --------------------------------


class _Template:
    """A migrated, seeded SQLite file, copied for each example (opening is then cheap)."""

    path: Path | None = None

    @classmethod
    def get(cls) -> Path:
        if cls.path is None:
            folder = Path(tempfile.mkdtemp(prefix="timeline-fuzz-"))
            cls.path = folder / "template.db"
            with Timeline(cls.path) as tl:
                tl.add_entity("Kim Jong-un", kind="person")
                tl.add_event(
                    "Congress closes",
                    when="2026-02-26",
                    kind="politics.congress",
                    actors={"Kim Jong-un": "speaker"},
                    external_ids={"gdelt": "1100000001", "acled": "KOR1001"},
                )
        return cls.path


@contextmanager
def fresh() -> Iterator[tuple[Timeline, Path]]:
    """A seeded timeline of its own, and a folder for the example's files."""
    folder = Path(tempfile.mkdtemp(prefix="timeline-fuzz-"))
    try:
        shutil.copy(_Template.get(), folder / "fuzz.db")
        with Timeline(folder / "fuzz.db") as tl:
            yield tl, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_SHARED: dict[str, tuple[Timeline, Path]] = {}


def shared(target: str) -> tuple[Timeline, Path]:
    """One seeded timeline per target, kept across examples (a new engine per example would
    spend its time compiling SQL): what succeeded stays, and each failure is checked alone."""
    if target not in _SHARED:
        folder = Path(tempfile.mkdtemp(prefix="timeline-fuzz-"))
        shutil.copy(_Template.get(), folder / "fuzz.db")
        _SHARED[target] = Timeline(folder / "fuzz.db"), folder
    return _SHARED[target]


def check_import(target: str, format_: str, content: bytes, name: str = "") -> None:
    """Import ``content``: it succeeds, or raises a TimelineError naming the file and leaves
    the database as it was. Any other exception fails the property."""
    TRIED[target] += 1
    tl, folder = shared(target)
    path = folder / (name or f"fuzz.{format_}")
    path.write_bytes(content)
    before = dump(tl.engine)
    try:
        import_file(tl, path, format=format_)
    except TimelineError as error:
        assert path.name in str(error) or format_ in str(error), str(error)[:300]
        assert dump(tl.engine) == before
        return
    # Accepted: what was imported can be exported again.
    export_file(tl, io.StringIO(), format="jsonl")


# -- the date parser ------------------------------------------------------------------------------


@FUZZ
@given(ANY_TEXT, st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31))))
def test_fuzz_when_parse(text: str, reference: date | None) -> None:
    """Any text: InvalidDateError, or a When with ordered bounds that its EDTF keeps."""
    TRIED["When.parse"] += 1
    try:
        when = When.parse(text, reference)
    except InvalidDateError:
        return
    _assert_ordered(when)
    if when.edtf is not None:
        # A phrase may have a precision EDTF cannot write (a week): its EDTF keeps the bounds,
        # and from there the round trip is exact.
        again = When.parse(when.edtf)
        assert _bounds(again) == _bounds(when)
        assert When.parse(again.edtf or "") == again


def _bounds(when: When) -> tuple[object, ...]:
    return (when.start_earliest, when.start_latest, when.end_earliest, when.end_latest)


@FUZZ
@given(edtf_text())
def test_fuzz_edtf_round_trip(text: str) -> None:
    TRIED["When.parse(EDTF)"] += 1
    try:
        when = When.parse(text)
    except InvalidDateError:
        return
    _assert_ordered(when)
    assert when.edtf is not None
    assert When.parse(when.edtf) == when


# -- every importer: arbitrary bytes --------------------------------------------------------------

FORMATS = ["json", "jsonl", "csv", "acled", "gdelt-events", "gdelt-mentions", "ics"]
NAMES = {"gdelt-events": "fuzz.export.CSV", "gdelt-mentions": "fuzz.mentions.CSV"}


@FUZZ
@given(st.sampled_from(FORMATS), st.binary(max_size=600))
def test_fuzz_importers_with_bytes(format_: str, content: bytes) -> None:
    check_import(f"{format_} (bytes)", format_, content, NAMES.get(format_, ""))


# -- CSV: rows of hostile cells -------------------------------------------------------------------

CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["2026-02-26", "2026-02-30", "2026-13", "0000", "10000-01-01", "2026-03/2026-01", "~2026"]
    ),
    st.sampled_from(["politics.congress", "Bad Kind", "occurred", "rumoured", "A (host)", ""]),
    st.text(alphabet='",\r\n\x00 ;()=', max_size=10),
)
HEADER = ["title", "when", "kind", "status", "actors", "place", "lat", "lon", "summary", "tags"]


@FUZZ
@given(
    st.lists(st.lists(CELL, min_size=0, max_size=12), max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)
def test_fuzz_csv_rows(rows: list[list[str]], newline: str, quoted: bool) -> None:
    if quoted:
        text = csv_text([HEADER, *rows], lineterminator=newline)
    else:  # joined by hand: stray quotes, short and long rows
        text = "".join(",".join(row) + newline for row in [HEADER, *rows])
    check_import("csv (rows)", "csv", text.encode("utf-8"))


# -- ACLED and GDELT: real rows with cells replaced, dropped or added -----------------------------


@st.composite
def mutated(draw: st.DrawFn, row: str, separator: str) -> str:
    cells = row.split(separator)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        at = draw(st.integers(0, len(cells) - 1))
        if action == "replace":
            cells[at] = draw(CELL)
        elif action == "drop" and len(cells) > 1:
            cells.pop(at)
        else:
            cells.insert(at, draw(CELL))
    return separator.join(cells)


@FUZZ
@given(st.lists(mutated(GDELT_ROW, "\t"), min_size=1, max_size=4))
def test_fuzz_gdelt_events(rows: list[str]) -> None:
    content = "\n".join(rows).encode("utf-8")
    check_import("gdelt-events (rows)", "gdelt-events", content, "fuzz.export.CSV")


@FUZZ
@given(st.lists(mutated(MENTION_ROW, "\t"), min_size=1, max_size=4))
def test_fuzz_gdelt_mentions(rows: list[str]) -> None:
    content = "\n".join(rows).encode("utf-8")
    check_import("gdelt-mentions (rows)", "gdelt-mentions", content, "fuzz.mentions.CSV")


@FUZZ
@given(st.lists(mutated(ACLED_LINES[4], ","), min_size=1, max_size=3))
def test_fuzz_acled(rows: list[str]) -> None:
    content = "\n".join([ACLED_LINES[0], *rows]).encode("utf-8")
    check_import("acled (rows)", "acled", content, "fuzz.csv")


# -- iCalendar: events with hostile property values -----------------------------------------------

ICS_PROPERTY = st.sampled_from(["SUMMARY", "DTSTART", "DTEND", "UID", "DESCRIPTION", "STATUS"])


@FUZZ
@given(st.lists(st.lists(st.tuples(ICS_PROPERTY, CELL), max_size=5), max_size=3))
def test_fuzz_ics(events: list[list[tuple[str, str]]]) -> None:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//fuzz//EN"]
    for properties in events:
        lines.append("BEGIN:VEVENT")
        lines.extend(f"{name}:{value}" for name, value in properties)
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    check_import("ics (events)", "ics", "\r\n".join(lines).encode("utf-8"))


# -- JSON: valid JSON that is not our schema, and our records with one field changed --------------

JSON_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False),
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _exported_records() -> list[dict[str, Any]]:
    with fresh() as (tl, folder):
        export_file(tl, folder / "all.jsonl", format="jsonl")
        lines = (folder / "all.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


RECORDS = _exported_records()


@st.composite
def broken_record(draw: st.DrawFn) -> dict[str, Any]:
    record = dict(draw(st.sampled_from(RECORDS)))
    key = draw(st.one_of(st.sampled_from(sorted(record)), st.text(max_size=8)))
    if draw(st.booleans()) and key in record:
        del record[key]
    else:
        record[key] = draw(JSON_VALUE)
    if draw(st.booleans()) and isinstance(record.get("when"), dict) and record["when"]:
        when = dict(record["when"])
        when[draw(st.sampled_from(sorted(when)))] = draw(JSON_VALUE)
        record["when"] = when
    return record


@FUZZ
@given(st.lists(st.one_of(JSON_VALUE, broken_record()), max_size=5), st.booleans())
def test_fuzz_json_records(records: list[Any], lines: bool) -> None:
    if lines:
        content = "".join(json.dumps(r) + "\n" for r in records)
        check_import("jsonl (records)", "jsonl", content.encode("utf-8"))
    else:
        check_import("json (records)", "json", json.dumps({"records": records}).encode("utf-8"))


@FUZZ
@given(JSON_VALUE)
def test_fuzz_json_documents(document: Any) -> None:
    check_import("json (documents)", "json", json.dumps(document).encode("utf-8"))


# -- round trip -----------------------------------------------------------------------------------

EVENT = st.fixed_dictionaries(
    {
        "title": st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and "\x00" not in t),
        "when": st.one_of(
            edtf_text(),
            st.dates(date(1, 1, 1), date(9999, 12, 31)),
        ),
        "kind": st.sampled_from(["politics", "politics.congress", "military.parade", "a_b.c"]),
        "status": st.sampled_from(["occurred", "planned", "cancelled", "rumored", "ongoing"]),
        "tags": st.lists(st.sampled_from(["x", "y", "ü"]), max_size=2),
    }
)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 5))
@given(
    # Two events without external ids that share title, kind and dates are one event to an
    # import (docs/io.md, "Idempotent"): generate distinct titles.
    st.lists(EVENT, min_size=1, max_size=5, unique_by=lambda e: e["title"].strip()),
    st.sampled_from(["json", "jsonl"]),
)
def test_fuzz_export_import_round_trip(events: list[dict[str, Any]], format_: str) -> None:
    """Export, import into an empty database, export again: the two files are identical."""
    TRIED[f"{format_} round trip"] += 1
    with fresh() as (tl, folder):
        added = 0
        for event in events:
            try:
                tl.add_event(**event)
                added += 1
            except InvalidDateError:
                continue
        first, second = folder / f"first.{format_}", folder / f"second.{format_}"
        export_file(tl, first, format=format_)
        shutil.copy(_Template.get(), folder / "copy.db")  # the same seeded event, no others
        with Timeline(folder / "copy.db") as copy:
            summary = import_file(copy, first, format=format_)
            assert (summary.skipped, summary.created, summary.errors) == (0, added, [])
            export_file(copy, second, format=format_)
        assert second.read_bytes() == first.read_bytes()


def test_quadrimesters_can_be_stored(tl: Timeline) -> None:
    """Found by the round-trip property: EDTF 2026-37 parsed, but the event could not be stored."""
    event = tl.add_event("Four months", when="2026-37", kind="test")
    stored = tl.get_event(event.id)
    assert stored.when.start_precision is Precision.QUADRIMESTER
    assert stored.when.edtf == "2026-37"
