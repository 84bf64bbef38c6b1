"""Every Python snippet in the README and docs/ runs as shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
# Snippets that need a server the reader names themselves are shown, not run.
NEEDS_SERVER = "postgresql+psycopg://user@"


def _snippets() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for number, code in enumerate(BLOCK.findall(path.read_text(encoding="utf-8")), 1):
            if NEEDS_SERVER not in code:
                found.append((f"{path.name}#{number}", code))
    return found


@pytest.mark.parametrize(("where", "code"), _snippets(), ids=[w for w, _ in _snippets()])
def test_snippet_runs(
    where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, where, "exec"), {"__name__": "__snippet__"})
