"""The distribution is ``news-timeline``; the package it installs stays ``timeline``.

An unrelated distribution on PyPI is also called ``timeline`` and also installs a top-level
``timeline`` package: with it installed beside ours, the import refuses with the fix.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import timeline
from timeline import _dist

ROOT = Path(__file__).resolve().parent.parent


def _site_with(tmp_path: Path, name: str, version: str, files: list[str]) -> Path:
    """A site folder where our ``timeline`` package and a distribution listing ``files`` meet.

    As when both are installed into one site-packages: the package is ours (a link to the one
    under test), the other distribution's ``.dist-info`` lists files in it. The listed files
    exist, since Python 3.12 on leaves missing ones out of ``Distribution.files``.
    """
    site = tmp_path / "site"
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    try:
        (site / "timeline").symlink_to(Path(timeline.__file__).parent, target_is_directory=True)
    except OSError:  # pragma: no cover - e.g. Windows without the right to make links
        pytest.skip("cannot make a symbolic link here")
    for file in files:
        if not (site / file).exists():  # a file of the other's (ours are there already)
            (site / file).touch()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    record = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]
    (info / "RECORD").write_text("".join(f"{file},,\n" for file in record), encoding="utf-8")
    return site


def _import_with(site: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with ``site`` first on its path."""
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=site,
        env={**os.environ, "PYTHONPATH": path, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )


def test_version_is_our_own_distributions() -> None:
    assert metadata.distribution("news-timeline").metadata["Name"] == "news-timeline"
    assert timeline.__version__ == metadata.version("news-timeline")
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", timeline.__version__)


def test_the_command_reports_the_same_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "--version"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"timeline, version {metadata.version('news-timeline')}"


def test_a_checkout_never_installed_has_an_unknown_version(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert _dist.installed_version() == "0+unknown"


def test_the_other_timeline_package_is_refused_at_import(tmp_path: Path) -> None:
    site = _site_with(tmp_path, "timeline", "0.0.7", ["timeline/__init__.py", "timeline/py.typed"])
    done = _import_with(site, "import timeline")
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: two distributions install the 'timeline' package")
    assert "news-timeline (this library)" in last and "timeline 0.0.7" in last
    assert last.endswith("pip uninstall timeline && pip install --force-reinstall news-timeline")


def test_a_timeline_distribution_without_the_package_is_no_conflict(tmp_path: Path) -> None:
    # e.g. our own editable install from before the rename: a .pth file, no timeline/ package
    site = _site_with(tmp_path, "timeline", "0.1.0", ["_timeline.pth", "timeline/py.typed"])
    done = _import_with(site, "import timeline; print(timeline.__version__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == metadata.version("news-timeline")


def test_no_install_hint_names_the_other_distribution() -> None:
    """Every ``pip install`` of an extra names ``news-timeline``: ``timeline[...]`` is not ours.

    Nor is there a ``dev`` extra any more: the development tools are the ``dev`` group.
    """
    texts = [ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("examples/*.py")]
    texts += ROOT.glob("timeline/**/*.py")
    # timeline[cli] (not timeline[-1]), and '.[dev]'
    wrong = re.compile(r"(?<![\w-])timeline\[(?!-?\d)|\.\[dev\]")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in texts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if wrong.search(line)
    ]
    assert not found
    assert "pip install 'news-timeline[cli]'" in (ROOT / "README.md").read_text(encoding="utf-8")
