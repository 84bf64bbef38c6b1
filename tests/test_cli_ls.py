"""``timeline ls`` for people and for pipes, run as a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from timeline import Timeline
from timeline.io import import_file
from timeline.when import Conventions

LONG = "Military parade marking the founding anniversary of the Korean People's Army " * 2


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m timeline ARGS`` in a fresh process (standard output is a pipe)."""
    return subprocess.run(
        [sys.executable, "-m", "timeline", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"},
        timeout=120,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ls") / "t.db"
    with Timeline(str(path)) as tl:
        tl.add_events(
            {"title": f"Event {n:03d}", "when": f"2026-01-{1 + n % 28:02d}", "kind": "politics"}
            for n in range(59)
        )
        tl.add_place("Pyongyang", kind="city")
        tl.add_event(LONG.strip(), when="2027-02-08", kind="military.parade", place="Pyongyang")
    return str(path)


def test_default_limit_and_footer(db: str) -> None:
    done = run("--db", db, "ls")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "50 of 60 events; --limit N / --all"
    assert len(lines) == 1 + 50 + 1  # header, rows, footer
    done = run("--db", db, "ls", "--limit", "2")
    assert done.stdout.splitlines()[-1] == "2 of 60 events; --limit N / --all"
    done = run("--db", db, "ls", "--all")
    assert done.stdout.splitlines()[-1] == "60 events"
    assert len(done.stdout.splitlines()) == 1 + 60 + 1
    done = run("--db", db, "ls", "--kind", "military")
    assert done.stdout.splitlines()[-1] == "1 event"
    done = run("--db", db, "ls", "--all", "--limit", "3")
    assert done.returncode == 2


def test_plain_layout_on_a_pipe_never_wraps(db: str) -> None:
    done = run("--db", db, "ls", "--kind", "military")
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["id", "when", "status", "kind", "title", "place"]
    assert len(lines) == 3
    row = lines[1]
    assert LONG.strip() in row and row.endswith("Pyongyang")
    assert "8 Feb 2027" in row and "military.parade" in row
    assert "─" not in done.stdout and "│" not in done.stdout


def test_machine_formats(db: str) -> None:
    nl = run("--db", db, "ls", "--nl", "--all")
    assert nl.returncode == 0, nl.stderr
    rows = [json.loads(line) for line in nl.stdout.splitlines()]
    assert len(rows) == 60 and nl.stderr == ""
    assert rows[-1]["title"] == LONG.strip() and rows[-1]["place"] == "Pyongyang"
    assert rows[-1]["when"] == "2027-02-08" and rows[-1]["display"] == "8 Feb 2027"
    listed = run("--db", db, "ls", "--json", "--limit", "5")
    assert json.loads(listed.stdout) == rows[:5]
    assert "5 of 60 events" in listed.stderr
    table = list(csv.DictReader(io.StringIO(run("--db", db, "ls", "--csv", "--all").stdout)))
    assert [r["title"] for r in table] == [r["title"] for r in rows]
    assert table[-1]["kind"] == "military.parade" and table[0]["place"] == ""
    tsv = run("--db", db, "ls", "--tsv", "--kind", "military").stdout.splitlines()
    assert tsv[0].split("\t")[:3] == ["id", "when", "display"]
    assert tsv[1].split("\t")[5] == LONG.strip()
    empty = run("--db", db, "ls", "--json", "--kind", "sports")
    assert json.loads(empty.stdout) == []


def test_a_window_of_times_is_listed_as_text_that_imports_back(tmp_path: Path) -> None:
    path = str(tmp_path / "evening.db")
    with Timeline(path, conventions=Conventions(default_tz="Asia/Pyongyang")) as tl:
        rally = tl.add_event(
            "Evening rally", when="this evening", reference=date(2026, 2, 26), kind="politics"
        )
    listed = run("--db", path, "ls", "--csv")
    assert listed.returncode == 0, listed.stderr
    (row,) = csv.DictReader(io.StringIO(listed.stdout))
    assert row["when"] == (
        "[2026-02-26T18:00:00+09:00[Asia/Pyongyang]..2026-02-26T23:59:59+09:00[Asia/Pyongyang]]"
    )
    assert row["display"] == "between 18:00 and 23:59 KST on 26 Feb 2026"
    (tmp_path / "ls.csv").write_text(listed.stdout, encoding="utf-8")
    with Timeline(str(tmp_path / "other.db")) as other:
        import_file(other, tmp_path / "ls.csv")
        copy = other.events().first()
        assert copy is not None and copy.when == rally.when
