"""Export format ``html``: the offline, interactive page of :mod:`timeline.html`."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from ..html import render
from ..picture_data import load_marks

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline


def write_html(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
    """Write the page for the events of ``query`` (default: all, in time order) to ``out``."""
    chosen = query if query is not None else tl.events().order_by_time()
    marks = load_marks(chosen.statement, tl.session, details=True)
    out.write(render(marks))
    return len(marks)
