"""Crash atomicity: imports and migrations killed with SIGKILL leave all or nothing.

The trials are ``benchmarks/crash_trials.py`` (which runs many, on bigger files); here a few of
each scenario on both backends. Every other trial is killed once the import has read a drawn
fraction of its file, so the kill lands inside the import's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _seed import load_script

from timeline import Timeline
from timeline.io import import_file

crash = load_script("benchmarks/crash_trials.py", "timeline_crash_trials")


@pytest.fixture
def databases(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Fresh databases for the trials: SQLite files, or schemas of the test database."""
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    made = crash.Databases(tmp_path, url)
    yield made
    made.close()


def _run(databases: Any, tmp_path: Path, names: tuple[str, ...], trials: int) -> dict[str, Any]:
    tallies = crash.run(
        databases, tmp_path, trials=trials, rows=1500, seed=8, names=names, first=200
    )
    assert set(tallies) == set(names)
    return tallies


def test_a_killed_import_leaves_none_or_all_of_its_rows(databases: Any, tmp_path: Path) -> None:
    """Into an empty database and into one holding an earlier import (which stays intact):
    after the kill the database passes its integrity check and equals, table by table, the
    state before the import or the state after a complete one."""
    tallies = _run(databases, tmp_path, ("import", "second-import"), trials=2)
    for name, tally in tallies.items():
        assert tally.failures == [], name
        assert tally.trials == tally.none + tally.all == 2
        assert tally.killed >= 1, f"{name}: no kill landed while the import ran"


def test_a_killed_migration_leaves_the_old_or_new_revision(databases: Any, tmp_path: Path) -> None:
    """From an empty database and from the previous revision holding events: after the kill
    the database is at either revision, passes its integrity check, and opening it completes
    the upgrade to the same content as an uninterrupted one."""
    tallies = _run(databases, tmp_path, ("upgrade-empty", "upgrade-previous"), trials=2)
    for name, tally in tallies.items():
        assert tally.failures == [], name
        assert tally.trials == tally.none + tally.all == 2


def test_the_trials_catch_a_partial_import(databases: Any, tmp_path: Path) -> None:
    """The check itself: a database holding part of an import is reported, not passed."""
    scenario = crash.scenarios(databases, tmp_path, 300, ("import",))["import"]
    crash.reference(scenario, databases)
    url = scenario.prepare()
    engine = crash.open_engine(url)
    half = tmp_path / "half.export.CSV"
    lines = Path(scenario.argument).read_text(encoding="utf-8").splitlines(keepends=True)
    half.write_text("".join(lines[:150]), encoding="utf-8")
    with Timeline(engine) as tl:
        import_file(tl, half, format="gdelt-events")
    engine.dispose()
    tally = crash.Tally()
    assert crash._check(scenario, databases, url, tally) is not None
    assert tally.none == tally.all == 0
