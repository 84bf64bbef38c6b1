"""CSV import with a column mapping: dry run, line-numbered errors, all or nothing, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import ImportRowError, Timeline, TimelineError
from timeline.io import import_file
from timeline.io.csvio import CsvMapping

FIXTURES = Path(__file__).parent / "fixtures"


def test_mapping_file_imports_every_field(tl: Timeline) -> None:
    summary = import_file(
        tl, FIXTURES / "protests.csv", format="csv", mapping=FIXTURES / "protests.mapping.json"
    )
    assert (summary.created, summary.skipped, summary.documents) == (3, 0, 1)
    rally = tl.events().involving("Police").first()
    assert rally is not None and rally.title == "Rally in the capital"
    assert sorted(role for _, role in tl.actors(rally)) == ["organizer", "responder"]
    assert tl.entity("Union A").kind == "organization"
    assert tl.place("Seoul").lat == pytest.approx(37.5665)
    assert tl.events().at("Busan").first().edtf == "2026-03"  # type: ignore[union-attr]
    assert tl.events().of_kind("politics").count() == 2
    multi = tl.events().of_kind("politics.protest").order_by_time().all()[-1]
    assert multi.title == "Multi-line\ntitle" and multi.start_approximate


def test_reimport_updates_nothing_twice(tl: Timeline) -> None:
    mapping = FIXTURES / "protests.mapping.json"
    import_file(tl, FIXTURES / "protests.csv", format="csv", mapping=mapping)
    again = import_file(tl, FIXTURES / "protests.csv", format="csv", mapping=mapping)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert tl.events().count() == 3


def test_dry_run_shows_what_would_be_created(tl: Timeline) -> None:
    summary = import_file(
        tl,
        FIXTURES / "protests.csv",
        mapping=FIXTURES / "protests.mapping.json",
        dry_run=True,
    )
    assert summary.dry_run and summary.created == 3
    assert summary.created_titles[0] == "Rally in the capital"
    assert tl.events().count() == 0
    with pytest.raises(TimelineError, match="no place"):
        tl.place("Seoul")


def _bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(
        "title,when,kind,confidence\n"
        "Good one,2026-01-05,politics.meeting,0.5\n"
        '"Two\nlines",2026-01-06,politics.meeting,\n'
        "Bad date,2026-02-30,politics.meeting,\n"
        "Bad kind,2026-01-07,Not A Kind!,\n"
        "Bad confidence,2026-01-08,politics.meeting,lots\n"
        ",2026-01-09,politics.meeting,\n"
        "Good two,2026-01-10,politics.meeting,1\n",
        encoding="utf-8",
    )
    return path


def test_a_bad_row_imports_nothing_and_names_its_line(tl: Timeline, tmp_path: Path) -> None:
    with pytest.raises(ImportRowError) as raised:
        import_file(tl, _bad_file(tmp_path))
    assert raised.value.line == 5  # line 3-4 is one quoted row; the bad date is on line 5
    assert "bad.csv:5" in str(raised.value) and "2026-02-30" in str(raised.value)
    assert tl.events().count() == 0


def test_skip_invalid_imports_exactly_the_good_rows(tl: Timeline, tmp_path: Path) -> None:
    summary = import_file(tl, _bad_file(tmp_path), skip_invalid=True)
    assert summary.created == 3 and summary.skipped == 4
    assert [(e.line, e.field) for e in summary.errors] == [
        (5, "when"),
        (6, "kind"),
        (7, "confidence"),
        (8, "title"),
    ]
    assert "lots" in summary.errors[2].reason
    assert sorted(e.title for e in tl.events()) == ["Good one", "Good two", "Two\nlines"]


def test_mapping_errors_name_the_column(tl: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Headline,Date\nA,2026-01-01\n")
    with pytest.raises(TimelineError, match="'Missing'"):
        import_file(tl, path, format="csv", mapping={"title": "Headline", "when": "Missing"})
    with pytest.raises(TimelineError, match="unknown CSV mapping field"):
        CsvMapping.coerce({"columns": {"titel": "Headline"}})


def test_start_and_end_columns_and_defaults(tl: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    path.write_text("name;from;to\nTalks;2026-03-01;2026-03-04\nOpen-ended;2026-04;\n")
    mapping = CsvMapping(
        columns={"title": "name", "start": "from", "end": "to"},
        defaults={"kind": "diplomacy.talks"},
        delimiter=";",
    )
    assert import_file(tl, path, format="csv", mapping=mapping).created == 2
    talks = tl.events().of_kind("diplomacy").order_by_time().first()
    assert talks is not None and talks.span and talks.end_latest.isoformat() == "2026-03-04"  # type: ignore[union-attr]


def test_a_file_that_is_not_utf8_is_refused_clearly(tl: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("title,when,kind\nCaf\u00e9,2026-01-01,politics\n".encode("latin-1"))
    with pytest.raises(TimelineError, match="not UTF-8"):
        import_file(tl, path)
    assert tl.events().count() == 0
