"""The second normalization pass of ``When.parse`` (shared with ``find_dates``): direction,
reporting periods, fiscal quarters, "ago" at the unit's granularity, part-of phrases, holidays."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from timeline import find_dates
from timeline.errors import InvalidDateError
from timeline.when import Certainty, Conventions, Precision, When

THU = date(2026, 2, 26)
JAN = date(2026, 1, 8)
TUE = date(2026, 2, 24)


def window(text: str, reference: date | None = THU, **kwargs: object) -> tuple[date, date]:
    value = When.parse(text, reference, **kwargs)  # type: ignore[arg-type]
    assert value.start_earliest is not None and value.end_latest is not None
    return value.start_earliest, value.end_latest


def edtf(text: str, reference: date | None = THU, **kwargs: object) -> str | None:
    return When.parse(text, reference, **kwargs).edtf  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "nearest", "forward", "backward"),
    [
        ("in December", "2025-12", "2026-12", "2025-12"),
        ("August", "2026-08", "2026-08", "2025-08"),
        ("Friday", "2026-02-20", "2026-02-27", "2026-02-20"),
        ("Thursday", "2026-02-26", "2026-02-26", "2026-02-26"),
        ("Feb 20", "2026-02-20", "2027-02-20", "2026-02-20"),
        ("March 3", "2026-03-03", "2026-03-03", "2025-03-03"),
        ("the fourth quarter", "2025-36", "2026-36", "2025-36"),  # Q4 results are out by Feb 14
        ("Q4", "2025-36", "2026-36", "2025-36"),
        ("the second quarter", "2026-34", "2026-34", "2025-34"),
        ("the summer", "2026-22", "2026-22", "2025-22"),
        ("Christmas", "2025-12-25", "2026-12-25", "2025-12-25"),
    ],
)
def test_direction(text: str, nearest: str, forward: str, backward: str) -> None:
    assert edtf(text) == edtf(text, direction="nearest") == nearest
    assert edtf(text, direction="forward") == forward
    assert edtf(text, direction="backward") == backward


def test_a_quarter_ahead_is_one_not_yet_reported() -> None:
    # "Fourth-quarter profits are expected to rise", said on 8 January: results still to come.
    assert edtf("fourth-quarter", JAN, direction="forward") == "2025-36"


def test_an_expected_event_in_december_lands_after_publication() -> None:
    visit = When.parse("in December", THU, direction="forward")
    assert visit.start_earliest == date(2026, 12, 1) and visit.phrase == "in December"


def test_direction_is_checked() -> None:
    with pytest.raises(ValueError, match="forward"):
        When.parse("in December", THU, direction="ahead")  # type: ignore[arg-type]


def test_explicit_years_and_modifiers_ignore_direction() -> None:
    for direction in ("forward", "backward"):
        assert edtf("December 2025", direction=direction) == "2025-12"
        assert edtf("next December", direction=direction) == "2026-12"
        assert edtf("last Friday", direction=direction) == "2026-02-20"


def test_the_end_of_the_year_follows_direction_and_the_reference() -> None:
    assert edtf("the end of the year", JAN) == "2026-12"
    assert edtf("the end of the year", JAN, direction="backward") == "2025-12"
    assert edtf("the end of the year", JAN, direction="forward") == "2026-12"
    assert window("the end of the month", JAN, direction="backward") == (
        date(2025, 12, 21),
        date(2025, 12, 31),
    )


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("the quarter", THU, "2025-36"),  # early in Q1: the quarter being reported is Q4
        ("the latest quarter", THU, "2025-36"),
        ("the most recent quarter", THU, "2025-36"),
        ("the quarter", date(2026, 3, 15), "2026-33"),  # in its final month: the current one
        ("the year-earlier quarter", THU, "2024-36"),
        ("the year-ago period", THU, "2024-36"),
        ("the same period a year earlier", THU, "2024-36"),
        ("the same quarter last year", THU, "2024-36"),
        ("third-quarter", THU, "2026-35"),
        ("the third quarter", date(2025, 10, 15), "2025-35"),
        ("first-half", THU, "2026-40"),
        ("the first nine months", THU, "[2025-01..2025-09]"),
        ("the first nine months", date(2025, 11, 5), "[2025-01..2025-09]"),
        ("the first nine months of 2024", None, "[2024-01..2024-09]"),
        ("the first six months of last year", THU, "2025-40"),
        ("the final three months of 2025", None, "2025-36"),
        ("the full year", THU, "2026"),
        ("fiscal 2025", None, "2025"),
        ("the nine months ended Sept. 30, 2025", None, "[2025-01..2025-09]"),
        ("the quarter ended Dec. 31, 2025", None, "2025-36"),
        ("the 2025 season", None, "2025"),
        ("the 2026-27 academic year", None, "[2026..2027]"),
        ("the 2026-2027 school year", None, "[2026..2027]"),
    ],
)
def test_reporting_periods(text: str, reference: date | None, expected: str) -> None:
    assert edtf(text, reference) == expected


def test_fiscal_quarters_follow_the_fiscal_calendar() -> None:
    us = Conventions(fiscal_year_start=10)  # US federal: FY1990 = Oct 1989 - Sep 1990
    assert window("fiscal 1990's second quarter", conventions=us) == (
        date(1990, 1, 1),
        date(1990, 3, 31),
    )
    assert window("the second quarter of fiscal 1990", conventions=us) == (
        date(1990, 1, 1),
        date(1990, 3, 31),
    )
    assert window("FY2026 first quarter", conventions=us) == (date(2025, 10, 1), date(2025, 12, 31))
    # Without a year: the fiscal quarter being reported.
    assert window("the fiscal first quarter", conventions=us) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert window("the fiscal year", date(2025, 11, 1), conventions=us) == (
        date(2025, 10, 1),
        date(2026, 9, 30),
    )
    assert edtf("fiscal 1990's second quarter") == "1990-34"  # default: the calendar year


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("two weeks ago", TUE, ("2026-02-09", "2026-02-15")),  # that calendar week
        ("a week ago", TUE, ("2026-02-16", "2026-02-22")),
        ("two weeks from now", TUE, ("2026-03-09", "2026-03-15")),
        ("a month ago", TUE, ("2026-01-01", "2026-01-31")),
        ("three years ago", TUE, ("2023-01-01", "2023-12-31")),
        ("a few years ago", TUE, ("2022-01-01", "2024-12-31")),  # "a few": 2-4
        ("several months ago", TUE, ("2025-07-01", "2025-11-30")),  # "several": 3-7
        ("this time last year", TUE, ("2025-02-01", "2025-02-28")),
        ("this time next year", TUE, ("2027-02-01", "2027-02-28")),
    ],
)
def test_ago_and_from_now_take_the_units_granularity(
    text: str, reference: date, expected: tuple[str, str]
) -> None:
    assert window(text, reference) == tuple(date.fromisoformat(d) for d in expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Christmas 2025", "2025-12-25"),
        ("Christmas Eve 2026", "2026-12-24"),
        ("New Year's Day 2027", "2027-01-01"),
        ("New Year's Eve 2026", "2026-12-31"),
        ("Independence Day 2026", "2026-07-04"),
        ("the Fourth of July 2026", "2026-07-04"),
        ("Easter 2026", "2026-04-05"),
        ("Good Friday 2026", "2026-04-03"),
        ("Thanksgiving 2025", "2025-11-27"),
        ("Memorial Day 2026", "2026-05-25"),
        ("Labor Day 2026", "2026-09-07"),
        ("Martin Luther King Jr. Day 2026", "2026-01-19"),
        ("Halloween 2025", "2025-10-31"),
    ],
)
def test_holidays(text: str, expected: str) -> None:
    assert edtf(text, None) == expected


def test_holidays_without_a_year_and_lunar_ones() -> None:
    assert edtf("Easter") == "2026-04-05"  # the nearest
    assert edtf("Thanksgiving", direction="forward") == "2026-11-26"
    with pytest.raises(InvalidDateError, match="lunar calendar"):
        When.parse("Ramadan", THU)


def test_parts_of_periods() -> None:
    assert edtf("early Monday") == "2026-02-23"  # a part of a day is that day
    assert edtf("much of last year") == "2025"
    assert edtf("the following weekend") == "[2026-03-07..2026-03-08]"
    assert edtf("the next day") == "2026-02-27"
    assert edtf("the previous day") == "2026-02-25"


SEOUL = Conventions(default_tz=ZoneInfo("Asia/Seoul"))


@pytest.mark.parametrize(
    ("text", "day", "hours"),
    [
        ("tonight", date(2026, 2, 26), (18, 23)),
        ("this evening", date(2026, 2, 26), (18, 23)),
        ("last night", date(2026, 2, 25), (18, 23)),
        ("tomorrow night", date(2026, 2, 27), (18, 23)),
        ("this morning", date(2026, 2, 26), (6, 11)),
        ("Monday morning", date(2026, 2, 23), (6, 11)),
        ("yesterday afternoon", date(2026, 2, 25), (12, 17)),
        ("late Monday night", date(2026, 2, 23), (18, 23)),
    ],
)
def test_a_part_of_a_day_is_its_hours_where_the_zone_is_known(
    text: str, day: date, hours: tuple[int, int]
) -> None:
    value = When.parse(text, THU, conventions=SEOUL)
    first = datetime.combine(day, time(hours[0]), ZoneInfo("Asia/Seoul"))
    last = datetime.combine(day, time(hours[1], 59, 59), ZoneInfo("Asia/Seoul"))
    assert value.is_instant and value.start == (first, last) and value.end == (first, last)
    assert value.start_precision is Precision.TIME and value.reference == THU
    assert value.edtf is None  # EDTF has no window of times
    # Without a zone the hours are a floating local time: the day, as EDTF's 2026-02-26T20:00.
    assert When.parse(text, THU).start == (day, day)


def test_tonight_is_the_evening_not_the_whole_day() -> None:
    tonight = When.parse("tonight", THU, conventions=SEOUL)
    assert str(tonight) == "between 18:00 and 23:59 KST on 26 Feb 2026"
    at_eight = When.parse("2026-02-26T20:00:00+09:00")
    at_nine_am = When.parse("2026-02-26T09:00:00+09:00")
    assert tonight.relation(at_eight, "equals") is Certainty.POSSIBLE
    assert tonight.relation(at_nine_am, "after") is Certainty.CERTAIN
    # A part of a day inside a larger phrase leaves that phrase to the day.
    assert When.parse("by tonight", THU, conventions=SEOUL).start == (THU, THU)
    assert When.parse("since tonight", THU, conventions=SEOUL).edtf == "2026-02-26/.."
    assert When.parse("overnight", THU, conventions=SEOUL).start == (THU, THU)
    [mention] = find_dates("Protesters will gather tonight.", THU, conventions=SEOUL)
    assert mention.text == "tonight" and mention.when == tonight


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("the turn of the year", THU, "[2025-12..2026-01]"),  # the new year just past
        ("the turn of the year", date(2026, 11, 20), "[2026-12..2027-01]"),  # the one ahead
        ("the turn of 2026", None, "[2025-12..2026-01]"),
        ("the turn of the century", THU, "[1998..2001]"),
        ("the turn of the decade", THU, "[2019..2020]"),
        ("this past weekend", THU, "[2026-02-21..2026-02-22]"),
        ("this coming weekend", THU, "[2026-02-28..2026-03-01]"),
        ("this coming weekend", date(2026, 2, 28), "[2026-03-07..2026-03-08]"),
        ("July Fourth", THU, "2026-07-04"),
    ],
)
def test_turns_weekends_and_july_fourth(text: str, reference: date | None, expected: str) -> None:
    assert edtf(text, reference) == expected
