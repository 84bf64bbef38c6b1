"""The static chart: ``tl.events()....plot("story.png", lanes="kind")`` (PNG, SVG or PDF).

Needs the ``plot`` extra (``pip install 'news-timeline[plot]'``, matplotlib). What is drawn:

- an **instant** known to the day (or the minute) is a marker; if its day is uncertain ("during
  the congress", "later this spring"), a hatched, faded band framed by a thin outline covers
  every day it may fall on, and no marker: a dot in the middle would read as a best guess;
- a **span** is a bar: solid where it certainly runs, hatched and faded where its start or end
  is uncertain (between the earliest and the latest possible start, and likewise the end);
- an **open** end (still going, EDTF ``..``) is an arrow to the edge of the chart; an
  **unknown** end is a short faded tail with a ``?``;
- **status**: occurred and ongoing solid; expected, planned, scheduled, rumored and postponed
  hollow; cancelled and denied struck through and pale;
- lanes by top-level kind, by entity, or one lane; labels packed into rows so they never
  overlap; a time axis that adapts from days to centuries; a dashed "reported" line.

Above ``max_marks`` events the chart **aggregates**: each lane becomes a histogram of event
counts per adaptive bin (day, week, month, quarter, year, decade, century), solid for events
whose dates fit in one bin and hatched for those whose dates are uncertain over more.
Output is deterministic: the same events give the same bytes (no dates or random ids in it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.sql import Select
from sqlmodel import Session

from .errors import MissingDependencyError, UnknownFormatError
from .picture_data import (
    LaneMode,
    Mark,
    assign_lanes,
    check_lanes,
    extent,
    load_marks,
    pack_rows,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Above this many events the chart aggregates instead of drawing each one.
MAX_MARKS = 400
#: Up to this many events, each gets a label.
MAX_LABELS = 120
FORMATS = ("png", "svg", "pdf")
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
WIDTH_IN = 11.0
LEFT_IN = 1.7
RIGHT_IN = 0.3
DPI = 100
FONT_SIZE = 8.0
CHAR_PX = 5.0  # average width of a label character at FONT_SIZE, DejaVu Sans
LABEL_CHARS = 48
BAR = 0.56  # bar height, in rows
#: Behind a label drawn over its own bar, so it stays readable.
_OVER = {"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.0}
#: Candidate histogram bins (days) for the aggregated view.
BINS = (1.0, 7.0, 30.44, 91.31, 365.25, 3652.5, 36525.0)


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise MissingDependencyError("matplotlib", "plot") from error
    return matplotlib


def _epoch_shift() -> float:
    """Day number minus matplotlib date number (constant for the process's date epoch)."""
    import matplotlib.dates as mdates

    return date(1970, 1, 1).toordinal() - float(mdates.date2num(datetime(1970, 1, 1)))  # type: ignore[no-untyped-call]


def _colours(marks: Sequence[Mark]) -> dict[str, str]:
    groups = sorted({m.group for m in marks})
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}


def _label(mark: Mark) -> str:
    text = " ".join(mark.title.split())
    if len(text) > LABEL_CHARS:
        text = text[: LABEL_CHARS - 1] + "…"
    if mark.struck:
        text += f" ({mark.status})"
    return text


def _minus(value: float | None, shift: float) -> float | None:
    return None if value is None else value - shift


class _Geometry:
    """Where a mark sits on the x axis, with its open and unknown ends resolved to the view."""

    def __init__(self, mark: Mark, left: float, right: float, shift: float) -> None:
        tail = (right - left) * 0.06
        first_known = mark.low - shift if mark.low is not None else left
        last_known = mark.high - shift if mark.high is not None else right
        s0, s1 = _minus(mark.start_lo, shift), _minus(mark.start_hi, shift)
        if s0 is None or s1 is None:  # open: from the left edge; unknown: a faded lead-in
            s1 = left if mark.start_state == "open" else first_known
            s0 = left if mark.start_state == "open" else max(first_known - tail, left)
        e0, e1 = _minus(mark.end_lo, shift), _minus(mark.end_hi, shift)
        if e0 is None or e1 is None:  # open: to the right edge; unknown: a faded tail
            e0 = right if mark.end_state == "open" else last_known
            e1 = right if mark.end_state == "open" else min(last_known + tail, right)
        if not mark.span:  # an instant lies somewhere in [s0, e1]
            s1, e0 = s0, e1
        self.s0, self.s1, self.e0, self.e1 = s0, s1, e0, e1
        self.low, self.high = min(s0, e1), max(s0, e1)


def _draw_mark(ax: Axes, mark: Mark, geo: _Geometry, y: float, colour: str) -> None:
    from matplotlib.patches import Rectangle

    alpha = 0.45 if mark.struck else 1.0
    face = "white" if mark.hollow else colour
    uid = mark.id

    def band(x0: float, x1: float, role: str, height: float = BAR) -> None:
        if x1 - x0 <= 0:
            return
        ax.add_patch(
            Rectangle(
                (x0, y - height / 2),
                x1 - x0,
                height,
                facecolor=colour,
                alpha=0.22 * alpha + 0.05,
                hatch="////",
                edgecolor=colour,
                linewidth=0.9 if mark.hollow else 0,
                linestyle=":" if mark.hollow else "-",  # no dashes of width 0 (matplotlib < 3.11)
                gid=f"{role}:{uid}",
            )
        )

    if mark.span:
        band(geo.s0, geo.s1, "uncertain-start")
        band(geo.e0, geo.e1, "uncertain-end")
        if geo.e0 > geo.s1:
            ax.add_patch(
                Rectangle(
                    (geo.s1, y - BAR / 2),
                    geo.e0 - geo.s1,
                    BAR,
                    facecolor=face,
                    edgecolor=colour,
                    linewidth=1.2,
                    alpha=alpha,
                    linestyle="--" if mark.status == "postponed" else "-",
                    gid=f"span:{uid}",
                )
            )
    elif mark.vague:  # somewhere in its window: draw the window, no best guess
        band(geo.s0, geo.e1, "uncertain-instant", BAR * 0.7)
        ax.add_patch(
            Rectangle(
                (geo.s0, y - BAR * 0.35),
                geo.e1 - geo.s0,
                BAR * 0.7,
                facecolor="none",
                edgecolor=colour,
                linewidth=1.2,
                alpha=alpha,
                linestyle="--" if mark.hollow else "-",
                gid=f"instant-window:{uid}",
            )
        )
    else:
        ax.plot(
            [(geo.s0 + geo.e1) / 2],
            [y],
            marker="o",
            markersize=7,
            markerfacecolor=face,
            markeredgecolor=colour,
            markeredgewidth=1.5,
            alpha=alpha,
            linestyle="none",
            gid=f"instant:{uid}",
        )
    for state, edge, marker in ((mark.start_state, geo.low, "<"), (mark.end_state, geo.high, ">")):
        if state == "open":
            ax.plot([edge], [y], marker=marker, markersize=9, color=colour, markeredgecolor="0.1",
                    clip_on=False, zorder=5, gid=f"open-end:{uid}")  # fmt: skip
        elif state == "unknown":
            ax.text(
                edge,
                y,
                " ? " if marker == ">" else " ?",
                ha="left" if marker == ">" else "right",
                va="center",
                fontsize=FONT_SIZE,
                fontweight="bold",
                color=colour,
                gid=f"unknown-end:{uid}",
            )
    if mark.struck:
        ax.plot([geo.low, geo.high], [y, y], color="black", linewidth=1.4, gid=f"struck:{uid}")


def _draw_lanes(
    ax: Axes,
    lanes: dict[str, list[Mark]],
    left: float,
    right: float,
    px_per_day: float,
    shift: float,
) -> tuple[list[float], list[str], float]:
    """Draw each lane's marks, packed into rows; return tick positions, names and height."""
    colours = _colours([m for lane in lanes.values() for m in lane])
    label_days = CHAR_PX / px_per_day
    centres: list[float] = []
    names: list[str] = []
    top = 0.0
    with_labels = sum(len(v) for v in lanes.values()) <= MAX_LABELS
    for index, (name, marks) in enumerate(lanes.items()):
        geos = {m.id: _Geometry(m, left, right, shift) for m in marks}
        boxes: list[tuple[float, float, Mark, str]] = []
        for mark in marks:
            geo = geos[mark.id]
            width = (len(_label(mark)) + 4) * label_days if with_labels else 0.0
            if geo.high + width <= right:  # label on the right
                place, low, high = "right", geo.low - 2 * label_days, geo.high + width
            elif geo.low - width >= left:  # on the left
                place, low, high = "left", geo.low - width, geo.high
            else:  # a long mark: over it, from its start
                place, low, high = "over", geo.low, max(geo.high, geo.low + width)
            boxes.append((low, high, mark, place))
        boxes.sort(key=lambda b: (b[0], b[2].id))
        rows = pack_rows([(b[0], b[1]) for b in boxes], gap=label_days)
        height = max(rows, default=0) + 1
        if index % 2 == 0:
            ax.axhspan(top, top + height, color="#f2f2f2", linewidth=0, zorder=0)
        for (_, _, mark, place), row in zip(boxes, rows, strict=True):
            y = top + row + 0.5
            geo = geos[mark.id]
            _draw_mark(ax, mark, geo, y, colours[mark.group])
            if with_labels:
                pad = 2 * label_days
                x = {"right": geo.high + pad, "left": geo.low - pad}.get(place, geo.low + pad)
                ax.text(
                    max(x, left + pad),
                    y,
                    _label(mark),
                    ha="right" if place == "left" else "left",
                    va="center",
                    fontsize=FONT_SIZE,
                    color="0.35" if mark.struck else "0.1",
                    clip_on=True,
                    bbox=_OVER if place == "over" else None,
                    gid=f"label:{mark.id}",
                )
        centres.append(top + height / 2)
        names.append(name)
        top += height
        ax.axhline(top, color="0.75", linewidth=0.6)
    return centres, names, top


def _bin_days(left: float, right: float) -> float:
    for days in BINS:
        if (right - left) / days <= 160:
            return days
    return BINS[-1]


def _draw_aggregate(
    ax: Axes, lanes: dict[str, list[Mark]], left: float, right: float, shift: float
) -> tuple[list[float], list[str], float]:
    """Each lane a histogram: solid for events dated within a bin, hatched for wider ones."""
    import numpy as np

    colours = _colours([m for lane in lanes.values() for m in lane])
    width = _bin_days(left, right)
    edges = np.arange(left, right + width, width)
    centres: list[float] = []
    names: list[str] = []
    height = 3.0
    for index, (name, marks) in enumerate(lanes.items()):
        top = index * height
        known = [m for m in marks if m.low is not None and m.high is not None]
        lows = np.array([m.low for m in known], dtype=float) - shift
        highs = np.array([m.high for m in known], dtype=float) - shift
        middle = (lows + highs) / 2
        wide = (highs - lows) > width
        exact, _ = np.histogram(middle[~wide], bins=edges)
        fuzzy, _ = np.histogram(middle[wide], bins=edges)
        peak = max(int((exact + fuzzy).max()), 1)
        scale = (height * 0.85) / peak
        base = top + height * 0.95
        colour = colours[marks[0].group] if len({m.group for m in marks}) == 1 else "0.35"
        solid_top = base - exact * scale
        ax.stairs(solid_top, edges, baseline=base, fill=True, color=colour, linewidth=0,
                  gid=f"aggregate:{name}")  # fmt: skip
        ax.stairs(solid_top - fuzzy * scale, edges, baseline=solid_top, fill=True,
                  facecolor=colour, alpha=0.3, hatch="////", edgecolor=colour, linewidth=0,
                  gid=f"aggregate-uncertain:{name}")  # fmt: skip
        centres.append(top + height / 2)
        names.append(f"{name} ({len(marks):,})\nup to {peak} per bar")
        ax.axhline(top + height, color="0.75", linewidth=0.6)
    return centres, names, height * len(lanes)


def figure(
    marks: Sequence[Mark],
    *,
    lanes: LaneMode = "kind",
    title: str | None = None,
    reported: date | None = None,
    max_marks: int = MAX_MARKS,
) -> Figure:
    """The chart of ``marks`` as a matplotlib ``Figure`` (not attached to pyplot).

    Artists carry ``gid`` values naming what they show and the event id (``span:3``,
    ``instant:4``, ``instant-window:5``, ``uncertain-start:3``, ``open-end:7``, ``struck:9``,
    ``label:3``…).
    """
    _matplotlib()
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lane_map = assign_lanes(marks, check_lanes(lanes))
    shift = _epoch_shift()  # day numbers -> matplotlib date numbers
    low, high = extent(marks)
    if reported is not None:
        day = float(reported.toordinal())
        low, high = min(low, day - 1), max(high, day + 2)
    low, high = low - shift, high - shift
    px_per_day = (WIDTH_IN - LEFT_IN - RIGHT_IN) * DPI / (high - low)
    aggregate = len(marks) > max_marks
    fig = Figure(figsize=(WIDTH_IN, 3.0), dpi=DPI)
    ax = fig.add_subplot()
    if aggregate:
        centres, names, total = _draw_aggregate(ax, lane_map, low, high, shift)
    else:
        centres, names, total = _draw_lanes(ax, lane_map, low, high, px_per_day, shift)
    ax.set_xlim(low, high)
    ax.set_ylim(max(total, 1), 0)
    ax.set_yticks(centres, names, fontsize=FONT_SIZE + 1)
    ax.tick_params(axis="y", length=0)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=FONT_SIZE)
    ax.grid(axis="x", color="0.88", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if reported is not None:
        x = reported.toordinal() + 0.5 - shift
        ax.axvline(x, color="0.25", linestyle="--", linewidth=1, gid="reported")
        ax.text(
            x,
            1.0,
            f"reported {reported.day} {reported:%b %Y}",
            transform=ax.get_xaxis_transform(),
            fontsize=FONT_SIZE,
            va="bottom",
            ha="center",
            color="0.25",
        )
    if title:
        ax.set_title(title, loc="left", fontsize=FONT_SIZE + 3, pad=14)
    legend = [
        Patch(facecolor="0.4", edgecolor="0.4", label="occurred / ongoing"),
        Patch(facecolor="white", edgecolor="0.4", label="expected / planned"),
        Patch(facecolor="0.4", alpha=0.3, hatch="////", edgecolor="0.4", label="uncertain date"),
        Line2D([], [], marker=">", color="0.4", linestyle="none", label="open end"),
        Line2D([], [], color="black", label="cancelled / denied"),
    ]
    if aggregate:
        legend = legend[2:3]
        legend[0].set_label(f"{len(marks):,} events; hatched: dates wider than one bin")
    rows = total if not aggregate else total / 2
    height = min(max(1.25 + 0.3 * rows, 2.4), 30.0)
    fig.set_size_inches(WIDTH_IN, height)
    fig.legend(handles=legend, loc="lower center", ncol=5, frameon=False, fontsize=FONT_SIZE)
    fig.subplots_adjust(
        left=LEFT_IN / WIDTH_IN,
        right=1 - RIGHT_IN / WIDTH_IN,
        bottom=0.65 / height,
        top=1 - (0.5 if title else 0.3) / height,
    )
    return fig


def save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Write ``fig`` to ``path`` (``.png``, ``.svg`` or ``.pdf``), byte-for-byte repeatably."""
    target = Path(path)
    save_check(target)
    fmt = target.suffix.lower().lstrip(".")
    matplotlib = _matplotlib()
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    }[fmt]
    with matplotlib.rc_context({"svg.hashsalt": "timeline", "svg.fonttype": "path"}):
        fig.savefig(target, format=fmt, metadata=metadata)
    return target


def plot_events(
    statement: Select[Any],
    session_factory: Callable[[], Session],
    path: str | os.PathLike[str],
    *,
    lanes: LaneMode = "kind",
    title: str | None = None,
    reported: date | None = None,
    max_marks: int = MAX_MARKS,
) -> Path:
    """Draw the events of ``statement`` to ``path``; used by :meth:`EventQuery.plot`."""
    _matplotlib()
    check_lanes(lanes)
    save_check(path)
    marks = load_marks(statement, session_factory)
    fig = figure(marks, lanes=lanes, title=title, reported=reported, max_marks=max_marks)
    return save(fig, path)


def save_check(path: str | os.PathLike[str]) -> None:
    """Raise :class:`UnknownFormatError` unless ``path`` ends in a supported suffix."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UnknownFormatError(str(path), list(FORMATS), "picture")


__all__ = ["FORMATS", "MAX_MARKS", "figure", "plot_events", "save"]
