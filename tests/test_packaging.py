"""The built distribution: ``news-timeline``, its metadata, and what the wheel and sdist hold.

The wheel ships the migrations inside the package, never as a top-level ``alembic``; the sdist
leaves CI's files out. Both are built once, from the checkout, by ``python -m build`` (the
sdist first, then the wheel from the sdist, as a release is built).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = {"postgres", "cli", "ical", "plot", "pandas"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the sdist and the wheel built from it."""
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> zipfile.ZipFile:
    [path] = dist.glob("*.whl")
    assert path.name.startswith("news_timeline-")
    return zipfile.ZipFile(path)


def _metadata(wheel: zipfile.ZipFile) -> Message:
    [name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return Parser().parsestr(wheel.read(name).decode("utf-8"))


@pytest.mark.slow
def test_wheel_contains_the_migrations_under_the_package(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
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


@pytest.mark.slow
def test_wheel_metadata_names_news_timeline_with_its_licence_and_extras(
    wheel: zipfile.ZipFile,
) -> None:
    meta = _metadata(wheel)
    assert meta["Name"] == "news-timeline"
    assert meta["License-Expression"] == "MIT"
    assert meta["License-File"] == "LICENSE"
    info = "news_timeline-" + meta["Version"] + ".dist-info"
    licence = wheel.read(f"{info}/licenses/LICENSE").decode("utf-8")
    assert licence == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Copyright (c) 2026 The timeline authors" in licence
    assert meta["Author"] == "The timeline authors"
    # development tools are dependency groups, never extras users could install
    assert set(meta.get_all("Provides-Extra") or []) == EXTRAS
    requires = meta.get_all("Requires-Dist") or []
    for tool in ("pytest", "ruff", "mypy", "hypothesis", "build"):
        assert not [r for r in requires if r.split(";")[0].strip().startswith(tool)]
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    assert all(url.startswith("https://") for url in urls.values())
    scripts = wheel.read(f"{info}/entry_points.txt").decode("utf-8")
    assert "[console_scripts]\ntimeline = timeline.cli:main" in scripts


@pytest.mark.slow
def test_wheel_classifiers_are_valid_and_name_every_supported_python(
    wheel: zipfile.ZipFile,
) -> None:
    trove = pytest.importorskip("trove_classifiers")
    classifiers = _metadata(wheel).get_all("Classifier") or []
    assert not [c for c in classifiers if c not in trove.classifiers]
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    # PEP 639: the License-Expression replaces licence classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]
    assert "Typing :: Typed" in classifiers


@pytest.mark.slow
def test_sdist_holds_the_sources_and_leaves_ci_out(dist: Path) -> None:
    [path] = dist.glob("*.tar.gz")
    with tarfile.open(path) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for kept in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "alembic/env.py"):
        assert kept in names
    assert "timeline/__init__.py" in names and "tests/test_packaging.py" in names
    assert not [n for n in names if n.startswith((".ci/", ".github/"))]


def test_ci_pins_each_core_dependency_at_its_lowest_promised_version() -> None:
    """``.ci/lowest.txt`` holds the versions ``pyproject.toml``'s lower bounds promise: CI runs
    a suite on them, so raising or lowering a bound without testing it fails here."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    promised = {}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        [lowest] = [s.version for s in requirement.specifier if s.operator == ">="]
        promised[canonicalize_name(requirement.name)] = Version(lowest)
    pinned = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            [version] = [s.version for s in requirement.specifier if s.operator == "=="]
            pinned[canonicalize_name(requirement.name)] = Version(version)
    assert {name: pinned.get(name) for name in promised} == promised
