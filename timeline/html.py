"""The interactive page: ``tl.events()....to_html("story.html")``, one self-contained file.

The page works offline and makes no network request: its script and style are bundled from
``timeline/assets/`` (a small renderer written for timeline, no third-party code) and the
events are embedded as JSON. It has lanes (by kind, by entity or none), zoom (wheel, buttons,
``+``/``-``) and pan (drag, arrow keys), uncertain ends drawn as fading gradients, open ends as
arrows, a details panel with sources and quotes, filters by kind and entity, and a table of the
same events for screen readers and keyboards.

Safety: every text from the database reaches the page only as JSON inside a
``<script type="application/json">`` block (with ``<``, ``>`` and ``&`` escaped, so it cannot
close the block) and is put on the page with ``textContent``; a Content-Security-Policy allows
only the bundled script and style (by hash) and no connection of any kind.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
from collections.abc import Callable, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.sql import Select
from sqlmodel import Session

from .picture_data import Mark, load_marks

#: Day number of 1970-01-01: the page counts days from the Unix epoch.
UNIX_DAY = date(1970, 1, 1).toordinal()

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="timeline">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>{css}</style>
</head>
<body>
<a class="tl-skip" href="#tl-table">Skip to the table of events</a>
<header>
<h1 id="tl-title">{title}</h1>
<p id="tl-summary">{count} events</p>
</header>
<div class="tl-controls" role="toolbar" aria-label="Timeline controls">
<label>Lanes <select id="tl-lanes">
<option value="kind">by kind</option>
<option value="entity">by entity</option>
<option value="none">one lane</option>
</select></label>
<fieldset id="tl-kinds"><legend>Kinds</legend></fieldset>
<label>Entity <select id="tl-entity"><option value="">all entities</option></select></label>
<span>
<button type="button" id="tl-zoom-in" aria-label="Zoom in">+</button>
<button type="button" id="tl-zoom-out" aria-label="Zoom out">&minus;</button>
<button type="button" id="tl-fit">Fit</button>
</span>
<span class="tl-legend" aria-hidden="true">
<span><span class="tl-key tl-key-solid"></span>occurred</span>
<span><span class="tl-key tl-key-hollow"></span>expected / planned</span>
<span><span class="tl-key tl-key-fuzzy"></span>uncertain date</span>
<span>&#9654; open end &nbsp; ? unknown end</span>
</span>
</div>
<div class="tl-main">
<div id="tl-chart-wrap">
<svg id="tl-chart" xmlns="http://www.w3.org/2000/svg" tabindex="0" role="img"
 aria-label="Timeline chart: drag or use the arrow keys to pan, the wheel or + and - to zoom;
 the table below lists the same events"></svg>
</div>
<aside id="tl-details" tabindex="-1" aria-live="polite" aria-label="Event details">
<p class="tl-empty">Select an event to see its sources and quotes.</p>
</aside>
</div>
<section id="tl-table-wrap">
<table id="tl-table">
<caption id="tl-table-caption">Events</caption>
<thead><tr><th scope="col">When</th><th scope="col">Title</th><th scope="col">Kind</th>
<th scope="col">Status</th><th scope="col">Place</th><th scope="col">Who</th></tr></thead>
<tbody></tbody>
</table>
<button type="button" id="tl-more" hidden>Show more</button>
</section>
<script type="application/json" id="timeline-data">{data}</script>
<script>{js}</script>
</body>
</html>
"""


def _asset(name: str) -> str:
    return (resources.files("timeline") / "assets" / name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>``, ``&`` and line separators escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _days(value: float | None) -> float | None:
    return None if value is None else round(value - UNIX_DAY, 5)


def event_record(mark: Mark) -> dict[str, Any]:
    """The JSON record of one event on the page (short keys keep large pages small)."""
    return {
        "id": mark.id,
        "t": mark.title,
        "k": mark.kind,
        "g": mark.group,
        "s": mark.status,
        "sp": mark.span,
        "b": [_days(v) for v in (mark.start_lo, mark.start_hi, mark.end_lo, mark.end_hi)],
        "ss": mark.start_state,
        "es": mark.end_state,
        "w": mark.when_text(),
        "p": mark.place,
        "sum": mark.event.summary,
        "e": [[name, role] for name, role in mark.actors],
        "c": [[c.source, c.publisher, c.published, c.url, c.status, c.quote] for c in mark.claims],
    }


def render(
    marks: Sequence[Mark],
    *,
    title: str | None = None,
    lanes: str = "kind",
    reported: date | None = None,
) -> str:
    """The page for ``marks``, as text. Deterministic: the same events give the same page."""
    css, js = _asset("timeline.css"), _asset("timeline.js")
    payload = {
        "lanes": lanes,
        "reported": None if reported is None else reported.toordinal() - UNIX_DAY,
        "events": [event_record(m) for m in marks],
    }
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src '{_digest(js)}'",
            f"style-src '{_digest(css)}'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    return _TEMPLATE.format(
        csp=csp,
        title=html.escape(title or "Timeline"),
        count=len(marks),
        css=css,
        js=js,
        data=script_json(payload),
    )


def write_html(
    statement: Select[Any],
    session_factory: Callable[[], Session],
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    reported: date | None = None,
) -> Path:
    """Write the page for the events of ``statement``; used by :meth:`EventQuery.to_html`."""
    marks = load_marks(statement, session_factory, details=True)
    target = Path(path)
    target.write_text(render(marks, title=title, reported=reported), encoding="utf-8")
    return target


__all__ = ["event_record", "render", "script_json", "write_html"]
