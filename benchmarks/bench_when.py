"""How fast ``When.parse`` reads EDTF and news phrases, in parses per second.

Run from the repository root::

    python benchmarks/bench_when.py            # 7 runs of each workload
    python benchmarks/bench_when.py --runs 3   # quicker

Each workload is timed ``--runs`` times and the median is reported, with the spread. python-edtf
and dateparser are timed on the same inputs when they are importable (a note says so when they
are not); they do not understand every input, so the table also says how many each one read.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

try:
    from timeline.when import When
except ImportError:  # running from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from timeline.when import When

REFERENCE = date(2026, 2, 26)

EDTF = [
    "2026-02-26",
    "2026-02",
    "2026",
    "2026-02-19/2026-02-26",
    "2026-03/..",
    "/2026",
    "2026-21",
    "1984?",
    "2004-06~",
    "2004-06-11%",
    "201X",
    "1984-1X",
    "2026-02-26T10:00:00Z",
    "2026-02-26T19:00:00+09:00",
    "[2026-02-19..2026-02-26]",
    "[1667, 1668, 1670..1672]",
    "{1960, 1961-12}",
    "2004-?06-~11",
    "156X-12-25",
    "1950S2",
    "2026-34",
    "[..1760-12-03]",
]

PHRASES = [
    "later this spring",
    "this spring",
    "next month",
    "last week",
    "early 2026",
    "mid-March",
    "the 1990s",
    "Q2 2026",
    "by the end of the year",
    "in the coming weeks",
    "on Thursday",
    "yesterday",
    "three weeks ago",
    "the first half of 2027",
    "the 19th century",
    "Feb. 26, 2026",
    "26 February 2026",
    "19\u201326 Feb 2026",
    "since March 2025",
    "around 1898",
]


def _median_rate(
    parse: Callable[[str], Any], inputs: Sequence[str], runs: int, budget: float
) -> tuple[float, float, float, int]:
    """(median, min, max) parses per second over ``runs`` runs, and how many inputs were read."""
    read = 0
    for text in inputs:
        try:
            if parse(text) is not None:
                read += 1
        except Exception:
            pass
    repeat = 1
    while True:  # size one run to take about ``budget`` seconds
        started = time.perf_counter()
        _run(parse, inputs, repeat)
        if time.perf_counter() - started > budget / 4 or repeat > 1 << 16:
            break
        repeat *= 2
    repeat = max(1, int(repeat * budget / max(time.perf_counter() - started, 1e-9)))
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        _run(parse, inputs, repeat)
        rates.append(repeat * len(inputs) / (time.perf_counter() - started))
    return statistics.median(rates), min(rates), max(rates), read


def _run(parse: Callable[[str], Any], inputs: Sequence[str], repeat: int) -> None:
    for _ in range(repeat):
        for text in inputs:
            with contextlib.suppress(Exception):
                parse(text)


def _contenders() -> list[tuple[str, str, Callable[[str], Any]]]:
    found: list[tuple[str, str, Callable[[str], Any]]] = [
        ("timeline When.parse", "edtf", When.parse),
        ("timeline When.parse", "phrases", lambda s: When.parse(s, REFERENCE)),
    ]
    try:
        import edtf  # type: ignore[import-not-found]
    except ImportError:
        print("note: python-edtf is not importable; skipped (pip install edtf to compare)")
    else:
        found.append((f"python-edtf {getattr(edtf, '__version__', '')}".strip(), "edtf",
                      edtf.parse_edtf))  # fmt: skip
    try:
        import dateparser  # type: ignore[import-not-found]
    except ImportError:
        print("note: dateparser is not importable; skipped (pip install dateparser to compare)")
    else:
        base = datetime(REFERENCE.year, REFERENCE.month, REFERENCE.day)
        settings = {"RELATIVE_BASE": base}
        found.append((f"dateparser {dateparser.__version__}", "phrases",
                      lambda s: dateparser.parse(s, settings=settings)))  # fmt: skip
    return found


def main(argv: Sequence[str] | None = None) -> None:
    """Time every contender on every workload and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per cell (median)")
    parser.add_argument("--budget", type=float, default=0.5, help="seconds per timed run")
    args = parser.parse_args(argv)
    workloads = {"edtf": EDTF, "phrases": PHRASES}
    print(f"{'library':34} {'workload':8} {'median/s':>10} {'min/s':>10} {'max/s':>10}  read")
    for name, workload, parse in _contenders():
        inputs = workloads[workload]
        with contextlib.redirect_stdout(io.StringIO()):  # python-edtf prints on some inputs
            median, low, high, read = _median_rate(parse, inputs, args.runs, args.budget)
        print(
            f"{name:34} {workload:8} {median:10,.0f} {low:10,.0f} {high:10,.0f}"
            f"  {read}/{len(inputs)}"
        )


if __name__ == "__main__":
    main()
