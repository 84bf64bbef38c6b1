"""What the near-miss check costs an import: with it, and with it switched off, same data.

    python benchmarks/bench_nearmiss.py [ROWS] [--new N] [--stored N] [--runs N]

A database is filled once with ``--stored`` people (default 20,000; name-like, built from
syllables). Then a CSV of ROWS rows (default 100,000) naming ``--new`` new people (default
10,000; one in a hundred a one-letter slip of a stored name) and a new kind is imported into a
fresh copy of it, ``--runs`` times (default 3) with the check and as many times without it
(``timeline.write.pipeline.check_near_misses`` replaced by a no-op), alternating. Prints the
median seconds of each, the overhead, and the time of the check alone (``nearmiss.check`` on the
imported database, its mark taken from before the import).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from sqlmodel import Session

from timeline import NearMissWarning, Timeline
from timeline.io import import_file
from timeline.write import nearmiss, pipeline

SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "su",
    "ten",
    "bal",
    "dor",
    "vik",
    "an",
    "el",
    "jo",
    "ham",
    "ser",
    "lu",
    "pet",
    "ran",
    "gol",
    "mi",
    "za",
    "nor",
]


def person(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return f"{word()} {word()}"


def slip(rng: random.Random, name: str) -> str:
    """``name`` with one letter changed (not the first two of a word)."""
    at = rng.randrange(2, len(name))
    while name[at] == " " or name[at - 1] == " " or name[at - 2] == " ":
        at = rng.randrange(2, len(name))
    return name[:at] + ("x" if name[at] != "x" else "y") + name[at + 1 :]


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("title,when,kind,actors\n")
        for title, kind, actor in rows:
            out.write(f"{title},2026-03-{1 + len(title) % 28:02d},{kind},{actor}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--stored", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    rng = random.Random(7)
    stored: set[str] = set()
    while len(stored) < options.stored:
        stored.add(person(rng))
    new: set[str] = set()
    ordered = sorted(stored)
    while len(new) < options.new:
        name = slip(rng, rng.choice(ordered)) if len(new) % 100 == 0 else person(rng)
        if name not in stored:
            new.add(name)
    fresh = sorted(new)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        base = folder / "base.db"
        first = folder / "stored.csv"
        write_csv(first, [(f"Seed {i}", "military.parade", n) for i, n in enumerate(ordered)])
        with Timeline(str(base)) as tl:
            import_file(tl, first)
        sheet = folder / "new.csv"
        kinds = ["military.parade", "diplomacy.visit", "militray.parade"]
        write_csv(
            sheet,
            [(f"Event {i}", kinds[i % 3], fresh[i % len(fresh)]) for i in range(options.rows)],
        )
        real = pipeline.check_near_misses
        times: dict[str, list[float]] = {"with": [], "without": []}
        for run in range(2 * options.runs):
            label = "with" if run % 2 else "without"
            pipeline.check_near_misses = real if label == "with" else (lambda s, b: 0)
            target = folder / f"run{run}.db"
            shutil.copy(base, target)
            with Timeline(str(target)) as tl, warnings.catch_warnings():
                warnings.simplefilter("ignore", NearMissWarning)
                started = time.perf_counter()
                import_file(tl, sheet)
                times[label].append(time.perf_counter() - started)
        pipeline.check_near_misses = real
        with Timeline(str(folder / "run1.db")) as tl, Session(tl.engine) as session:
            before = nearmiss.Mark(options.stored, options.stored, 0)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", NearMissWarning)
                started = time.perf_counter()
                found = nearmiss.check(session, before)
                alone = time.perf_counter() - started
    with_, without = statistics.median(times["with"]), statistics.median(times["without"])
    print(
        f"import of {options.rows:,} rows, {options.new:,} new names, "
        f"{options.stored:,} stored (median of {options.runs})"
    )
    print(f"  without the check  {without:8.2f} s")
    print(f"  with the check     {with_:8.2f} s   overhead {100 * (with_ / without - 1):+.1f} %")
    print(f"  the check alone    {alone:8.3f} s   ({found:,} near misses, {len(caught)} warnings)")


if __name__ == "__main__":
    sys.exit(main())
