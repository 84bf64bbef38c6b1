"""The start-up of a command: what ``timeline ls`` on a pipe imports (every command pays for it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixtures.process import run


def imported(*args: str) -> set[str]:
    """The modules a ``timeline ARGS`` process imports (``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "timeline", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_ls_on_a_pipe_loads_neither_alembic_nor_rich(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    assert (
        run("--db", db, "add", "Parade", "--when", "2026-02-25", "--kind", "military").returncode
        == 0
    )
    modules = imported("--db", db, "ls")
    assert "timeline.query" in modules  # the listing ran
    for heavy in ("alembic", "rich"):
        assert not any(name.split(".")[0] == heavy for name in modules), heavy


def test_version_still_reads_the_package_metadata() -> None:
    import timeline

    assert timeline.__version__ and timeline.__version__ == timeline.__getattr__("__version__")
    done = run("--version")
    assert done.returncode == 0 and timeline.__version__ in done.stdout
