"""EDTF levels 0, 1 and 2: bounds, precision, qualifiers, canonical write-back and errors."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from timeline.errors import InvalidDateError
from timeline.when import Conventions, EndState, Precision, When

D = date
NONE = None

# input, (start_earliest, start_latest, end_earliest, end_latest), span, precision, canonical
CASES = [
    # level 0
    ("2026-02-26", (D(2026, 2, 26), D(2026, 2, 26)) * 2, False, Precision.DAY, "2026-02-26"),
    ("2026-02", (D(2026, 2, 1), D(2026, 2, 28)) * 2, False, Precision.MONTH, "2026-02"),
    ("2024-02", (D(2024, 2, 1), D(2024, 2, 29)) * 2, False, Precision.MONTH, "2024-02"),
    ("2026", (D(2026, 1, 1), D(2026, 12, 31)) * 2, False, Precision.YEAR, "2026"),
    ("0001", (D(1, 1, 1), D(1, 12, 31)) * 2, False, Precision.YEAR, "0001"),
    (
        "2026-02-19/2026-02-26",
        (D(2026, 2, 19), D(2026, 2, 19), D(2026, 2, 26), D(2026, 2, 26)),
        True,
        Precision.DAY,
        "2026-02-19/2026-02-26",
    ),
    (
        "2026-03/2026-05",
        (D(2026, 3, 1), D(2026, 3, 31), D(2026, 5, 1), D(2026, 5, 31)),
        True,
        Precision.MONTH,
        "2026-03/2026-05",
    ),
    # level 1: seasons (northern meteorological by default)
    ("2026-21", (D(2026, 3, 1), D(2026, 5, 31)) * 2, False, Precision.SEASON, "2026-21"),
    ("2026-22", (D(2026, 6, 1), D(2026, 8, 31)) * 2, False, Precision.SEASON, "2026-22"),
    ("2026-23", (D(2026, 9, 1), D(2026, 11, 30)) * 2, False, Precision.SEASON, "2026-23"),
    ("2026-24", (D(2026, 12, 1), D(2027, 2, 28)) * 2, False, Precision.SEASON, "2026-24"),
    # level 1: qualifiers on the whole date
    ("1984?", (D(1984, 1, 1), D(1984, 12, 31)) * 2, False, Precision.YEAR, "1984?"),
    ("2004-06~", (D(2004, 6, 1), D(2004, 6, 30)) * 2, False, Precision.MONTH, "2004-06~"),
    ("2004-06-11%", (D(2004, 6, 11),) * 4, False, Precision.DAY, "2004-06-11%"),
    # level 1: unspecified digits
    ("201X", (D(2010, 1, 1), D(2019, 12, 31)) * 2, False, Precision.DECADE, "201X"),
    ("20XX", (D(2000, 1, 1), D(2099, 12, 31)) * 2, False, Precision.CENTURY, "20XX"),
    ("2026-XX", (D(2026, 1, 1), D(2026, 12, 31)) * 2, False, Precision.YEAR, "2026-XX"),
    ("1984-1X", (D(1984, 10, 1), D(1984, 12, 31)) * 2, False, Precision.MONTH, "1984-1X"),
    ("1985-04-XX", (D(1985, 4, 1), D(1985, 4, 30)) * 2, False, Precision.MONTH, "1985-04-XX"),
    ("1985-XX-XX", (D(1985, 1, 1), D(1985, 12, 31)) * 2, False, Precision.YEAR, "1985-XX-XX"),
    # level 1: open and unknown ends
    (
        "2026-03/..",
        (D(2026, 3, 1), D(2026, 3, 31), NONE, NONE),
        True,
        Precision.MONTH,
        "2026-03/..",
    ),
    ("2026-03/", (D(2026, 3, 1), D(2026, 3, 31), NONE, NONE), True, Precision.MONTH, "2026-03/"),
    ("../2026", (NONE, NONE, D(2026, 1, 1), D(2026, 12, 31)), True, Precision.UNKNOWN, "../2026"),
    ("/2026", (NONE, NONE, D(2026, 1, 1), D(2026, 12, 31)), True, Precision.UNKNOWN, "/2026"),
    (
        "1984~/2004-06",
        (D(1984, 1, 1), D(1984, 12, 31), D(2004, 6, 1), D(2004, 6, 30)),
        True,
        Precision.YEAR,
        "1984~/2004-06",
    ),
    # level 2: one of a set (an instant somewhere in the window)
    (
        "[2026-02-19..2026-02-26]",
        (D(2026, 2, 19), D(2026, 2, 26)) * 2,
        False,
        Precision.DAY,
        "[2026-02-19..2026-02-26]",
    ),
    (
        "[1667, 1668, 1670..1672]",
        (D(1667, 1, 1), D(1672, 12, 31)) * 2,
        False,
        Precision.YEAR,
        "[1667, 1668, 1670..1672]",
    ),
    # level 2: sub-year groupings
    ("2026-33", (D(2026, 1, 1), D(2026, 3, 31)) * 2, False, Precision.QUARTER, "2026-33"),
    ("2026-36", (D(2026, 10, 1), D(2026, 12, 31)) * 2, False, Precision.QUARTER, "2026-36"),
    ("2026-37", (D(2026, 1, 1), D(2026, 4, 30)) * 2, False, Precision.QUADRIMESTER, "2026-37"),
    ("2026-39", (D(2026, 9, 1), D(2026, 12, 31)) * 2, False, Precision.QUADRIMESTER, "2026-39"),
    ("2026-40", (D(2026, 1, 1), D(2026, 6, 30)) * 2, False, Precision.HALF, "2026-40"),
    ("2026-41", (D(2026, 7, 1), D(2026, 12, 31)) * 2, False, Precision.HALF, "2026-41"),
    ("2026-25", (D(2026, 3, 1), D(2026, 5, 31)) * 2, False, Precision.SEASON, "2026-25"),
    ("2026-28", (D(2026, 12, 1), D(2027, 2, 28)) * 2, False, Precision.SEASON, "2026-28"),
    ("2026-29", (D(2026, 9, 1), D(2026, 11, 30)) * 2, False, Precision.SEASON, "2026-29"),
    ("2026-32", (D(2026, 6, 1), D(2026, 8, 31)) * 2, False, Precision.SEASON, "2026-32"),
    # level 2: per-component qualifiers, unspecified digits anywhere, significant digits
    ("2004-?06-~11", (D(2004, 6, 11),) * 4, False, Precision.DAY, "2004-?06-~11"),
    ("?2004-06", (D(2004, 6, 1), D(2004, 6, 30)) * 2, False, Precision.MONTH, "2004?-06"),
    ("2004-06~-11", (D(2004, 6, 11),) * 4, False, Precision.DAY, "2004-06~-11"),
    ("156X-12-25", (D(1560, 12, 25), D(1569, 12, 25)) * 2, False, Precision.DECADE, "156X-12-25"),
    ("XXXX-02-29", (D(4, 2, 29), D(9996, 2, 29)) * 2, False, Precision.UNKNOWN, "XXXX-02-29"),
    ("1950S2", (D(1900, 1, 1), D(1999, 12, 31)) * 2, False, Precision.CENTURY, "1950S2"),
    ("Y1E3", (D(1000, 1, 1), D(1000, 12, 31)) * 2, False, Precision.YEAR, "1000"),
    # level 2: sets with open members, all-of sets
    ("[..1760-12-03]", (NONE, D(1760, 12, 3)) * 2, False, Precision.DAY, "[..1760-12-03]"),
    ("[1760-12..]", (D(1760, 12, 1), NONE) * 2, False, Precision.MONTH, "[1760-12..]"),
    (
        "[1760-01, 1760-02, 1760-12..]",
        (D(1760, 1, 1), NONE) * 2,
        False,
        Precision.MONTH,
        "[1760-01, 1760-02, 1760-12..]",
    ),
    (
        "{1667,1668, 1670..1672}",
        (D(1667, 1, 1), D(1667, 12, 31), D(1672, 1, 1), D(1672, 12, 31)),
        True,
        Precision.YEAR,
        "{1667, 1668, 1670..1672}",
    ),
    (
        "{1960, 1961-12}",
        (D(1960, 1, 1), D(1960, 12, 31), D(1961, 12, 1), D(1961, 12, 31)),
        True,
        Precision.YEAR,
        "{1960, 1961-12}",
    ),
    ("{..1984}", (NONE, NONE, D(1984, 1, 1), D(1984, 12, 31)), True, Precision.UNKNOWN, "{..1984}"),
    # level 2 interval with qualified components
    (
        "2004-06-~01/2004-06-~20",
        (D(2004, 6, 1), D(2004, 6, 1), D(2004, 6, 20), D(2004, 6, 20)),
        True,
        Precision.DAY,
        "2004-06-~01/2004-06-~20",
    ),
]


@pytest.mark.parametrize(("text", "bounds", "span", "precision", "canonical"), CASES)
def test_edtf_table(
    text: str, bounds: tuple[date | None, ...], span: bool, precision: Precision, canonical: str
) -> None:
    when = When.parse(text)
    assert (when.start_earliest, when.start_latest, when.end_earliest, when.end_latest) == bounds
    assert when.span is span
    assert when.start_precision is precision
    assert when.edtf == canonical
    assert when.phrase == (None if text == canonical else text)
    again = When.parse(canonical)
    assert again == when
    assert again.edtf == canonical


@pytest.mark.parametrize("text", [case[0] for case in CASES])
def test_constructor_round_trips_every_parsed_value(text: str) -> None:
    when = When.parse(text)
    rebuilt = When(**{f.name: getattr(when, f.name) for f in fields(when)})
    assert rebuilt == when
    assert rebuilt.edtf == when.edtf
    assert When(**when.as_dict()) == when


def test_qualifier_flags() -> None:
    assert When.parse("2004-06~").start_approximate
    assert not When.parse("2004-06~").start_uncertain
    assert When.parse("1984?").end_uncertain
    both = When.parse("2004-06-11%")
    assert both.start_approximate and both.start_uncertain
    interval = When.parse("1984~/2004-06?")
    assert interval.start_approximate and not interval.start_uncertain
    assert interval.end_uncertain and not interval.end_approximate


def test_end_states() -> None:
    assert When.parse("2026-03/..").end_state is EndState.OPEN
    assert When.parse("2026-03/").end_state is EndState.UNKNOWN
    assert When.parse("../2026").start_state is EndState.OPEN
    assert When.parse("/2026").start_state is EndState.UNKNOWN
    assert When.parse("2026-03/..").start_state is EndState.KNOWN
    lower_open = When.parse("[..1760-12-03]")
    assert (lower_open.start_state, lower_open.end_state) == (EndState.OPEN, EndState.KNOWN)


def test_datetimes_keep_their_zone() -> None:
    utc = When.parse("2026-02-26T10:00:00Z")
    assert utc.start_earliest == datetime(2026, 2, 26, 10, tzinfo=timezone.utc)
    assert utc.start_precision is Precision.TIME
    assert utc.edtf == "2026-02-26T10:00:00Z"
    seoul = When.parse("2026-02-26T19:00:00+09:00")
    assert seoul.start_earliest is not None
    assert seoul.start_earliest.utcoffset() == timedelta(hours=9)
    assert seoul.edtf == "2026-02-26T19:00:00+09:00"
    assert seoul == utc  # the same instant
    assert When.parse("2026-02-26T10:00Z").edtf == "2026-02-26T10:00:00Z"


def test_default_tz_for_a_time_without_zone() -> None:
    conventions = Conventions(default_tz=timezone(timedelta(hours=9)))
    when = When.parse("2026-02-26T10:00:00", conventions=conventions)
    assert when.edtf == "2026-02-26T10:00:00+09:00"


def test_default_tz_may_be_a_zone_name() -> None:
    seoul = Conventions(default_tz="Asia/Seoul")
    assert When.parse("2026-02-26T10:00:00", conventions=seoul).edtf == "2026-02-26T10:00:00+09:00"
    evening = When.parse("this evening", "2026-02-26", conventions=seoul)
    assert evening.start_earliest == datetime(2026, 2, 26, 9, tzinfo=timezone.utc)  # 18:00 KST
    assert seoul == Conventions(default_tz=ZoneInfo("Asia/Seoul"))
    with pytest.raises(ValueError, match="no time zone named 'Asia/Sеoul'"):  # noqa: RUF001, RUF003 (a Cyrillic е)
        Conventions(default_tz="Asia/Sеoul")  # noqa: RUF001


def test_a_time_without_zone_is_a_floating_local_time() -> None:
    floating = When.parse("1985-04-12T23:20:30")  # valid EDTF level 0: read as local time
    assert floating.start == (D(1985, 4, 12), D(1985, 4, 12))  # widened to its day
    assert floating.edtf == "1985-04-12T23:20:30" and When.parse(floating.edtf) == floating
    span = When.parse("1985-04-12T23:20:30/1985-04-13T01:00:00")
    assert (span.start_earliest, span.end_latest) == (D(1985, 4, 12), D(1985, 4, 13))


def test_seasons_follow_the_hemisphere() -> None:
    south = Conventions(hemisphere="south")
    spring = When.parse("2026-21", conventions=south)
    assert (spring.start_earliest, spring.end_latest) == (D(2026, 9, 1), D(2026, 11, 30))
    assert spring.edtf == "2026-21"
    summer = When.parse("2026-22", conventions=south)
    assert (summer.start_earliest, summer.end_latest) == (D(2026, 12, 1), D(2027, 2, 28))


@pytest.mark.parametrize(
    ("text", "part", "words"),
    [
        ("2026-02-30", "30", "day 30 does not exist"),
        ("2026-13", "13", "no month 13"),
        ("2026-05/2026-03", "2026-03", "ends"),
        ("2026-02-26/2026-02-19", "2026-02-19", "ends"),
        ("Y170000002", "Y170000002", "outside the range"),
        ("Y-17E7", "Y-17E7", "outside the range"),
        ("-1985", "-1985", "outside the range"),
        ("0000", "0000", "outside the range"),
        ("2026-02-26T25:00:00Z", "25:00:00Z", "no such time"),
        ("1984-2X", "1984-2X", "no real date"),
        ("2026-21-03", "21", "no month 21"),
        ("[2026-03..2026-01]", "2026-03..2026-01", "backwards"),
        ("[]", "[]", "at least one member"),
        ("[2026..", ".", "must end"),
        ("[2026.., 2027]", "2026..", "only the last member"),
        ("../..", "../..", "at least one known end"),
        ("2026/2027/2028", "2026/2027/2028", "exactly one '/'"),
        ("20X6-1", "1", "two digits"),
    ],
)
def test_errors_name_the_input_and_the_part(text: str, part: str, words: str) -> None:
    with pytest.raises(InvalidDateError) as caught:
        When.parse(text)
    error = caught.value
    assert error.value == text
    assert text in str(error)
    assert words in error.reason
    if error.part is not None:
        assert error.part == part or part in error.part


def test_x_years_are_clipped_to_the_python_range() -> None:
    when = When.parse("0XXX")
    assert when.start_earliest == D(1, 1, 1)
    assert when.end_latest == D(999, 12, 31)
    assert when.edtf == "0XXX"


def test_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="2026-02-30"):
        When.parse("2026-02-30")
