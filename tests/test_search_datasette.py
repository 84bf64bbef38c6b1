"""Datasette and sqlite-utils fit (SQLite): full-text detection and the readable view."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from _seed import record_seed_story

from timeline import Timeline

#: The view's first columns: what a person reads first.
VIEW_COLUMNS = ["id", "title", "when", "kind", "status", "place", "actors", "summary"]


def _seeded(tmp_path: Path) -> Path:
    path = tmp_path / "seed.db"
    with Timeline(path) as tl:
        record_seed_story(tl)
    return path


def test_sqlite_utils_detects_the_full_text_index_and_searches_it(tmp_path: Path) -> None:
    path = _seeded(tmp_path)
    db = sqlite_utils.Database(path)
    assert db["timeline_event"].detect_fts() == "timeline_event_fts"
    assert db["timeline_claim"].detect_fts() == "timeline_claim_fts"
    found = [row["title"] for row in db["timeline_event"].search("parades")]
    assert found == ["Military parade in Kim Il Sung Square"]  # stemmed there too


def test_the_view_shows_the_live_events_readably(tmp_path: Path) -> None:
    path = _seeded(tmp_path)
    with Timeline(path) as tl:
        events = tl.events().all()
        deleted = tl.add_event("Withdrawn report", when="2026-02-20", kind="politics")
        tl.delete_event(deleted)
    db = sqlite_utils.Database(path)
    view = db["timeline_events"]
    assert [c.name for c in view.columns] == VIEW_COLUMNS
    rows = list(db.query("SELECT * FROM timeline_events ORDER BY id"))
    assert [(r["id"], r["title"], r["when"], r["kind"], r["status"]) for r in rows] == [
        (e.id, e.title, e.edtf, e.kind, e.status.value) for e in events
    ]
    congress = rows[0]
    assert congress["place"] == "Pyongyang"
    assert congress["actors"] == "Kim Jong Un; Workers' Party of Korea"
    with Timeline(path) as tl:
        for row in rows:
            names = sorted({entity.name for entity, _ in tl.actors(row["id"])})
            assert (row["actors"] or "") == "; ".join(names)
