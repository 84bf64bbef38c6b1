"""Properties: generated EDTF round-trips, bounds stay ordered, any text raises only
InvalidDateError, and parsing time is bounded."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from timeline.errors import InvalidDateError
from timeline.when import When
from timeline.when.value import le
from timeline.when.words import MONTHS, NUMBERS, WEEKDAYS

QUALIFIER = st.sampled_from(["", "", "", "?", "~", "%"])


@st.composite
def year_text(draw: st.DrawFn) -> str:
    year = draw(st.integers(1, 9999))
    text = f"{year:04d}"
    if draw(st.booleans()):
        keep = draw(st.integers(0, 4))
        text = text[:keep] + "X" * (4 - keep)
    return text


@st.composite
def date_text(draw: st.DrawFn) -> str:
    parts = [draw(year_text())]
    shape = draw(st.sampled_from(["year", "month", "day", "group", "significant"]))
    if shape == "significant" and "X" not in parts[0] and parts[0][0] != "0":
        return f"{parts[0]}S{draw(st.integers(1, 3))}"
    if shape == "group" and "X" not in parts[0]:
        return f"{parts[0]}-{draw(st.integers(21, 41))}" + draw(QUALIFIER)
    if shape in ("month", "day"):
        parts.append(draw(st.sampled_from([f"{m:02d}" for m in range(1, 13)] + ["XX", "1X", "0X"])))
    if shape == "day":
        parts.append(draw(st.sampled_from([f"{d:02d}" for d in range(1, 29)] + ["XX", "2X"])))
    out = []
    for part in parts:
        out.append(draw(QUALIFIER) + part + draw(QUALIFIER))
    return "-".join(out)


@st.composite
def edtf_text(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["date", "date", "interval", "one_of", "all_of", "time"]))
    if kind == "date":
        return draw(date_text())
    if kind == "time":
        day = draw(st.dates(date(1, 1, 1), date(9999, 12, 31)))
        hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        zone = draw(st.sampled_from(["Z", "+09:00", "-05:00", "+05:30"]))
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{zone}"
    if kind == "interval":
        left = draw(st.one_of(date_text(), st.sampled_from(["..", ""])))
        right = draw(st.one_of(date_text(), st.sampled_from(["..", ""])))
        return f"{left}/{right}"
    members = draw(st.lists(date_text(), min_size=1, max_size=3))
    if draw(st.booleans()):
        members[0] = ".." + members[0]
    elif draw(st.booleans()) and len(members) > 1:
        members[0] = members[0] + ".." + members.pop(1)
    if draw(st.booleans()):
        members[-1] = members[-1] + ".."
    brackets = "[]" if kind == "one_of" else "{}"
    return brackets[0] + ", ".join(members) + brackets[1]


def _parse_or_skip(text: str) -> When:
    try:
        return When.parse(text)
    except InvalidDateError:
        assume(False)
        raise


@settings(max_examples=400, suppress_health_check=[HealthCheck.filter_too_much])
@given(edtf_text())
def test_generated_edtf_round_trips(text: str) -> None:
    when = _parse_or_skip(text)
    assert when.edtf is not None
    again = When.parse(when.edtf)
    assert again == when
    assert again.edtf == when.edtf
    assert When(**when.as_dict()) == when


def _assert_ordered(when: When) -> None:
    se, sl, ee, el = when.start_earliest, when.start_latest, when.end_earliest, when.end_latest
    for a, b in ((se, sl), (ee, el), (se, ee), (sl, el), (se, el)):
        if a is not None and b is not None:
            assert le(a, b)
    lo, hi = when.hull()
    if lo is not None and hi is not None:
        assert lo <= hi


@settings(max_examples=300, suppress_health_check=[HealthCheck.filter_too_much])
@given(edtf_text())
def test_bounds_are_always_ordered(text: str) -> None:
    _assert_ordered(_parse_or_skip(text))


_EXTRA_WORDS = (
    "early mid late later earlier this next last past coming recent the of in on by since until "
    "from to between and before after around c. sometime spring summer autumn winter week "
    "weekend month year quarter half decade century days weeks months years ago end beginning "
    "start q2 h1 fy 1990s 19th 2026 26 03 - \u2013 / ? ~ , ."
)
WORDS = sorted(set(MONTHS) | set(WEEKDAYS) | set(NUMBERS) | set(_EXTRA_WORDS.split(" ")))
PHRASE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=7).map(" ".join)
ANY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789-/X?~%[]{}.,TZ:+ Y ES", max_size=40),
    PHRASE,
)


@settings(max_examples=1500, deadline=None)
@given(ANY_TEXT, st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31))))
def test_any_text_raises_only_invalid_date_error(text: str, reference: date | None) -> None:
    try:
        when = When.parse(text, reference)
    except InvalidDateError as error:
        assert error.value is not None
        return
    _assert_ordered(when)
    assert When(**when.as_dict()) == when
    when.display()
    when.sort_key  # noqa: B018


@settings(max_examples=300, deadline=None)
@given(PHRASE, st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_phrases_with_any_reference(text: str, reference: date) -> None:
    try:
        when = When.parse(text, reference)
    except InvalidDateError:
        return
    _assert_ordered(when)


ADVERSARIAL = [
    "1" * 200,
    "-" * 200,
    "X" * 200,
    "[" + "2026, " * 33 + "]",
    "{" + "..," * 60 + "}",
    "early " * 33,
    "the end of " * 18,
    "later this " * 20,
    "between " + "and " * 48,
    "from " * 40,
    "around " * 28,
    "2026-" * 40,
    "?" * 200,
    "a " * 100,
    "19-" * 66,
    "2026/" * 40,
    "Y" + "9" * 199,
    "Y9E999",
    "in " * 60 + "2026",
]


def test_adversarial_text_only_raises_invalid_date_error() -> None:
    # Speed on hostile input is measured in benchmarks/bench_when.py, not timed here.
    for text in ADVERSARIAL:
        with contextlib.suppress(InvalidDateError):
            When.parse(text, date(2026, 2, 26))


def test_long_text_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidDateError, match="longer than") as caught:
        When.parse("spring " * 10_000)
    assert caught.value.value.startswith("spring")


@given(st.dates(date(1, 1, 1), date(9999, 12, 31)), st.integers(0, 400))
def test_between_dates_round_trips(start: date, days: int) -> None:
    try:
        end = start + timedelta(days=days)
    except OverflowError:
        return
    when = When.between(start, end)
    assert When.parse(when.edtf or "") == when
