"""Run the fuzz properties of tests/test_fuzz.py long, and time hostile inputs as they grow.

    python benchmarks/fuzz_long.py [--examples 3000] [--only NAME]

Prints, per property, how many examples were tried per target, the failures (a failure is any
exception other than a documented TimelineError, a failed import that changed the database, or
an unstable round trip) and the time; then, for each parser, the time of a hostile input and of
one twice and four times as long (linear time: the ratios stay near 2 and 4).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def run_properties(examples: int, only: str | None) -> int:
    os.environ["TIMELINE_FUZZ_EXAMPLES"] = str(examples)
    sys.path.insert(0, str(TESTS))
    import test_fuzz

    properties = [
        (name, function)
        for name, function in vars(test_fuzz).items()
        if name.startswith("test_fuzz") and (only is None or only in name)
    ]
    print(f"{'property':<38} {'target':<26} {'examples':>9} {'failures':>8} {'seconds':>8}")
    failures = 0
    started_all = time.perf_counter()
    for name, function in properties:
        before = dict(test_fuzz.TRIED)
        started = time.perf_counter()
        failed = 0
        try:
            function()
        except Exception:
            failed = 1
            traceback.print_exc()
        seconds = time.perf_counter() - started
        failures += failed
        tried = {k: v - before.get(k, 0) for k, v in test_fuzz.TRIED.items() if v != before.get(k)}
        for target, count in sorted(tried.items()):
            print(f"{name:<38} {target:<26} {count:>9} {failed:>8} {seconds:>8.1f}")
    total = sum(test_fuzz.TRIED.values())
    elapsed = time.perf_counter() - started_all
    print(f"{'total':<38} {'':<26} {total:>9} {failures:>8} {elapsed:>8.1f}")
    return failures


def _best(call: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_scaling() -> None:
    """Median seconds of a hostile input of size n, 2n and 4n, and the ratios to size n."""
    from timeline import InvalidDateError, Timeline, TimelineError, When
    from timeline.io import import_file

    def parse(text: str) -> None:
        with contextlib.suppress(InvalidDateError):
            When.parse(text)

    folder = Path(tempfile.mkdtemp(prefix="timeline-scaling-"))
    tl = Timeline(folder / "scaling.db")

    def importing(format_: str, name: str, make: object) -> object:
        def measure(n: int) -> None:
            path = folder / name
            path.write_text(make(n), encoding="utf-8")  # type: ignore[operator]
            with contextlib.suppress(TimelineError):
                import_file(tl, path, format=format_)

        return measure

    gdelt_row = (TESTS / "fixtures" / "gdelt.export.CSV").read_text().splitlines()[1]
    cases: list[tuple[str, object, int]] = [
        ("When.parse '1'*n", lambda n: parse("1" * n), 50),
        ("When.parse '('*n", lambda n: parse("(" * n), 50),
        ("When.parse '2026-'*n", lambda n: parse("2026-" * n), 10),
        ("When.parse 'early '*n", lambda n: parse("early " * n), 8),
        ("When.parse '[2026,'*n", lambda n: parse("[" + "2026, " * n), 8),
        ("When.parse, text of n chars", lambda n: parse("x" * n), 1_000_000),
        (
            "csv, a line of n chars",
            importing("csv", "a.csv", lambda n: "title,when,kind\n" + "(" * n + ",2026-02-30,x\n"),
            30_000,
        ),
        (
            "csv, n stray quotes",
            importing("csv", "q.csv", lambda n: 'title,when,kind\n"' + 'a"' * n + "\n"),
            30_000,
        ),
        (
            "csv, n bad rows",
            importing("csv", "r.csv", lambda n: "title,when,kind\n" + "T,2026-02-30,x\n" * n),
            2_000,
        ),
        (
            "jsonl, a line of n chars",
            importing("jsonl", "a.jsonl", lambda n: '{"type": "event", "title": "' + "x" * n),
            1_000_000,
        ),
        (
            "json, n nested arrays",
            importing("json", "n.json", lambda n: "[" * n),
            400,
        ),
        (
            "gdelt, a line of n chars",
            importing("gdelt-events", "a.export.CSV", lambda n: "\t" * n),
            1_000_000,
        ),
        (
            "gdelt, n short rows",
            importing("gdelt-events", "b.export.CSV", lambda n: (gdelt_row[:-40] + "\n") * n),
            2_000,
        ),
        (
            "ics, a SUMMARY of n chars",
            importing(
                "ics",
                "a.ics",
                lambda n: (
                    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:"
                    + "x" * n
                    + "\r\nDTSTART:2026023\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
                ),
            ),
            200_000,
        ),
    ]
    print(f"\n{'hostile input':<32} {'n':>9} {'t(n) s':>9} {'t(2n)/t(n)':>11} {'t(4n)/t(n)':>11}")
    for label, call, n in cases:
        base = _best(lambda call=call, n=n: call(n))  # type: ignore[operator]
        double = _best(lambda call=call, n=n: call(2 * n))  # type: ignore[operator]
        quadruple = _best(lambda call=call, n=n: call(4 * n))  # type: ignore[operator]
        print(f"{label:<32} {n:>9} {base:>9.4f} {double / base:>11.2f} {quadruple / base:>11.2f}")
    tl.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000, help="examples per property")
    parser.add_argument("--only", help="run the properties whose name contains this")
    parser.add_argument("--no-scaling", action="store_true", help="skip the timing of growth")
    args = parser.parse_args()
    failures = run_properties(args.examples, args.only)
    if not args.no_scaling:
        run_scaling()
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
