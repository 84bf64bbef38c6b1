"""The ``timeline`` command line, through its real entry point and through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.process import run
from fixtures.story import db_address, seed
from sqlalchemy import Engine

from timeline import Timeline
from timeline.cli import cli


@pytest.fixture
def db(engine: Engine) -> str:
    with Timeline(engine) as tl:
        seed(tl)
    return db_address(engine)


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_command_has_help() -> None:
    commands = ["init", "add", "ls", "query", "show", "import", "export", "extract", "schema"]
    for command in [*commands, "db"]:
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.output
    for command in ["upgrade", "downgrade", "current", "history"]:
        assert CliRunner().invoke(cli, ["db", command, "--help"]).exit_code == 0


def test_ls_filters_and_json(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "ls", "--kind", "military", "--json"])
    assert result.exit_code == 0, result.output
    assert [row["title"] for row in json.loads(result.output)] == ["Military parade"]
    result = CliRunner().invoke(
        cli, ["--db", db, "ls", "--between", "2026-03", "2026-05", "--certain", "--json"]
    )
    assert [row["title"] for row in json.loads(result.output)] == ["Trump visits China"]
    result = CliRunner().invoke(cli, ["--db", db, "query", "--involving", "Kim Jong-un"])
    assert "Ninth party congress" in result.output and "Trump" not in result.output
    result = CliRunner().invoke(cli, ["--db", db, "ls", "--upcoming", "--json"])
    assert result.exit_code == 0
    result = CliRunner().invoke(
        cli, ["--db", db, "ls", "--at", "North Korea", "--status", "occurred"]
    )
    assert "2 events" in result.output


def test_add_and_show(db: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["--db", db, "add", "Missile test", "--when", "2026-03-05", "--kind", "military.test",
         "--actor", "Kim Jong Un=overseer", "--place", "Pyongyang", "--id", "acled:KOR1", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    event_id = json.loads(result.output)["id"]
    shown = CliRunner().invoke(cli, ["--db", db, "show", str(event_id)])
    assert "Kim Jong Un (overseer)" in shown.output and "acled:KOR1" in shown.output
    missing = CliRunner().invoke(cli, ["--db", db, "show", "9999"])
    assert missing.exit_code == 1 and "no event 9999" in missing.output


def test_bad_input_names_the_problem(db: str) -> None:
    result = CliRunner().invoke(
        cli, ["--db", db, "add", "X", "--when", "2026-02-30", "--kind", "politics"]
    )
    assert result.exit_code == 1 and "2026-02-30" in result.output
    result = CliRunner().invoke(cli, ["--db", db, "export", "--format", "yaml"])
    assert result.exit_code == 2 and "yaml" in result.output


def test_missing_database_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "ls"])
    assert result.exit_code == 1 and "timeline --db" in result.output and "init" in result.output
    assert not (tmp_path / "none.db").exists()


def test_db_commands(tmp_path: Path) -> None:
    path = str(tmp_path / "m.db")
    assert "ready" in CliRunner().invoke(cli, ["--db", path, "init"]).output
    current = CliRunner().invoke(cli, ["--db", path, "db", "current"])
    assert current.exit_code == 0 and "up to date" in current.output
    history = CliRunner().invoke(cli, ["--db", path, "db", "history"])
    assert history.output.startswith("*") and "initial schema" in history.output
    down = CliRunner().invoke(cli, ["--db", path, "db", "downgrade", "base"])
    assert down.exit_code == 0 and "base" in down.output
    assert "base (empty)" in CliRunner().invoke(cli, ["--db", path, "db", "current"]).output
    up = CliRunner().invoke(cli, ["--db", path, "db", "upgrade"])
    assert up.exit_code == 0
    assert "up to date" in CliRunner().invoke(cli, ["--db", path, "db", "current"]).output


def test_import_export_through_the_entry_point(db: str, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    done = run("--db", db, "export", "--format", "jsonl", "-o", str(out))
    assert done.returncode == 0, done.stderr
    copy = str(tmp_path / "copy.db")
    done = run("--db", copy, "import", str(out), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    assert "created 3" in done.stdout
    done = run("--db", copy, "import", str(out), "--format", "jsonl", "--json")
    assert json.loads(done.stdout)["created"] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("title,when,kind\nGood,2026-01-01,politics\nBad,2026-02-30,politics\n")
    done = run("--db", copy, "import", str(bad), "--format", "csv")
    assert done.returncode == 1 and "bad.csv:3" in done.stderr
    with Timeline(copy) as tl:
        assert tl.events().count() == 3
    report = tmp_path / "report.csv"
    done = run("--db", copy, "import", str(bad), "--format", "csv", "--skip-invalid",
               "--report", str(report))  # fmt: skip
    assert done.returncode == 0 and "created 1" in done.stdout
    assert "3," in report.read_text() and "2026-02-30" in report.read_text()


def test_timeline_db_environment_variable(tmp_path: Path) -> None:
    path = str(tmp_path / "env.db")
    result = CliRunner(env={"TIMELINE_DB": path}).invoke(cli, ["init"])
    assert result.exit_code == 0 and Path(path).exists()


def test_console_script_points_at_main() -> None:
    tomllib = pytest.importorskip("tomllib")
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    scripts = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["timeline"] == "timeline.cli:main"
    done = run("--version")
    assert done.returncode == 0 and "timeline" in done.stdout
