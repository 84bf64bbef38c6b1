"""Expected failures of the ``timeline`` command are one ``Error:`` line and exit code 1 (2 for
usage), run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.process import run


def one_error(done: subprocess.CompletedProcess[str], code: int = 1) -> str:
    """The one ``Error:`` line of a failed run (no traceback)."""
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr
    assert lines[-1].startswith("Error: ")
    if code == 1:
        assert len(lines) == 1, done.stderr
    return lines[-1]


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "t.db")
    done = run("--db", path, "add", "Parade", "--when", "2026-02-08", "--kind", "military")
    assert done.returncode == 0, done.stderr
    return path


def test_unwritable_outputs(db: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    chart = str(tmp_path / "missing-dir" / "c.png")
    error = one_error(run("--db", db, "plot", "-o", chart))
    assert chart in error and "No such file or directory" in error
    out = str(tmp_path / "missing-dir" / "e.json")
    error = one_error(run("--db", db, "export", "-o", out))
    assert out in error and "No such file or directory" in error


def test_bad_database_paths(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100)
    for command in (["ls"], ["init"]):
        error = one_error(run("--db", str(folder), *command))
        assert str(folder) in error and "directory" in error
        error = one_error(run("--db", str(text), *command))
        assert str(text) in error and "not a database" in error
    nowhere = str(tmp_path / "nowhere" / "t.db")
    error = one_error(run("--db", nowhere, "init"))
    assert nowhere in error and "no directory" in error
    assert not (tmp_path / "nowhere").exists()


def test_a_url_scheme_without_driver_names_the_one_to_use() -> None:
    error = one_error(run("--db", "postgres://user@localhost/news", "ls"))
    assert "postgresql+psycopg://" in error and "install" not in error
    error = one_error(run("--db", "nosuch://x", "ls"))
    assert "nosuch://" in error and "postgresql+psycopg://" in error


def test_reading_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    for command in (["ls"], ["show", "1"], ["history", "1"], ["claim", "1", "--status", "x"],
                    ["export", "-f", "json"], ["db", "current"]):  # fmt: skip
        error = one_error(run("--db", str(missing), *command))
        assert str(missing) in error
        assert not missing.exists(), command


def test_a_failed_import_leaves_no_new_file(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("title,when,kind\nBad,2026-02-30,politics\n", encoding="utf-8")
    new = tmp_path / "new.db"
    assert "bad.csv:2" in one_error(run("--db", str(new), "import", str(bad)))
    assert list(tmp_path.glob("new.db*")) == []
    assert "bad.csv:2" in one_error(run("--db", db, "import", str(bad)))
    assert Path(db).exists()  # a database that was there stays


def test_options_that_do_not_apply_are_usage_errors(db: str) -> None:
    assert "--between" in one_error(run("--db", db, "ls", "--certain"), 2)
    assert "--involving" in one_error(run("--db", db, "ls", "--role", "host"), 2)
    assert "--format" in one_error(run("--db", db, "export"), 2)


def test_format_choices_complete(db: str) -> None:
    env = {**os.environ, "_TIMELINE_COMPLETE": "bash_complete", "COMP_CWORD": "3"}
    done = subprocess.run(
        [sys.executable, "-m", "timeline"],
        env={**env, "COMP_WORDS": "timeline export --format geo"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["plain,geojson"]
    done = subprocess.run(
        [sys.executable, "-m", "timeline"],
        env={**env, "COMP_WORDS": "timeline import --format gdelt"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["plain,gdelt-events", "plain,gdelt-mentions"]
