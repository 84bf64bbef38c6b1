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
from functools import cached_property
from typing import Literal

from dateutil.relativedelta import relativedelta

from timeline.errors import InvalidDateError
from timeline.when.calendar import civil
from timeline.when.clauses import Sentences, direction_at, reported_at
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
    r"(?:.*\b(?:earlier|later|before|after)|the (?:next|following|previous|same|prior) "
    r"(?:day|week|weekend|month|year|morning|afternoon|evening|night)|that .*|the day (?:before|"
    r"after))$"
)
_R_COUNTED = re.compile(
    r".*\b(?:days?|weeks?|months?|years?|decades?) (?:earlier|later|before|after)"
)
_R_MONTH_OF = re.compile(
    r"([a-z]+) of (that|the same|the following|the next|the previous|the prior) year"
)
_R_YEAR_SHIFT = re.compile(r"(?:a|one) year (earlier|later|before|after)")
_R_SAME_PERIOD = re.compile(r"the (?:same|comparable|corresponding) (?:quarter|period|time) .*")
_R_YEAR_RANGE = re.compile(r"(\d{4}) ?[-\u2013\u2014] ?(\d{2}|\d{4})")
_R_WEEKDAY = re.compile(r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b.*")
_R_YEARLESS = re.compile(
    r"(?:early |mid-?|late |the (?:start|beginning|end|middle|rest) of (?:the )?)?(?:[a-z]+ \d{1,2}"
    r"|\d{1,2} [a-z]+|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|spring|summer|"
    r"autumn|winter|fall|the (?:spring|summer|autumn|winter|fall)|year|month|(?:the )?(?:fiscal )?"
    r"(?:first|second|third|fourth)[- ](?:quarter|half)|christmas.*|easter.*|thanksgiving.*|"
    r"new year.*|independence day|halloween|.*day)(?: (?:morning|afternoon|evening|night))?"
)
_PERIODS = (Precision.MONTH, Precision.QUARTER, Precision.SEASON, Precision.HALF)
_PART_OF_DAY = re.compile(r"morning|afternoon|evening|night|tonight", re.IGNORECASE)
_R_IN_BEFORE = re.compile(r"\bin\s+$")
_R_SINCE_BEFORE = re.compile(r"\bsince\s+$")
_KINDS: dict[str, MentionType] = {"date": "date", "time": "time", "duration": "duration",
                                  "set": "set"}  # fmt: skip
_PAST_WORDS = ("the past", "recently")
_PRESENT_WORDS = ("nowadays", "these days")
_PARTS = ("morning", "afternoon", "evening")


def find_dates(
    text: str, reference: date | str | None = None, *, conventions: Conventions | None = None
) -> list[DateMention]:
    """Every temporal expression in ``text``, in order, resolved against ``reference``.

    ``reference`` is normally the publication date (a date, an aware datetime or ISO text).
    Without it, expressions relative to it keep ``when=None``; absolute dates still resolve.

    >>> from timeline import find_dates
    >>> text = "Trump is expected to visit China later this spring, after the congress of Feb. 26."
    >>> [(m.text, str(m.when)) for m in find_dates(text, reference="2026-02-26")]
    [('later this spring', 'spring 2026'), ('Feb. 26', '26 Feb 2026')]
    """
    conventions = conventions or DEFAULT_CONVENTIONS
    ref: date | None = None
    if reference is not None:
        point = parse_value(reference, None, conventions)
        if point.span or point.start_earliest is None or point.start_earliest != point.end_latest:
            raise InvalidDateError(reference, "a reference date must be a single day or moment")
        ref = civil(point.start_earliest)
    reader = _Reader(text, ref, conventions)
    found: list[DateMention] = []
    for match in MENTION.finditer(text):
        if accept(text, match):
            found.append(reader.mention(match))
    return found


class _Reader:
    """Reads the mentions of one text in order, keeping the dates it has seen as anchors."""

    def __init__(self, text: str, ref: date | None, conventions: Conventions) -> None:
        self.text, self.ref, self.conventions = text, ref, conventions
        self.last: When | None = None  # the date the text mentioned last
        self.last_day: When | None = None  # … of a day or a week
        self.cache: dict[tuple[str, date | None, Direction], When | None] = {}

    @cached_property
    def sentences(self) -> Sentences:
        """The text's sentences, found when the first mention needs them."""
        return Sentences(self.text)

    def mention(self, match: re.Match[str]) -> DateMention:
        """The mention ``match`` found, typed and resolved."""
        start, end = match.span()
        sentence = self.sentences.bounds(start)
        words = " ".join(match.group().lower().split())
        kind: MentionType = _KINDS[match.lastgroup or "date"]
        when: When | None = None
        duration: str | None = None
        if kind == "set":
            duration = set_period(words)
        elif kind == "duration":
            duration = iso_duration(words)
            if (
                _R_IN_BEFORE.search(self.text, max(0, start - 3), start)
                and (not words.startswith("the "))
                and (
                    direction_at(self.text, sentence, start, end, whole_sentence=False) == "forward"
                )
            ):  # "will decide in two weeks": a date
                kind, duration = "date", None
                when = self.resolve(f"in {words}", self.ref)
            elif words.startswith(("the ", "past ", "last ", "next ", "coming ")):
                when = self.resolve(words, self.ref)
        else:
            when = self.interval(words, sentence, start, end)
            if kind == "date" and _PART_OF_DAY.search(words):
                kind = "time"
            self.remember(when, words, sentence, start)
        return DateMention(start, end, match.group(), kind, when, duration, sentence)

    def remember(self, when: When | None, words: str, sentence: tuple[int, int], at: int) -> None:
        """Keep ``when`` as an anchor, unless it is vague, only dates a report ("said Monday")
        or is a point of comparison ("since 2010")."""
        if when is None or when.start_earliest is None or when.end_latest is None:
            return
        if words in _PAST_WORDS or reported_at(self.text, sentence, at):
            return
        if _R_SINCE_BEFORE.search(self.text, max(0, at - 6), at):
            return  # "the slowest since 2010" is a comparison, not where the story is
        self.last = when
        if when.start_precision in (Precision.DAY, Precision.WEEK, Precision.TIME):
            self.last_day = when

    def interval(self, words: str, sentence: tuple[int, int], start: int, end: int) -> When | None:
        """The interval of a date or time mention."""
        ref, conventions = self.ref, self.conventions
        if ref is not None:
            special = _reference_words(words, ref, conventions)
            if special is not None:
                return special
        if range_match := _R_YEAR_RANGE.fullmatch(words):  # "2026-27", "1990-95"
            first, last = range_match.groups()
            last = first[: 4 - len(last)] + last
            return self.resolve(f"{first}/{last}", None)
        if (month_of := _R_MONTH_OF.fullmatch(words)) and self.last is not None:
            # "October of that year": the year of the date the text named last
            assert self.last.start_earliest is not None  # anchors are bounded
            step = {"following": 1, "next": 1, "previous": -1, "prior": -1}
            year = civil(self.last.start_earliest).year + step.get(month_of.group(2)[4:], 0)
            return self.resolve(f"{month_of.group(1)} {year}", None)
        if _R_ANAPHORIC.fullmatch(words) and "ago" not in words:
            return self.anaphoric(words)
        direction: Direction = "nearest"
        if _R_YEARLESS.fullmatch(words.replace(".", "").replace(",", "")):
            direction = direction_at(self.text, sentence, start, end)
            if direction == "nearest" and ref is not None and _R_WEEKDAY.fullmatch(words):
                return self.nearest_weekday(words, ref)
        return self.resolve(words, ref, direction)

    def anaphoric(self, words: str) -> When | None:
        """A date relative to one mentioned earlier ("two days later", "the following week")."""
        counted = _R_COUNTED.fullmatch(words) is not None
        # "the following week" follows the last day named; "two days later" the last date.
        previous = self.last if counted else (self.last_day or self.last)
        if previous is None:
            return self.resolve(words, self.ref)
        if _R_SAME_PERIOD.fullmatch(words) or (
            _R_YEAR_SHIFT.fullmatch(words) and previous.start_precision in _PERIODS
        ):
            later = words.endswith(("later", "after"))
            return _shift_year(previous, 1 if later else -1)
        lo, hi = previous.start_earliest, previous.start_latest
        assert lo is not None and hi is not None  # anchors are bounded
        first = self.resolve(words, civil(lo))
        if first is None or civil(lo) == civil(hi) or not counted:
            return first
        # Counted from a period ("two days later" after "in October 2022"): every day of it.
        last = self.resolve(words, civil(hi))
        if last is None or last.end_latest is None:
            return first
        return When.build(Endpoint(first.start_earliest, last.end_latest, first.start_precision))

    def nearest_weekday(self, words: str, ref: date) -> When | None:
        """A weekday the clause says nothing about: the occurrence nearest the reference."""
        back = self.resolve(words, ref, "backward")
        ahead = self.resolve(words, ref, "forward")
        if back is None or ahead is None or back.start_earliest is None:
            return back or ahead
        assert ahead.start_earliest is not None
        behind = (ref - civil(back.start_earliest)).days
        return back if behind <= (civil(ahead.start_earliest) - ref).days else ahead

    def resolve(
        self, words: str, reference: date | None, direction: Direction = "nearest"
    ) -> When | None:
        """``words`` read by ``When.parse``, or ``None``; a text repeats its phrases, so each
        reading is kept for the rest of it."""
        key = (words, reference, direction)
        if key not in self.cache:
            try:
                self.cache[key] = parse_value(words, reference, self.conventions, direction)
            except InvalidDateError:
                self.cache[key] = None
        return self.cache[key]


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
    if words in _PRESENT_WORDS or words in _PARTS:  # "in afternoon trading"
        return When.build(Endpoint(ref, ref, Precision.DAY))
    return None


def _shift_year(previous: When, years: int) -> When | None:
    """The period mentioned last, ``years`` later ("the same period a year earlier": -1)."""
    lo, hi = previous.start_earliest, previous.end_latest
    if lo is None or hi is None:
        return None
    shift = relativedelta(years=years)
    return When.build(Endpoint(civil(lo) + shift, civil(hi) + shift, previous.start_precision))
