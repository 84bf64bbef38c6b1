"""The wheel ships the migrations inside the package, never as a top-level ``alembic``."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_the_migrations_under_the_package(tmp_path: Path) -> None:
    pytest.importorskip("build")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "timeline/_alembic/env.py" in names
    assert "timeline/_alembic/script.py.mako" in names
    assert "timeline/py.typed" in names
    assert "timeline/assets/timeline.js" in names  # the HTML page's script and style
    assert "timeline/assets/timeline.css" in names
    for revision in (ROOT / "alembic" / "versions").glob("*.py"):
        assert f"timeline/_alembic/versions/{revision.name}" in names
    assert not [n for n in names if n.startswith("alembic/")]
    assert not [
        n for n in names if n.startswith("timeline/_alembic/") and n.endswith("__init__.py")
    ]
