"""Every ``python`` block in docs/dates.md runs on its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "dates.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_doc_has_snippets() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_dates_doc_snippet_runs(index: int) -> None:
    code = compile(BLOCKS[index], f"{DOC.name} block {index + 1}", "exec")
    exec(code, {"__name__": "__snippet__"})
