"""Every export read back by an independent reader: icalendar, geojson, json schema, pandas."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import geojson
import icalendar
import pandas as pd
import pytest
from fixtures.story import seed

from timeline import Timeline, When
from timeline.io import EXPORTERS, export_file, import_file, register_exporter
from timeline.io.frame import to_dataframe
from timeline.models import WhenColumns
from timeline.when import Conventions


def test_ics_all_day_events_status_and_links(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    path = tmp_path / "story.ics"
    assert export_file(tl, path) == 3
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    congress = events["Ninth party congress"]
    assert congress.decoded("DTSTART") == date(2026, 2, 19)
    assert congress.decoded("DTEND") == date(2026, 2, 27)  # exclusive: the day after the close
    assert str(congress["STATUS"]) == "CONFIRMED"
    assert str(congress["URL"]) == "https://news.example/congress"
    visit = events["Trump visits China"]
    assert str(visit["STATUS"]) == "TENTATIVE"
    assert visit.decoded("DTSTART") == date(2026, 3, 1)
    assert visit.decoded("DTEND") - timedelta(days=1) == date(2026, 5, 31)
    assert len({str(e["UID"]) for e in events.values()}) == 3


def test_ics_round_trip_keeps_fuzzy_dates_and_is_idempotent(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    path = tmp_path / "story.ics"
    export_file(tl, path, format="ics")
    with Timeline(f"{tmp_path}/cal.db") as other:
        first = import_file(other, path, format="ics")
        assert first.created == 3
        again = import_file(other, path, format="ics")
        assert (again.created, again.unchanged) == (0, 3)
        visit = other.events().of_kind("diplomacy.visit").first()
        assert visit is not None and visit.status == "expected"
        assert visit.edtf == tl.events().of_kind("diplomacy").first().edtf  # type: ignore[union-attr]


def test_ics_import_of_a_foreign_calendar(tl: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "foreign.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\n"
        "BEGIN:VEVENT\r\nUID:a@example\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Summit\r\n"
        "DTSTART;VALUE=DATE:20260310\r\nDTEND;VALUE=DATE:20260313\r\nSTATUS:TENTATIVE\r\n"
        "LOCATION:Geneva\r\nGEO:46.2;6.15\r\nURL:https://example.org/summit\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b@example\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Call\r\n"
        "DTSTART:20260311T140000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:c@example\r\nSUMMARY:No start\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    summary = import_file(tl, path, skip_invalid=True)
    assert (summary.created, summary.skipped) == (2, 1)
    assert summary.errors[0].line == 22 and "DTSTART" in summary.errors[0].reason
    summit = tl.events().at("Geneva").first()
    assert summit is not None and summit.status == "expected"
    assert (summit.start_earliest, summit.end_latest) == (date(2026, 3, 10), date(2026, 3, 12))
    call = next(e for e in tl.events() if e.title == "Call")
    assert call.span and call.start_at is not None and call.end_at is not None
    assert (call.end_at - call.start_at).total_seconds() == 3600


def test_geojson_is_valid_and_carries_bounds(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    path = tmp_path / "story.geojson"
    assert export_file(tl, path) == 2  # the visit's place has no coordinates
    collection = geojson.loads(path.read_text(encoding="utf-8"))
    assert collection.is_valid, collection.errors()
    parade = next(
        f for f in collection["features"] if f["properties"]["title"] == "Military parade"
    )
    assert parade["geometry"]["coordinates"] == [125.7625, 39.0392]
    assert parade["properties"]["start_earliest"] == "2026-02-19"
    assert parade["properties"]["end_latest"] == "2026-02-26"


def test_timelinejs_partial_and_display_dates(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    tl.add_event("Founding", when="1945", kind="politics.founding")
    path = tmp_path / "story.json"
    export_file(tl, path, format="timelinejs")
    slides = {s["text"]["headline"]: s for s in json.loads(path.read_text())["events"]}
    assert slides["Founding"]["start_date"] == {"year": 1945}
    assert slides["Trump visits China"]["start_date"]["display_date"] == "spring 2026"
    congress = slides["Ninth party congress"]
    assert congress["start_date"] == {"year": 2026, "month": 2, "day": 19}
    assert congress["end_date"] == {"year": 2026, "month": 2, "day": 26}
    assert "&lt;" not in congress["text"]["headline"]


def test_jsonld_status_and_super_events(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    path = tmp_path / "story.jsonld"
    export_file(tl, path)
    graph = json.loads(path.read_text())["@graph"]
    by_name = {node["name"]: node for node in graph}
    parade, congress = by_name["Military parade"], by_name["Ninth party congress"]
    assert parade["superEvent"] == [{"@id": congress["@id"]}]
    assert congress["subEvent"] == [{"@id": parade["@id"]}]
    assert congress["eventStatus"] == "https://schema.org/EventScheduled"
    assert congress["startDate"] == "2026-02-19" and congress["endDate"] == "2026-02-26"
    assert parade["location"]["geo"]["latitude"] == 39.0392


def test_csv_export_is_safe_and_reads_back(tl: Timeline, tmp_path: Path) -> None:
    seed(tl)
    path = tmp_path / "story.csv"
    export_file(tl, path)
    frame = pd.read_csv(path)
    assert len(frame) == 3
    summary = frame.loc[frame["title"] == "Ninth party congress", "summary"].iloc[0]
    assert summary.startswith("'=")  # never a live formula in a spreadsheet
    with path.open(newline="", encoding="utf-8") as stream:
        for row in csv.reader(stream):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    with Timeline(f"{tmp_path}/back.db") as other:
        assert import_file(other, path).created == 3
        congress = other.events().of_kind("politics").first()
        assert (
            congress is not None
            and congress.summary == tl.events().of_kind("politics").first().summary
        )  # type: ignore[union-attr]


def test_dataframe(tl: Timeline) -> None:
    seed(tl)
    frame = to_dataframe(tl)
    assert list(frame["title"]) == ["Ninth party congress", "Military parade", "Trump visits China"]
    assert str(frame["start_earliest"].dtype).startswith("datetime64")


def test_register_an_exporter(tl: Timeline, tmp_path: Path) -> None:
    def write_titles(tl: Timeline, query: object, out: object) -> int:
        titles = [e.title for e in tl.events().order_by_time()]
        out.write("\n".join(titles))  # type: ignore[attr-defined]
        return len(titles)

    register_exporter("titles", write_titles)  # type: ignore[arg-type]
    try:
        seed(tl)
        assert export_file(tl, tmp_path / "t.txt", format="titles") == 3
        assert (tmp_path / "t.txt").read_text().startswith("Ninth party congress")
    finally:
        del EXPORTERS["titles"]


def test_dates_leave_at_the_precision_they_have(tl: Timeline, tmp_path: Path) -> None:
    """An instant known only to a window (a decade, a season) is exported as that window, not
    as its first year or day; a whole year stays one year."""
    tl.add_event("Decade", when="the 1990s", kind="x")
    tl.add_event("Year", when="2026", kind="x")
    tl.add_event("Spring", when="2026-21", kind="x")
    export_file(tl, tmp_path / "e.jsonld", format="jsonld")
    nodes = json.loads((tmp_path / "e.jsonld").read_text())["@graph"]
    dates = {n["name"]: (n.get("startDate"), n.get("endDate")) for n in nodes}
    assert dates == {
        "Decade": ("1990", "1999"),
        "Year": ("2026", None),
        "Spring": ("2026-03-01", "2026-05-31"),
    }
    export_file(tl, tmp_path / "e.json", format="timelinejs")
    slides = json.loads((tmp_path / "e.json").read_text())["events"]
    ends = {s["text"]["headline"]: s.get("end_date") for s in slides}
    assert ends == {"Decade": {"year": 1999}, "Year": None, "Spring": {"year": 2026, "month": 5}}


def _evenings(tl: Timeline) -> None:
    """Two events, each one moment in a window of hours in Pyongyang (no EDTF form)."""
    pyongyang = Conventions(default_tz="Asia/Pyongyang")
    for title, phrase in (("Evening rally", "this evening"), ("Morning drill", "Monday morning")):
        when = When.parse(phrase, "2026-02-26", conventions=pyongyang)
        tl.add_event(title, when=when, kind="politics.rally", reference=date(2026, 2, 26))


def _stored(tl: Timeline, *also: str) -> dict[str, dict[str, object]]:
    """Each event's stored date columns (without phrase and reference, unless named)."""
    names = [n for n in WhenColumns.model_fields if n not in ("date_phrase", "date_reference")]
    return {e.title: {n: getattr(e, n) for n in (*names, *also)} for e in tl.events()}


@pytest.mark.parametrize(
    ("format", "phrased"), [("csv", False), ("jsonl", True), ("json", True), ("ics", True)]
)
def test_a_window_of_times_round_trips_into_an_empty_database(
    tl: Timeline, tmp_path: Path, format: str, phrased: bool
) -> None:
    _evenings(tl)
    path = tmp_path / f"evenings.{format}"
    assert export_file(tl, path) == 2
    also = ("date_phrase", "date_reference") if phrased else ()  # CSV has no column for them
    with Timeline(f"{tmp_path}/empty.db") as other:
        assert import_file(other, path).created == 2
        assert _stored(other, *also) == _stored(tl, *also)
        assert {str(e.when) for e in other.events() if e.when and e.when.is_instant} == {
            "between 18:00 and 23:59 KST on 26 Feb 2026",
            "between 06:00 and 11:59 KST on 23 Feb 2026",
        }
        assert import_file(other, path).unchanged == 2


def test_exports_keep_the_times_of_a_window(tl: Timeline, tmp_path: Path) -> None:
    _evenings(tl)
    with (tmp_path / "x.csv").open("w", encoding="utf-8", newline="") as out:
        export_file(tl, out, format="csv")
    rally = next(
        r for r in csv.DictReader((tmp_path / "x.csv").open()) if r["title"] == "Evening rally"
    )
    assert rally["when"] == (
        "[2026-02-26T18:00:00+09:00[Asia/Pyongyang]..2026-02-26T23:59:59+09:00[Asia/Pyongyang]]"
    )
    assert (rally["start_earliest"], rally["start_latest"], rally["end_latest"]) == (
        "2026-02-26T18:00:00+09:00",
        "2026-02-26T23:59:59+09:00",
        "2026-02-26T23:59:59+09:00",
    )
    export_file(tl, tmp_path / "x.jsonld")
    node = next(
        n
        for n in json.loads((tmp_path / "x.jsonld").read_text())["@graph"]
        if n["name"] == "Evening rally"
    )
    assert (node["startDate"], node["endDate"]) == (
        "2026-02-26T18:00:00+09:00",
        "2026-02-26T23:59:59+09:00",
    )
