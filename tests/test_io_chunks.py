"""Imports write new events a chunk at a time: the same result as writing them one by one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from timeline import ImportRowError, Timeline
from timeline.io import import_file
from timeline.write import new as fast


def _gdelt(path: Path, rows: list[tuple[int, str, str, str]]) -> Path:
    """A GDELT 2.0 export: ``(GLOBALEVENTID, SQLDATE, EventCode, actor)`` per row."""
    lines = []
    for number, (identifier, day, code, actor) in enumerate(rows):
        cells = [""] * 61
        cells[0], cells[1], cells[2], cells[3] = str(identifier), day, day[:6], day[:4]
        cells[5:8] = ["USA", actor, "USA"]
        cells[15:18] = ["CHN", "CHINA", "CHN"]
        cells[25:30] = ["1", code, code[:3], code[:2], "1"]
        cells[51:59] = ["4", f"Place {number % 3}", "US", "US06", "", "37.5", "-122.1", "7"]
        cells[59] = day + "120000"
        cells[60] = f"https://news{number % 2}.example/{number}"
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ROWS = [
    (1, "20260301", "010", "POLICE"),
    (2, "20260302", "043", "POLICE"),
    (3, "20260303", "190", "ARMY"),
    (2, "20260305", "043", "POLICE"),  # the same event, now dated later: an update
    (4, "20260306", "112", "ARMY"),
]


def _snapshot(tl: Timeline) -> list[Any]:
    out = []
    for event in sorted(tl.events().all(), key=lambda e: e.title):
        history = [(str(e.status), str(e.when), e.published, e.said_by) for e in tl.history(event)]
        out.append((event.title, str(event.status), str(event.when), history))
    out.append(sorted(e.title for e in tl.events().as_of("2026-03-03").all()))
    return out


def test_chunked_and_row_by_row_imports_agree(
    tl: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _gdelt(tmp_path / "events.export.CSV", ROWS)
    summary = import_file(tl, path, format="gdelt-events")
    assert (summary.created, summary.updated, summary.skipped) == (4, 1, 0)
    chunked = _snapshot(tl)
    assert chunked[-1] == sorted(  # the documents published by 3 March tell of three events
        e.title for e in tl.events().all() if e.kind != "cameo.11.112"
    )

    def per_row(loader: Any, record: Any) -> Any:
        raise ValueError("every draft takes the per-row path")

    monkeypatch.setattr(fast, "plan", per_row)
    with Timeline(tmp_path / "per_row.db") as other:
        again = import_file(other, path, format="gdelt-events")
        assert again.as_dict() == summary.as_dict()
        assert _snapshot(other) == chunked


def test_bad_row_in_a_chunk(tl: Timeline, tmp_path: Path) -> None:
    rows = [*ROWS[:3], (5, "20261399", "010", "ARMY"), *ROWS[3:]]
    path = _gdelt(tmp_path / "bad.export.CSV", rows)
    with pytest.raises(ImportRowError) as raised:
        import_file(tl, path, format="gdelt-events")
    assert raised.value.line == 4
    assert tl.events().count() == 0
    summary = import_file(tl, path, format="gdelt-events", skip_invalid=True)
    assert (summary.created, summary.updated, summary.skipped) == (4, 1, 1)
    assert [e.line for e in summary.errors] == [4]
    again = import_file(tl, path, format="gdelt-events", skip_invalid=True)
    assert (again.created, again.skipped) == (0, 1)  # nothing duplicated
    assert tl.events().count() == 4


def _counts(tl: Timeline) -> tuple[int, ...]:
    events = tl.events().all()
    revisions = sum(len(tl.revisions(e)) for e in events)
    claims = sum(len(tl.history(e)) for e in events)
    return len(events), claims, revisions


def test_reimport_writes_only_what_changed(
    tl: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _gdelt(tmp_path / "events.export.CSV", [*ROWS[:3], ROWS[4]])  # each id once
    import_file(tl, path, format="gdelt-events")
    before, counts = _snapshot(tl), _counts(tl)
    again = import_file(tl, path, format="gdelt-events")
    assert (again.created, again.updated, again.unchanged, again.claims) == (0, 0, 4, 0)
    assert _snapshot(tl) == before and _counts(tl) == counts  # no claim, no revision

    # One event redated, one new: the others are left alone, as row by row.
    changed = [*ROWS[:2], (3, "20260304", "190", "ARMY"), (6, "20260307", "010", "ARMY")]
    edited = _gdelt(tmp_path / "edited.export.CSV", changed)
    summary = import_file(tl, edited, format="gdelt-events")
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 2)

    monkeypatch.setattr(fast, "_unchanged", lambda *args: set())
    with Timeline(tmp_path / "per_row.db") as other:
        import_file(other, path, format="gdelt-events")
        per_row = import_file(other, edited, format="gdelt-events")
        assert per_row.as_dict() == summary.as_dict()
        assert _snapshot(other) == _snapshot(tl)
        assert _counts(other) == _counts(tl)
