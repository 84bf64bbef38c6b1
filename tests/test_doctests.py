"""The ``>>>`` examples in timeline's docstrings run as shown, on SQLite in memory.

An example that needs a file, a server or the network is marked ``# doctest: +SKIP``.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path
from typing import Any

import pytest

import timeline
from timeline import find_dates

PACKAGE = Path(timeline.__file__).parent
# Every module with an example, by name (a module's source is read, not imported, to list it).
MODULES = sorted(
    ".".join(("timeline", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(
        ".__init__"
    )
    for path in PACKAGE.rglob("*.py")
    if ">>>" in path.read_text(encoding="utf-8")
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _examples(value: Any) -> list[doctest.Example]:
    """The examples of one object's own docstring that are not skipped."""
    tests = doctest.DocTestFinder(recurse=False).find(value, "value", globs={})
    return [
        example
        for test in tests
        for example in test.examples
        if not example.options.get(doctest.SKIP, False)
    ]


def test_the_modules_with_examples_are_found() -> None:
    assert {"timeline", "timeline.timeline", "timeline.when.value"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    module = importlib.import_module(name)
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


@pytest.mark.parametrize(
    "value",
    [timeline.Timeline, timeline.When.parse, find_dates],
    ids=["Timeline", "When.parse", "find_dates"],
)
def test_the_most_used_api_shows_an_example_that_runs(value: Any) -> None:
    assert _examples(value), f"{value.__qualname__} has no example that runs"
