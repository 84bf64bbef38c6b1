"""Provenance from the shell: ``claim``, ``history``, ``ls --as-of/--recorded`` and
``--reference``, on both backends."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner, Result
from fixtures.story import db_address
from sqlalchemy import Engine, func, select

from timeline import Timeline
from timeline.cli import cli
from timeline.models import Source


def invoke(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


@pytest.fixture
def db(engine: Engine) -> str:
    with Timeline(engine) as tl:
        tl.add_event(
            "Trump visits China", when="2026-04", kind="diplomacy.visit", status="expected"
        )
    return db_address(engine)


def sources(db: str) -> int:
    with Timeline(db) as tl, tl.session() as session:
        return int(session.execute(select(func.count()).select_from(Source)).scalar_one())


def test_claim_and_history(db: str) -> None:
    done = invoke(db, "claim", "1", "--source", "Visit put off", "--publisher", "Wire",
                  "--published", "2026-03-20", "--status", "postponed", "--when", "in May",
                  "--quote", "now expected in May", "--json")  # fmt: skip
    assert done.exit_code == 0, done.output
    made = json.loads(done.output)
    assert made["status"] == "postponed" and made["when"] == "2026-05"
    assert made["published"] == "2026-03-20" and made["now"] == {"status": "postponed",
                                                                  "when": "2026-05"}  # fmt: skip
    manual = invoke(db, "claim", "1", "--status", "cancelled")
    assert manual.exit_code == 0 and "now cancelled" in manual.output
    text = invoke(db, "history", "1")
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert lines[0].startswith("Trump visits China — now cancelled")
    assert "2026-03-20" in lines[2] and "Wire" in lines[2] and "now expected in May" in lines[2]
    assert "manual edit" in lines[3]
    data = json.loads(invoke(db, "history", "1", "--json").output)
    assert [c["status"] for c in data["claims"]] == ["expected", "postponed", "cancelled"]
    assert data["claims"][1]["source"] == "Visit put off" and data["claims"][1]["when"] == "2026-05"


def test_a_refused_claim_leaves_no_report(db: str) -> None:
    before = sources(db)
    done = invoke(db, "claim", "1", "--source", "Bad date", "--publisher", "Wire",
                  "--published", "2026-03-20", "--when", "2026-02-30")  # fmt: skip
    assert done.exit_code == 1 and "2026-02-30" in done.output
    assert sources(db) == before
    assert invoke(db, "claim", "1", "--source", "No day", "--status", "occurred").exit_code == 2
    assert invoke(db, "claim", "1", "--published", "2026-03-20").exit_code == 2
    assert invoke(db, "claim", "99", "--status", "occurred").exit_code == 1


def test_ls_as_of_recorded_and_reference(db: str) -> None:
    first = datetime.now(timezone.utc).isoformat()
    assert invoke(db, "claim", "1", "--source", "Put off", "--publisher", "Wire",
                  "--published", "2026-03-20", "--when", "2026-06").exit_code == 0  # fmt: skip
    rows = json.loads(invoke(db, "ls", "--json").output)
    assert rows[0]["when"] == "2026-06"
    then = json.loads(invoke(db, "ls", "--json", "--as-of", "2026-03-01").output)
    assert then[0]["when"] == "2026-04"
    held = json.loads(
        invoke(db, "ls", "--json", "--as-of", "2026-04-01", "--recorded", first).output
    )
    assert held[0]["when"] == "2026-04"
    relative = ["ls", "--json", "--between", "next month", "next month"]
    assert invoke(db, *relative).exit_code == 1
    june = invoke(db, *relative, "--reference", "2026-05-10")
    assert [r["title"] for r in json.loads(june.output)] == ["Trump visits China"]
    assert json.loads(invoke(db, *relative, "--reference", "2026-08-10").output) == []
