"""Dates in running text: :func:`find_dates` finds every temporal expression in an article and
resolves it the way a reader does.

* Spans follow TimeML TIMEX3 extents (see :mod:`timeline.when.spotting`).
* Deictic expressions ("yesterday", "last week", "three years ago") resolve against the
  reference date; anaphoric ones ("two days later", "the following week", "the same period a
  year earlier") against the date the text last mentioned, or the reference when there is none.
* A month, day, weekday, season, holiday or quarter without a year takes the direction of its
  clause (:func:`timeline.when.clauses.direction_at`): back in a past clause, forward in a future
  or modal one, the nearest occurrence otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from timeline.errors import InvalidDateError
from timeline.when.calendar import civil
from timeline.when.clauses import Sentences, direction_at
from timeline.when.conventions import DEFAULT_CONVENTIONS, Conventions
from timeline.when.durations import iso_duration, set_period
from timeline.when.endpoint import Endpoint
from timeline.when.enums import EndState, Precision
from timeline.when.parsing import parse_value
from timeline.when.periods import Direction
from timeline.when.spotting import MENTION, accept
from timeline.when.value import When

__all__ = ["DateMention", "find_dates"]

MentionType = Literal["date", "time", "duration", "set"]


@dataclass(frozen=True)
class DateMention:
    """A temporal expression found in a text.

    :ivar start: offset of its first character in the text.
    :ivar end: offset just after its last character.
    :ivar text: ``text[start:end]``.
    :ivar type: ``"date"``, ``"time"``, ``"duration"`` or ``"set"`` (as TIMEX3 types).
    :ivar when: the calendar interval it denotes, or ``None`` (a bare length of time, a clock
        time without a day, a date that could not be resolved).
    :ivar duration: for a duration its ISO 8601 value (``"P3M"``), for a set its period
        (``"P1W"`` for "every Monday"), else ``None``.
    :ivar sentence: ``(start, end)`` of its sentence in the text.
    """

    start: int
    end: int
    text: str
    type: MentionType
    when: When | None
    duration: str | None
    sentence: tuple[int, int]


_R_ANAPHORIC = re.compile(
    r"(?:.*\b(?:earlier|later|before|after)|(?:the )?(?:next|following|previous|same|prior) "
    r"(?:day|week|weekend|month|year|morning|afternoon|evening|night)|that .*|the day (?:before|"
    r"after))$"
)
_R_SAME_PERIOD = re.compile(r"the (?:same|comparable|corresponding) (?:quarter|period|time) .*")
_R_YEARLESS = re.compile(
    r"(?:early |mid-?|late |the (?:start|beginning|end|middle|rest) of (?:the )?)?(?:[a-z]+ \d{1,2}"
    r"|\d{1,2} [a-z]+|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|spring|summer|"
    r"autumn|winter|fall|the (?:spring|summer|autumn|winter|fall)|year|month|(?:the )?(?:first"
    r"|second|third|fourth)[- ](?:quarter|half)|christmas.*|easter.*|thanksgiving.*|new year.*|"
    r"independence day|halloween|.*day)(?: (?:morning|afternoon|evening|night))?"
)
_PART_OF_DAY = re.compile(r"morning|afternoon|evening|night|tonight", re.IGNORECASE)
_R_IN_BEFORE = re.compile(r"\bin\s+$")
_KINDS: dict[str, MentionType] = {"date": "date", "time": "time", "duration": "duration",
                                  "set": "set"}  # fmt: skip
_PAST_WORDS = ("the past", "recently")
_PRESENT_WORDS = ("nowadays", "these days")


def find_dates(
    text: str, reference: date | str | None = None, *, conventions: Conventions | None = None
) -> list[DateMention]:
    """Every temporal expression in ``text``, in order, resolved against ``reference``.

    ``reference`` is normally the publication date (a date, an aware datetime or ISO text).
    Without it, expressions relative to it keep ``when=None``; absolute dates still resolve.
    """
    conventions = conventions or DEFAULT_CONVENTIONS
    ref: date | None = None
    if reference is not None:
        point = parse_value(reference, None, conventions)
        if point.span or point.start_earliest is None or point.start_earliest != point.end_latest:
            raise InvalidDateError(reference, "a reference date must be a single day or moment")
        ref = civil(point.start_earliest)
    found: list[DateMention] = []
    sentences: Sentences | None = None
    anchor = ref
    previous: When | None = None
    for match in MENTION.finditer(text):
        if not accept(text, match):
            continue
        if sentences is None:
            sentences = Sentences(text)
        start, end = match.span()
        sentence = sentences.bounds(start)
        words = " ".join(match.group().lower().split())
        kind: MentionType = _KINDS[match.lastgroup or "date"]
        when: When | None = None
        duration: str | None = None
        if kind == "set":
            duration = set_period(words)
        elif kind == "duration":
            duration = iso_duration(words)
            if _R_IN_BEFORE.search(text, max(0, start - 3), start) and (
                direction_at(text, sentence, start, end) == "forward"
            ):  # "will decide in two weeks": a date
                kind, duration = "date", None
                when = _resolve(f"in {words}", ref, conventions, "nearest")
            elif words.startswith(("the ", "past ", "last ", "next ", "coming ")):
                when = _resolve(words, ref, conventions, "nearest")
        else:
            when = _date(words, text, sentence, match, ref, anchor, previous, conventions)
            if kind == "date" and _PART_OF_DAY.search(words):
                kind = "time"
            if when is not None and words not in _PAST_WORDS and words != "the future":
                anchor = civil(when.start_earliest) if when.start_earliest else anchor
                previous = when
        found.append(DateMention(start, end, match.group(), kind, when, duration, sentence))
    return found


def _date(
    words: str,
    text: str,
    sentence: tuple[int, int],
    match: re.Match[str],
    ref: date | None,
    anchor: date | None,
    previous: When | None,
    conventions: Conventions,
) -> When | None:
    if ref is not None:
        special = _reference_words(words, ref, conventions)
        if special is not None:
            return special
    if _R_SAME_PERIOD.fullmatch(words) and previous is not None:
        return _year_before(previous)
    base = anchor if _R_ANAPHORIC.fullmatch(words) and "ago" not in words else ref
    direction: Direction = "nearest"
    if _R_YEARLESS.fullmatch(words.replace(".", "").replace(",", "")):
        direction = direction_at(text, sentence, *match.span())
    return _resolve(words, base, conventions, direction)


def _resolve(
    words: str, reference: date | None, conventions: Conventions, direction: Direction
) -> When | None:
    try:
        return parse_value(words, reference, conventions, direction)
    except InvalidDateError:
        return None


def _reference_words(words: str, ref: date, conventions: Conventions) -> When | None:
    """Past, present and future references: "recently", "the past", "nowadays", "the future"."""
    if words == "the past":
        return When.build(Endpoint(None, ref - timedelta(days=1), Precision.DAY,
                                   state=EndState.OPEN))  # fmt: skip
    if words == "the future":
        return When.build(Endpoint(ref + timedelta(days=1), None, Precision.DAY,
                                   state=EndState.OPEN))  # fmt: skip
    if words == "recently":
        lo = ref - conventions.horizon("months")
        return When.build(Endpoint(lo, ref, Precision.MONTH))
    if words in _PRESENT_WORDS:
        return When.build(Endpoint(ref, ref, Precision.DAY))
    return None


def _year_before(previous: When) -> When | None:
    """ "The same period a year earlier": the period last mentioned, a year before."""
    lo, hi = previous.hull()
    if lo is None or hi is None:
        return None
    year = relativedelta(years=1)
    return When.build(Endpoint(lo - year, hi - year, previous.start_precision))
