"""Reviewed event drafts (``format="drafts"``): JSON Lines of ``add_event`` keywords.

Each line is one dict of :meth:`timeline.Timeline.add_event` keywords, as
:meth:`timeline.Timeline.draft_events` and ``timeline extract`` write them (``notes`` is
accepted and ignored). Every line goes through the same write as ``add_events``: actors and
places must be known (an unknown or ambiguous name is refused on its line), and a draft that
names no ``reference`` resolves a relative ``when`` against its source's publication day.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from ..errors import TimelineError
from ..write.draft import draft_from_keywords
from .base import Item, Progress, RowError, explain, iter_lines, open_text
from .jsonio import _TOO_DEEP as TOO_DEEP

__all__ = ["read_drafts"]


def read_drafts(path: str | os.PathLike[str], progress: Progress | None = None) -> Iterator[Item]:
    """The drafts of a JSON Lines file, one per non-blank line; a bad line is a row error
    naming its line number."""
    with open_text(path, progress) as stream:
        for number, line in iter_lines(stream):
            if not line.strip():
                continue
            try:
                yield draft_from_keywords(json.loads(line), number)
            except json.JSONDecodeError as error:
                yield RowError(number, f"not JSON: {error.msg} (column {error.colno})")
            except RecursionError:
                yield RowError(number, TOO_DEEP)
            except TimelineError as error:
                reason, field = explain(error)
                yield RowError(number, reason, field)
