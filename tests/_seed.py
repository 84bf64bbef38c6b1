"""The seed story, recorded by the seed example itself, for the picture tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from timeline import Timeline

ROOT = Path(__file__).resolve().parent.parent
#: Where tests leave files for a person to look at (screenshots, rendered charts).
ARTIFACTS = ROOT / "build" / "test-artifacts"


def _example() -> ModuleType:
    path = ROOT / "examples" / "01_seed_story.py"
    spec = importlib.util.spec_from_file_location("timeline_seed_story", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record_seed_story(tl: Timeline) -> None:
    """Write the seed story (the report of 26 Feb 2026) into ``tl``."""
    _example().record_story(tl)


def artifact(name: str) -> Path:
    """A path under ``build/test-artifacts/`` (created), for files worth looking at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
