"""Article → event drafts: ``Timeline.draft_events``, ``import_file(format="drafts")`` and
``timeline extract``, on both backends."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _seed import record_seed_story
from click.testing import CliRunner
from fixtures.story import db_address
from sqlalchemy import Engine

from timeline import ImportRowError, Timeline, When
from timeline.cli import cli
from timeline.io import import_file
from timeline.write.draft import KEYWORDS

ARTICLE = Path(__file__).parent / "fixtures" / "article-2026-02-26.txt"
PUBLISHED = "2026-02-26"


def seed_drafts(tl: Timeline) -> list[dict[str, Any]]:
    """The drafts of the seed article, with the seed story's entities and places known."""
    record_seed_story(tl)
    return tl.draft_events(
        ARTICLE.read_text(encoding="utf-8"),
        published=PUBLISHED,
        publisher="Seed news report",
        title="Kim sets terms for ties with Washington as party congress closes",
        url="https://news.example/kim-congress",
    )


def trump_visit(drafts: list[dict[str, Any]]) -> dict[str, Any]:
    (visit,) = [d for d in drafts if "Donald Trump" in d.get("actors", {})]
    return visit


def write_jsonl(path: Path, drafts: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in drafts), "utf-8")
    return path


def test_the_seed_article_drafts_trumps_expected_visit_to_china(tl: Timeline) -> None:
    drafts = seed_drafts(tl)
    visit = trump_visit(drafts)
    assert visit["status"] == "expected"
    assert {"Donald Trump", "China"} <= set(visit["actors"])
    assert set(visit["actors"].values()) == {"participant"}
    assert visit["place"] == "China"  # the place named nearest the date (Pyongyang is too)
    when = When.parse(visit["when"], visit.get("reference"))
    assert (when.start_earliest, when.end_latest) == (date(2026, 3, 1), date(2026, 5, 31))
    # The clause around the date, "who" read as the known name before it.
    assert visit["title"] == "Donald Trump is expected to visit China later this spring"
    assert visit["quote"].startswith("While leaving the door open to renewed dialogue")
    assert visit["source"] == {
        "title": "Kim sets terms for ties with Washington as party congress closes",
        "publisher": "Seed news report",
        "published": PUBLISHED,
        "url": "https://news.example/kim-congress",
    }
    assert all(set(d) <= KEYWORDS for d in drafts)
    # Only dates make drafts: "believed to be 13" and the article's durations do not.
    assert all(When.parse(d["when"], d.get("reference")) for d in drafts)

    assert tl.add_events(drafts) == len(drafts)
    (stored,) = [e for e in tl.events().involving("Donald Trump") if e.title == visit["title"]]
    assert stored.status == "expected"
    assert stored.when == when and stored.when.phrase == "later this spring"
    assert stored.when.reference == date(2026, 2, 26)
    assert {entity.name for entity, _ in tl.actors(stored)} >= {"Donald Trump", "China"}
    (claim,) = tl.claims(stored)
    assert claim.quote == visit["quote"]


def test_an_ambiguous_name_is_a_note_never_an_actor(tl: Timeline) -> None:
    tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim"])
    tl.add_entity("Kim Yo Jong", kind="person", aliases=["Kim"])
    tl.add_entity("United States", kind="country", aliases=["U.S.", "US"])
    tl.add_place("Russia", kind="country")
    tl.add_place("Moscow", kind="city", parent="Russia")
    text = (
        "Kim will travel to Moscow in April, officials said on Thursday, and met us. "
        "Kim Jong Un met U.S. envoys in Russia in 2019."
    )
    april, thursday, year = tl.draft_events(text, published="2026-02-26")
    assert "actors" not in april  # "Kim" is two people; "us" is not "U.S."
    assert any("'Kim'" in note and "Kim Yo Jong" in note for note in april["notes"])
    assert (april["status"], april["place"]) == ("expected", "Moscow")
    assert When.parse(april["when"], april["reference"], direction="forward") == When.parse(
        "2026-04"
    )
    assert thursday["status"] == "occurred"
    assert year["actors"] == {"Kim Jong Un": "participant", "United States": "participant"}
    assert (year["status"], year["when"], year["place"]) == ("occurred", "2019", "Russia")
    assert "notes" not in year  # the full name is not ambiguous
    assert tl.add_events([april, thursday, year]) == 3
    assert tl.events().involving("Kim Jong Un").count() == 1


def test_titles_are_the_clause_around_the_date_cut_to_120_characters(tl: Timeline) -> None:
    long = "the ministry " + "very " * 40 + "quietly published its report on Monday"
    text = (
        f"Two days later, the talks resumed. In a statement, {long}, a spokesman said. "
        "Kim spoke, and the talks ended on Feb. 25."
    )
    later, monday, ended = tl.draft_events(text, published="2026-02-26")
    assert later["title"] == "Two days later, the talks resumed"
    assert ended["title"] == "The talks ended on Feb. 25"
    assert len(monday["title"]) <= 120 and monday["title"].endswith("\u2026")
    assert monday["title"].startswith("The ministry very")


def test_drafts_import_unchanged_and_again_changes_nothing(tl: Timeline, tmp_path: Path) -> None:
    drafts = seed_drafts(tl)
    before = tl.events().count()
    path = write_jsonl(tmp_path / "drafts.jsonl", drafts)
    summary = import_file(tl, path, format="drafts")
    assert (summary.created, summary.errors) == (len(drafts), [])
    assert tl.events().count() == before + len(drafts)
    again = import_file(tl, path, format="drafts")
    assert (again.created, again.unchanged) == (0, len(drafts))
    title = trump_visit(drafts)["title"]
    (visit,) = [e for e in tl.events().involving("Donald Trump") if e.title == title]
    assert visit.when is not None and visit.when.phrase == "later this spring"
    assert visit.when.start_earliest == date(2026, 3, 1)
    assert [e.name for e, _ in tl.actors(visit)].count("Donald Trump") == 1


def test_a_bad_draft_line_is_named_and_nothing_is_written(tl: Timeline, tmp_path: Path) -> None:
    tl.add_entity("Donald Trump", kind="person")
    good = {"title": "Visit", "when": "2026-04", "kind": "unclassified", "notes": ["check"]}
    unknown = {**good, "actors": {"Nobody Known": "participant"}}
    path = tmp_path / "drafts.jsonl"
    path.write_text(f"{json.dumps(good)}\n\n{json.dumps(unknown)}\nnot json\n", "utf-8")
    with pytest.raises(ImportRowError) as error:
        import_file(tl, path, format="drafts")
    assert error.value.line == 3 and "Nobody Known" in str(error.value)
    assert tl.events().count() == 0
    summary = import_file(tl, path, format="drafts", skip_invalid=True)
    assert summary.created == 1
    assert [e.line for e in summary.errors] == [3, 4]


def test_extract_writes_drafts_that_import_records(engine: Engine, tmp_path: Path) -> None:
    with Timeline(engine) as tl:
        record_seed_story(tl)
        before = tl.events().count()
    db = db_address(engine)
    out = tmp_path / "drafts.jsonl"
    runner = CliRunner()
    args = ["--db", db, "extract", str(ARTICLE), "--published", PUBLISHED, "--publisher", "Wire"]
    result = runner.invoke(cli, [*args, "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    drafts = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert trump_visit(drafts)["status"] == "expected"
    assert trump_visit(drafts)["source"]["publisher"] == "Wire"
    piped = runner.invoke(cli, args, catch_exceptions=False)  # not a terminal: JSON Lines
    assert [json.loads(line) for line in piped.output.splitlines()] == drafts
    result = runner.invoke(
        cli, ["--db", db, "import", str(out), "--format", "drafts"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert f"created {len(drafts)}" in result.output
    with Timeline(engine) as tl:
        assert tl.events().count() == before + len(drafts)
        assert tl.events().involving("Donald Trump").with_status("expected").count() == 2


def test_extract_shows_a_table_on_a_terminal(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import timeline.cli

    with Timeline(engine) as tl:
        record_seed_story(tl)
    monkeypatch.setattr(timeline.cli, "_on_terminal", lambda: True)
    args = ["--db", db_address(engine), "extract", str(ARTICLE), "--published", PUBLISHED]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "later this spring" in result.output and "Donald Trump" in result.output
    assert "expected" in result.output and not result.output.lstrip().startswith("{")
    assert result.output.rstrip().endswith("drafts; -o FILE writes them")


def test_a_date_read_from_the_text_before_it_is_drafted_as_edtf_with_a_note(
    tl: Timeline,
) -> None:
    text = "The congress opened on Feb. 19. Two days later, a parade was held in the square."
    opened, parade = tl.draft_events(text, published="2026-02-26")
    assert (opened["when"], opened["reference"]) == ("Feb. 19", "2026-02-26")
    assert "notes" not in opened
    assert parade["when"] == "2026-02-21" and "reference" not in parade
    assert any(note.startswith("when:") for note in parade["notes"])
    assert tl.add_events([opened, parade]) == 2
    days = {e.title: e.when for e in tl.events()}
    assert days["Two days later, a parade was held in the square"] == When.parse("2026-02-21")
    assert days["The congress opened on Feb. 19"] == When.parse("2026-02-19")


def test_extract_refuses_a_file_that_is_not_text(engine: Engine, tmp_path: Path) -> None:
    with Timeline(engine):
        pass
    binary = tmp_path / "article.txt"
    binary.write_bytes(b"\xff\xfe\x00\xd8 not text \x80")
    args = ["--db", db_address(engine), "extract", str(binary), "--published", PUBLISHED]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "is not UTF-8 text" in result.output
