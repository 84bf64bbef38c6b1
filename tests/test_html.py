"""The HTML export as a file: self-contained, escaped, deterministic (the browser tests run it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _seed import record_seed_story
from click.testing import CliRunner
from fixtures.story import db_address
from sqlalchemy import Engine

from timeline import Timeline
from timeline.cli import cli
from timeline.html import render, script_json
from timeline.io import export_file

HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPT_CLOSE = "</script><script>alert(2)</script>"


@pytest.fixture
def page(tl: Timeline, tmp_path: Path) -> str:
    record_seed_story(tl)
    tl.add_entity(f"{HOSTILE} Org", kind="organization")
    tl.add_place(SCRIPT_CLOSE, kind="city")
    source = tl.add_source(
        f"Report {HOSTILE}", publisher="Wire", published="2026-03-01", url="javascript:alert(3)"
    )
    tl.add_event(
        HOSTILE,
        when="2026-03-05",
        kind="test.xss",
        summary=SCRIPT_CLOSE,
        place=SCRIPT_CLOSE,
        actors={f"{HOSTILE} Org": "actor"},
        source=source,
        quote=f"“{SCRIPT_CLOSE}” & more",
    )
    path = tl.events().order_by_time().to_html(tmp_path / "story.html", title=f"Story {HOSTILE}")
    return path.read_text(encoding="utf-8")


def _data(page: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>', page)
    assert match is not None
    return dict(json.loads(match.group(1)))


def test_every_event_is_in_the_page(page: str, tl: Timeline) -> None:
    events = _data(page)["events"]
    assert isinstance(events, list)
    assert [e["t"] for e in events] == [e.title for e in tl.events().order_by_time()]
    visit = next(e for e in events if e["t"] == "Donald Trump visits China")
    assert visit["s"] == "expected" and visit["sp"] is False and visit["w"] == "spring 2026"
    assert ["Donald Trump", "visitor"] in visit["e"]
    assert visit["c"][0][5].startswith("U.S. President Donald Trump")  # the quote


def test_hostile_text_never_appears_as_markup(page: str) -> None:
    assert "<img" not in page
    assert page.count("</script>") == 2  # the data block and the renderer, nothing injected
    assert "<title>Story &lt;img src=x onerror=alert(1)&gt;</title>" in page
    assert "alert(1)" in _data(page)["events"][-1]["t"]  # type: ignore[index]


def test_the_page_needs_nothing_from_the_network(page: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1)
    assert "'unsafe-inline'" not in csp.group(1)


def test_the_renderer_never_parses_data_as_html() -> None:
    js = (
        Path(__file__).resolve().parent.parent / "timeline" / "assets" / "timeline.js"
    ).read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js


def test_script_json_cannot_close_its_block() -> None:
    text = script_json({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_output_is_deterministic(tl: Timeline, tmp_path: Path) -> None:
    record_seed_story(tl)
    first = tl.events().order_by_time().to_html(tmp_path / "a.html").read_bytes()
    second = tl.events().order_by_time().to_html(tmp_path / "b.html").read_bytes()
    assert first == second


def test_empty_query_gives_a_page(tl: Timeline, tmp_path: Path) -> None:
    page = tl.events().to_html(tmp_path / "empty.html").read_text(encoding="utf-8")
    assert _data(page)["events"] == []
    assert render([]).startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("by", ["format", "suffix"])
def test_cli_exports_html(tl: Timeline, engine: Engine, tmp_path: Path, by: str) -> None:
    record_seed_story(tl)
    out = tmp_path / "story.html"
    options = ["--format", "html"] if by == "format" else []
    result = CliRunner().invoke(
        cli, ["--db", db_address(engine), "export", *options, "-o", str(out), "--kind", "politics"]
    )
    assert result.exit_code == 0, result.output
    events = _data(out.read_text(encoding="utf-8"))["events"]
    assert [e["g"] for e in events] == ["politics"] * 3  # type: ignore[index,union-attr]


def test_export_file_writes_html(tl: Timeline, tmp_path: Path) -> None:
    record_seed_story(tl)
    count = export_file(tl, tmp_path / "all.html")
    assert count == tl.events().count()
    assert (tmp_path / "all.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_as_of_query_exports_its_events(tl: Timeline, tmp_path: Path) -> None:
    record_seed_story(tl)
    query = tl.events().order_by_time().as_of("2026-02-26")
    page = query.to_html(tmp_path / "then.html").read_text(encoding="utf-8")
    data = _data(page)
    assert [e["t"] for e in data["events"]] == [e.title for e in query.all()]  # type: ignore[union-attr,index]
    assert data["reported"] is not None
