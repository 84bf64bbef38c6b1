"""The seed story, recorded by the seed example itself, for the picture tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from timeline import Timeline

ROOT = Path(__file__).resolve().parent.parent
#: Where tests leave files for a person to look at (screenshots, rendered charts).
ARTIFACTS = ROOT / "build" / "test-artifacts"


def load_script(path: str, name: str) -> ModuleType:
    """A script of the repository (an example, a benchmark) imported as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def record_seed_story(tl: Timeline) -> None:
    """Write the seed story (the report of 26 Feb 2026) into ``tl``."""
    load_script("examples/01_seed_story.py", "timeline_seed_story").record_story(tl)


def artifact(name: str) -> Path:
    """A path under ``build/test-artifacts/`` (created), for files worth looking at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
