"""One door for every write: the identity rule and the reproductions of issue "one door".

Each test here failed before the write pipeline (timeline/write/) replaced the separate write
paths of add_event, add_events and the importers.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from timeline import (
    AmbiguousNameError,
    Entity,
    ImportRowError,
    InvalidEventError,
    NotFoundError,
    Place,
    Source,
    Timeline,
)
from timeline.cli import cli
from timeline.io import export_file, import_file
from timeline.write.pipeline import BULK_GC_THRESHOLD


def _count(tl: Timeline, model: type) -> int:
    with tl.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# -- the identity rule: entities ----------------------------------------------------------


def test_a_shared_alias_never_merges_two_people(tl: Timeline) -> None:
    kim = tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim"])
    sister = tl.add_entity("Kim Yo Jong", kind="person", aliases=["Kim"])
    assert sister.id != kim.id and sister.name == "Kim Yo Jong"
    tl.add_event("Inspection", when="2026-03-02", kind="military", actors={"Kim Jong Un": "host"})
    tl.add_event("Statement", when="2026-03-03", kind="politics", actors={"Kim Yo Jong": "speaker"})
    assert [e.title for e in tl.events().involving("Kim Yo Jong")] == ["Statement"]
    assert [e.title for e in tl.events().involving("Kim Jong Un")] == ["Inspection"]
    with pytest.raises(AmbiguousNameError) as caught:
        tl.events().involving("Kim").all()
    assert sorted(c[0] for c in caught.value.candidates) == ["Kim Jong Un", "Kim Yo Jong"]
    assert "person" in str(caught.value) and str(kim.id) in str(caught.value)
    assert isinstance(caught.value, NotFoundError) and isinstance(caught.value, LookupError)


def test_surnames_shared_in_a_family(tl: Timeline) -> None:
    donald = tl.add_entity("Donald Trump", kind="person", aliases=["Trump"])
    melania = tl.add_entity("Melania Trump", kind="person", aliases=["Trump"])
    assert melania.id != donald.id
    assert tl.entity("Melania Trump").id == melania.id
    with pytest.raises(AmbiguousNameError):
        tl.entity("Trump")
    with pytest.raises(AmbiguousNameError):
        tl.add_event("Visit", when="2026-04", kind="diplomacy", actors={"Trump": "visitor"})
    assert tl.events().count() == 0


def test_an_alias_of_one_entity_still_finds_it(tl: Timeline) -> None:
    kim = tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim Jong-un", "김정은"])
    assert tl.add_entity("김정은", kind="person").id == kim.id  # an alias of exactly one
    assert tl.add_entity("KIM JONG UN", kind="person").id == kim.id
    assert tl.add_entity("Kim Jong Un", kind="country").id != kim.id  # the kind narrows


def test_aliases_are_added_explicitly(tl: Timeline) -> None:
    kim = tl.add_entity("Kim Jong Un", kind="person")
    tl.add_aliases(kim, "Marshal Kim")
    tl.add_entity(kim.id, aliases=["Supreme Leader"])
    assert tl.entity("marshal kim").id == kim.id
    assert tl.entity("Supreme Leader").id == kim.id


def test_a_name_can_be_narrowed_by_kind(tl: Timeline) -> None:
    tl.add_entity("Georgia", kind="country")
    state = tl.add_entity("Georgia", kind="state")
    with pytest.raises(AmbiguousNameError):
        tl.entity("Georgia")
    assert tl.entity("Georgia", kind="state").id == state.id
    event = tl.add_event("Vote", when="2026-05", kind="politics", actors={state.id: "host"})
    assert tl.events().involving("Georgia", kind="state").all()[0].id == event.id


# -- the identity rule: places ---------------------------------------------------------------


def test_a_csv_place_finds_the_only_place_of_that_name(tl: Timeline, tmp_path: Path) -> None:
    tl.add_place("North Korea", kind="country", country="KP")
    city = tl.add_place("Pyongyang", kind="city", parent="North Korea")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("title,when,kind,place\nParade,2026-02-25,military.parade,Pyongyang\n")
    import_file(tl, sheet, format="csv")
    assert _count(tl, Place) == 2
    assert tl.place("Pyongyang").id == city.id
    [parade] = tl.events().at("North Korea").all()
    assert parade.place_id == city.id


def test_an_ambiguous_place_is_reported_on_its_row(tl: Timeline, tmp_path: Path) -> None:
    tl.add_place("Georgia", kind="country")
    tl.add_place("United States", kind="country")
    tl.add_place("Georgia", kind="state", parent="United States")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("title,when,kind,place\nA,2026-02-25,x,Tbilisi\nB,2026-02-26,x,Georgia\n")
    summary = import_file(tl, sheet, format="csv", skip_invalid=True)
    assert summary.created == 1
    [error] = summary.errors
    assert error.line == 3 and "names several" in error.reason
    with pytest.raises(AmbiguousNameError):
        tl.events().at("Georgia").count()
    assert tl.events().at("Georgia", kind="country").count() == 0


# -- sources -------------------------------------------------------------------------------


def test_documents_match_by_url_then_title_publisher_and_day(tl: Timeline) -> None:
    first = tl.add_source("Talks", publisher="Wire", published="2026-03-01", url="https://x/1")
    again = tl.add_source(
        "Other title", publisher="Paper", published="2026-03-02", url="https://x/1"
    )
    assert again.id == first.id
    plain = tl.add_source("Talks", publisher="Wire", published="2026-03-01")
    assert plain.id == first.id  # no URL: the same title, publisher and day
    assert tl.add_source("Talks", publisher="Wire", published="2026-03-02").id != plain.id
    assert tl.add_source("Talks", publisher="Paper", published="2026-03-01").id != plain.id


# -- everything recorded, every way in -------------------------------------------------------


def test_every_door_records_claim_version_and_revision(tl: Timeline, tmp_path: Path) -> None:
    tl.add_event("One", when="2026-03-01", kind="x")
    tl.add_events([{"title": "Two", "when": "2026-03-02", "kind": "x"}])
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("title,when,kind\nThree,2026-03-03,x\n")
    import_file(tl, sheet, format="csv")
    for event in tl.events().all():
        assert [r.action for r in tl.revisions(event)] == ["create"], event.title
        assert len(tl.claims(event)) == 1, event.title
        assert [str(v) for v in [e.status for e in tl.history(event)]] == ["occurred"]


# -- atomic command-line writes ----------------------------------------------------------------


def test_a_refused_cli_add_leaves_nothing_behind(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    args = ["--db", db, "add", "Talks", "--when", "2026-02-30", "--kind", "diplomacy"]
    result = CliRunner().invoke(cli, [*args, "--actor", "New Person=host", "--place", "New Place"])
    assert result.exit_code == 1, result.output
    with Timeline(db) as tl:
        assert (_count(tl, Entity), _count(tl, Place), tl.events().count()) == (0, 0, 0)


def test_cli_add_records_provenance(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    args = ["--db", db, "add", "Trump visits China", "--when", "later this spring"]
    args += ["--kind", "diplomacy.visit", "--status", "expected", "--actor", "Donald Trump=visitor"]
    args += ["--source", "Congress closes", "--publisher", "Wire", "--published", "2026-02-26"]
    args += ["--url", "https://example.org/congress", "--quote", "expected later this spring"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    with Timeline(db) as tl:
        [visit] = tl.events().all()
        assert visit.edtf == "2026-21"  # resolved against the report's day
        [entry] = tl.history(visit)
        assert (entry.publisher, entry.quote) == ("Wire", "expected later this spring")
        assert entry.published == date(2026, 2, 26)
        assert entry.source is not None and entry.source.url == "https://example.org/congress"
        assert tl.entity("Donald Trump").kind == "person"


# -- round trips ----------------------------------------------------------------------------


def _story(tl: Timeline) -> None:
    tl.add_place("Pyongyang", kind="city")
    report = tl.add_source("Congress closes", publisher="Wire", published="2026-02-26")
    tl.add_event(
        "Congress", when="2026-02-19/2026-02-26", kind="politics.congress", place="Pyongyang"
    )
    tl.add_event(
        "Visit", when="later this spring", kind="diplomacy.visit", status="expected", source=report
    )


def _state(tl: Timeline) -> tuple[int, ...]:
    events = tl.events().all()
    claims = sum(len(tl.claims(e)) for e in events)
    revisions = sum(len(tl.revisions(e)) for e in events)
    return len(events), claims, revisions, _count(tl, Place), _count(tl, Source)


@pytest.mark.parametrize("fmt", ["ics", "jsonl", "json"])
def test_an_export_imported_back_changes_nothing(tl: Timeline, tmp_path: Path, fmt: str) -> None:
    pytest.importorskip("icalendar")
    _story(tl)
    path = tmp_path / f"story.{fmt}"
    export_file(tl, path, format=fmt)
    before = _state(tl)
    summary = import_file(tl, path, format=fmt)
    assert (summary.created, summary.updated) == (0, 0)
    assert _state(tl) == before
    with Timeline(tmp_path / "other.db") as other:
        assert import_file(other, path, format=fmt).created == 2
        assert import_file(other, path, format=fmt).created == 0
        assert other.events().count() == 2


def test_an_open_end_keeps_the_day_it_was_still_going_through_icalendar(
    tl: Timeline, tmp_path: Path
) -> None:
    pytest.importorskip("icalendar")
    strike = tl.add_event("Strike", when="since 2020", kind="labor", reference="2026-02-26")
    path = tmp_path / "strike.ics"
    export_file(tl, path, format="ics")
    with Timeline(tmp_path / "other.db") as other:
        assert import_file(other, path, format="ics").created == 1
        [back] = other.events().all()
        assert back.when == strike.when and back.end_earliest == date(2026, 2, 26)
        assert back.date_phrase == "since 2020" and back.date_reference == date(2026, 2, 26)
        assert other.events().between("2024", "2024", certainty="certain").count() == 1


# -- CSV provenance -------------------------------------------------------------------------


def test_csv_resolves_relative_dates_against_the_mapped_publication_day(
    tl: Timeline, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "title,when,kind,published,publisher,quote\nTalks,next month,x,2026-02-26,Wire,soon\n"
    )
    import_file(tl, sheet, format="csv")
    [talks] = tl.events().all()
    assert talks.edtf == "2026-03"
    [entry] = tl.history(talks)
    assert (entry.publisher, entry.quote, entry.published) == ("Wire", "soon", date(2026, 2, 26))
    assert entry.source is not None and entry.source.title == "Wire, 2026-02-26"


def test_csv_reference_option(tl: Timeline, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("title,when,kind\nTalks,next month,x\n")
    import_file(tl, sheet, format="csv", reference="2026-02-26")
    assert tl.events().first().edtf == "2026-03"  # type: ignore[union-attr]


def test_a_quote_without_a_report_is_kept(tl: Timeline, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("title,when,kind,quote\nTalks,2026-03,x,they will meet\n")
    import_file(tl, sheet, format="csv")
    [entry] = tl.history(tl.events().first())  # type: ignore[arg-type]
    assert (entry.quote, entry.source) == ("they will meet", None)


def test_add_events_keeps_the_part_of_rule_of_add_event(tl: Timeline) -> None:
    congress = tl.add_event("Congress", when="2026-02-19/2026-02-26", kind="politics.congress")
    rows = [{"title": "Drill", "when": "2026-01-10", "kind": "military", "part_of": congress.id}]
    with pytest.raises(InvalidEventError, match=r"row 0.*certainly outside"):
        tl.add_events(rows)
    assert tl.events().count() == 1


def test_an_expected_event_looks_forward_for_a_bare_month(tl: Timeline) -> None:
    report = tl.add_source("Congress closes", publisher="Wire", published="2026-02-26")
    summit = tl.add_event(
        "Summit", when="in December", kind="diplomacy", status="expected", source=report
    )
    talks = tl.add_event("Talks", when="in December", kind="diplomacy", source=report)
    assert (summit.edtf, talks.edtf) == ("2026-12", "2025-12")
    assert [e.title for e in tl.events().upcoming(as_of="2026-02-26")] == ["Summit"]


def test_a_bulk_write_is_searchable_and_keeps_the_search_triggers(tl: Timeline) -> None:
    """Chunks of new events and quoted claims fill the full-text index at once (on SQLite by
    one statement instead of a trigger per row): every row is found, the index checks out,
    and writes after the bulk one are indexed as before."""
    tl.add_events(
        {
            "title": f"Summit number{n} opens",
            "when": "2026-03-01",
            "kind": "politics.summit",
            "source": {"title": f"Report {n}", "published": "2026-03-02"},
            "quote": f"delegates said quote{n} aloud",
        }
        for n in range(250)
    )
    tl.add_event("Late talks", when="2026-03-05", kind="politics.talks")
    assert [e.title for e in tl.events().search("number17")] == ["Summit number17 opens"]
    assert [e.title for e in tl.events().search("number249")] == ["Summit number249 opens"]
    assert [e.title for e in tl.events().search("late")] == ["Late talks"]
    assert tl.events().search("summit").count() == 250
    if tl.engine.dialect.name == "sqlite":
        with tl.engine.connect() as connection:
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts_insert'"
            ).scalars()
            assert sorted(triggers) == ["timeline_claim_fts_insert", "timeline_event_fts_insert"]
            for table in ("timeline_event_fts", "timeline_claim_fts"):
                connection.exec_driver_sql(
                    f"INSERT INTO {table}({table}) VALUES ('integrity-check')"
                )
            quoted = connection.exec_driver_sql(
                "SELECT count(*) FROM timeline_claim_fts WHERE timeline_claim_fts MATCH 'quote17'"
            ).scalar()
            assert quoted == 1


def test_a_bulk_write_puts_the_collector_thresholds_back(tl: Timeline) -> None:
    """Bulk writes raise the garbage collector's first threshold while they run, and put the
    thresholds back afterwards, refused or not."""
    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []

    def rows() -> Iterator[dict[str, str]]:
        during.append(gc.get_threshold())
        yield {"title": "Talks", "when": "2026-03-01", "kind": "politics.talks"}

    tl.add_events(rows())
    assert during[0][0] >= BULK_GC_THRESHOLD
    assert gc.get_threshold() == before
    with pytest.raises(InvalidEventError):
        tl.add_events([{"title": "", "when": "2026-03-01", "kind": "politics.talks"}])
    assert gc.get_threshold() == before


def test_a_reimported_row_with_a_bad_place_name_is_reported_on_its_line(
    tl: Timeline, tmp_path: Path
) -> None:
    """A row of a stored event (its external id known) whose place name cannot be stored is
    refused as every bad row is: an ImportRowError naming the file and the line."""
    fixture = Path(__file__).parent / "fixtures" / "gdelt.export.CSV"
    lines = fixture.read_text(encoding="utf-8").splitlines()
    good = tmp_path / "good.export.CSV"
    good.write_text(lines[1] + "\n", encoding="utf-8")
    import_file(tl, good, format="gdelt-events")
    cells = lines[1].split("\t")
    cells[52] = "Bad\0Place"  # ActionGeo_FullName
    bad = tmp_path / "bad.export.CSV"
    bad.write_text("\t".join(cells) + "\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as caught:
        import_file(tl, bad, format="gdelt-events")
    assert caught.value.line == 1 and "bad.export.CSV" in str(caught.value)
