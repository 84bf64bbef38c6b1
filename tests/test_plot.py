"""The static chart: what it draws for the seed story, on both backends, and how it degrades."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from _seed import ROOT, artifact, record_seed_story
from click.testing import CliRunner
from fixtures.story import db_address
from sqlalchemy import Engine

from timeline import InvalidEventError, Timeline, When
from timeline.cli import cli
from timeline.errors import MissingDependencyError, UnknownFormatError
from timeline.picture_data import Mark, load_marks
from timeline.when import Conventions

pytest.importorskip("matplotlib")

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

from timeline.plot import figure, save

BASELINE = ROOT / "tests" / "baseline" / "seed_story_kind.png"
#: RMS difference (0-255) tolerated against the baseline: anti-aliasing, not content.
TOLERANCE = 2.0


@pytest.fixture
def seeded(tl: Timeline) -> Timeline:
    record_seed_story(tl)
    return tl


def _figure(tl: Timeline, **options: object) -> Figure:
    query = tl.events().order_by_time()
    marks = load_marks(query.statement, tl.session)
    return figure(marks, **options)  # type: ignore[arg-type]


def _gids(fig: Figure) -> list[str]:
    [ax] = fig.axes
    artists = [*ax.patches, *ax.lines, *ax.texts]
    return [a.get_gid() for a in artists if a.get_gid()]


def _drawn(fig: Figure) -> FigureCanvasAgg:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas


def _event_id(tl: Timeline, title_start: str) -> int:
    [event] = [e for e in tl.events() if e.title.startswith(title_start)]
    assert event.id is not None
    return event.id


def test_seed_story_lanes_by_kind_are_labelled(seeded: Timeline) -> None:
    fig = _figure(seeded, lanes="kind")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["military", "politics", "diplomacy"]


def test_seed_story_lanes_by_entity_name_the_actors(seeded: Timeline) -> None:
    labels = [t.get_text() for t in _figure(seeded, lanes="entity").axes[0].get_yticklabels()]
    assert labels[0] == "Kim Jong Un"  # the busiest lane first
    assert {"Donald Trump", "China", "North Korea"} <= set(labels)


def test_one_lane_without_lanes(seeded: Timeline) -> None:
    labels = [t.get_text() for t in _figure(seeded, lanes=None).axes[0].get_yticklabels()]
    assert labels == ["events"]


def test_instants_are_markers_and_uncertain_days_are_bands(seeded: Timeline) -> None:
    gids = _gids(_figure(seeded))
    parade = _event_id(seeded, "Military parade")
    visit = _event_id(seeded, "Donald Trump visits")
    closing = _event_id(seeded, "Congress closes")
    for uncertain in (parade, visit):  # a window, framed, and no dot in it to read as a guess
        assert f"uncertain-instant:{uncertain}" in gids
        assert f"instant-window:{uncertain}" in gids
        assert f"instant:{uncertain}" not in gids
    assert f"instant:{closing}" in gids
    assert f"uncertain-instant:{closing}" not in gids  # a known day draws no band
    assert f"instant-window:{closing}" not in gids


def test_an_evening_is_a_window_of_hours_and_a_known_moment_a_dot(tl: Timeline) -> None:
    seoul = Conventions(default_tz=ZoneInfo("Asia/Seoul"))
    tonight = When.parse("tonight", date(2026, 2, 26), conventions=seoul)
    vigil = tl.add_event("Vigil", when=tonight, kind="protest.vigil").id
    speech = tl.add_event("Speech", when="2026-02-26T20:00:00+09:00", kind="politics.speech").id
    gids = _gids(_figure(tl))
    assert f"instant-window:{vigil}" in gids and f"instant:{vigil}" not in gids
    assert f"instant:{speech}" in gids and f"instant-window:{speech}" not in gids


def test_an_uncertain_window_spans_every_day_it_may_fall_on(seeded: Timeline) -> None:
    from matplotlib.dates import date2num

    patches = {p.get_gid(): p for p in _figure(seeded).axes[0].patches}
    frame = patches[f"instant-window:{_event_id(seeded, 'Donald Trump visits')}"]
    assert frame.get_x() == pytest.approx(date2num(date(2026, 3, 1)))  # later this spring
    assert frame.get_x() + frame.get_width() == pytest.approx(date2num(date(2026, 6, 1)))


def test_uncertain_start_of_a_span_is_hatched_and_the_rest_solid(seeded: Timeline) -> None:
    fig = _figure(seeded)
    congress = _event_id(seeded, "Ninth Congress")
    patches = {p.get_gid(): p for p in fig.axes[0].patches}
    band, core = patches[f"uncertain-start:{congress}"], patches[f"span:{congress}"]
    assert band.get_hatch() and not core.get_hatch()
    assert band.get_alpha() is not None and band.get_alpha() < 0.5
    assert band.get_x() + band.get_width() == pytest.approx(core.get_x())  # meets the core


def test_expected_is_hollow_and_occurred_solid(seeded: Timeline) -> None:
    fig = _figure(seeded)
    patches = {p.get_gid(): p for p in fig.axes[0].patches}
    visit = patches[f"instant-window:{_event_id(seeded, 'Donald Trump visits')}"]
    parade = patches[f"instant-window:{_event_id(seeded, 'Military parade')}"]
    assert visit.get_linestyle() == "--" and parade.get_linestyle() == "-"
    seeded.add_event("Summit", when="2026-04-10", kind="diplomacy.summit", status="expected")
    lines = {line.get_gid(): line for line in _figure(seeded).axes[0].lines}
    closing = lines[f"instant:{_event_id(seeded, 'Congress closes')}"]
    assert lines[f"instant:{_event_id(seeded, 'Summit')}"].get_markerfacecolor() == "white"
    assert closing.get_markerfacecolor() != "white"


def test_open_end_is_an_arrow_unknown_end_a_question_mark(tl: Timeline) -> None:
    tl.add_event("Sanctions", when="2026-03/..", kind="economy.sanctions")
    tl.add_event("Build-up", when="2026/", kind="military.development")
    tl.add_event("Tests", when="/2026-02", kind="military.test")
    gids = _gids(_figure(tl))
    assert f"open-end:{_event_id(tl, 'Sanctions')}" in gids
    assert f"unknown-end:{_event_id(tl, 'Build-up')}" in gids
    assert f"unknown-end:{_event_id(tl, 'Tests')}" in gids
    assert f"uncertain-end:{_event_id(tl, 'Build-up')}" in gids


def test_cancelled_is_struck_through(tl: Timeline) -> None:
    tl.add_event("Summit", when="2026-04-10", kind="diplomacy.summit", status="cancelled")
    tl.add_event("Talks", when="2026-04-12", kind="diplomacy.talks")
    fig = _figure(tl)
    summit, talks = _event_id(tl, "Summit"), _event_id(tl, "Talks")
    gids = _gids(fig)
    assert f"struck:{summit}" in gids and f"struck:{talks}" not in gids
    label = next(t for t in fig.axes[0].texts if t.get_gid() == f"label:{summit}")
    assert "(cancelled)" in label.get_text()


def test_labels_never_overlap(seeded: Timeline) -> None:
    fig = _figure(seeded, lanes="entity")
    renderer = _drawn(fig).get_renderer()
    boxes = [
        t.get_window_extent(renderer)
        for t in fig.axes[0].texts
        if (t.get_gid() or "").startswith("label:")
    ]
    assert len(boxes) >= 8
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert not first.overlaps(second)


def test_reported_line(seeded: Timeline) -> None:
    gids = _gids(_figure(seeded, reported=date(2026, 2, 26)))
    assert "reported" in gids


def test_axis_adapts_from_days_to_centuries(tl: Timeline) -> None:
    tl.add_event("A", when="2026-02-20", kind="x.a")
    tl.add_event("B", when="2026-02-24", kind="x.b")
    fig = _figure(tl)
    _drawn(fig)
    days = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert any(text.isdigit() and int(text) <= 31 for text in days)  # day numbers
    tl.add_event("C", when="1700", kind="x.c")
    fig = _figure(tl)
    _drawn(fig)
    years = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert all(text.isdigit() and len(text) == 4 for text in years)
    assert int(years[1]) - int(years[0]) >= 20  # decades apart, not days


def _synthetic(n: int) -> list[Mark]:
    kinds = ["military.parade", "politics.congress", "diplomacy.visit"]
    marks = []
    for i in range(n):
        day = float(date(1990, 1, 1).toordinal() + (i * 7919) % 12000)
        wide = 400.0 if i % 5 == 0 else 1.0
        marks.append(
            Mark(
                i + 1,
                f"e{i}",
                kinds[i % 3],
                "occurred",
                wide > 1,
                day,
                day,
                day + wide,
                day + wide,
                "known",
                "known",
                event=None,
            )  # type: ignore[arg-type]
        )
    return marks


def test_large_sets_are_aggregated_not_drawn_one_by_one() -> None:
    fig = figure(_synthetic(5000), lanes="kind")
    gids = _gids(fig)
    assert not [g for g in gids if g.startswith(("instant:", "span:", "label:"))]
    bars = [p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("aggregate")]
    assert bars
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert [label.split("\n")[0] for label in labels] == [
        "military (1,667)",
        "politics (1,667)",
        "diplomacy (1,666)",
    ]


def test_output_is_deterministic(seeded: Timeline, tmp_path: Path) -> None:
    for suffix in ("png", "svg", "pdf"):
        first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
        seeded.events().order_by_time().plot(first, title="Seed story")
        seeded.events().order_by_time().plot(second, title="Seed story")
        assert first.read_bytes() == second.read_bytes(), suffix
    assert (tmp_path / "a.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (tmp_path / "a.svg").read_bytes()
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def _baseline() -> Path:
    """The baseline drawn by this matplotlib's minor version if there is one, else the default.

    matplotlib's text rendering changes between minor versions (3.10, which Python 3.10 gets,
    draws heavier glyphs than 3.11): the same chart differs by more than anti-aliasing.
    """
    minor = ".".join(matplotlib.__version__.split(".")[:2])
    own = BASELINE.with_name(f"{BASELINE.stem}-matplotlib{minor}.png")
    return own if own.exists() else BASELINE


def test_matches_the_baseline_image(seeded: Timeline, backend: str, tmp_path: Path) -> None:
    out = tmp_path / "seed_story_kind.png"
    seeded.events().order_by_time().plot(
        out, lanes="kind", title="The ninth party congress", reported="2026-02-26"
    )
    shutil.copy(out, artifact(f"seed_story_kind_{backend}.png"))
    baseline = _baseline()
    if os.environ.get("TIMELINE_UPDATE_BASELINE") == "1":
        shutil.copy(out, baseline)
    failure = compare_images(str(baseline), str(out), tol=TOLERANCE)
    assert failure is None, failure


def test_bad_format_and_lanes_are_refused(seeded: Timeline, tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match=r"chart\.jpg"):
        seeded.events().plot(tmp_path / "chart.jpg")
    with pytest.raises(InvalidEventError, match="lanes"):
        seeded.events().plot(tmp_path / "chart.png", lanes="place")  # type: ignore[arg-type]
    assert not list(tmp_path.glob("chart.*"))


def test_without_matplotlib_the_error_names_the_extra(
    seeded: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'news-timeline\[plot\]'"):
        seeded.events().plot(tmp_path / "chart.png")


def test_save_refuses_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError):
        save(Figure(), tmp_path / "x.gif")


def test_cli_plot_draws_the_selected_events(
    seeded: Timeline, engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "military.svg"
    result = CliRunner().invoke(
        cli,
        ["--db", db_address(engine), "plot", "-o", str(out), "--kind", "military",
         "--lanes", "entity", "--title", "Military", "--reported", "2026-02-26"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote a chart of 3 events" in result.output
    assert b"<svg" in out.read_bytes()


def test_cli_plot_refuses_an_unknown_suffix(
    seeded: Timeline, engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "chart.jpg"
    result = CliRunner().invoke(cli, ["--db", db_address(engine), "plot", "-o", str(out)])
    assert result.exit_code == 1
    assert "chart.jpg" in result.output and "png, svg, pdf" in result.output
    assert not out.exists()


def test_as_of_query_is_drawn_as_it_stood_with_its_reported_line(seeded: Timeline) -> None:
    query = seeded.events().order_by_time().as_of("2026-02-26")
    marks = load_marks(query.statement, seeded.session)
    assert sorted(m.title for m in marks) == sorted(e.title for e in query.all())
    assert any(m.actors for m in marks)
    fig = figure(marks, reported=query._published)  # type: ignore[attr-defined]
    assert "reported" in _gids(fig)
