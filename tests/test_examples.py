"""Every script in examples/ runs, standalone, and says what a reader asked."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(
    script: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(script)])
    runpy.run_path(str(script), run_name="__main__")
    assert capsys.readouterr().out.strip()


def _run_seed(*arguments: str) -> str:
    script = next(p for p in EXAMPLES if "seed" in p.name)
    done = subprocess.run(
        [sys.executable, str(script), *arguments],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    return done.stdout


def test_seed_story_answers_the_readers_questions(tmp_path: Path) -> None:
    out = _run_seed()
    expected_next = out.split("What is expected next")[1].split("What happened during")[0]
    assert "Donald Trump visits China" in expected_next
    assert "Congress closes" not in expected_next
    during = out.split("What happened during")[1].split("What did Kim say")[0]
    assert "Military parade in Kim Il Sung Square" in during
    said = out.split("What did Kim say")[1]
    assert "about United States" in said and "about South Korea" in said


def test_seed_story_reopens_a_file_in_another_process(tmp_path: Path) -> None:
    path = str(tmp_path / "story.db")
    first = _run_seed(path)
    second = _run_seed(path)  # the second run finds the story and only queries it
    assert first == second
