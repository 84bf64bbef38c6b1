"""News phrases resolved against a reference date: a table of what a careful reader would say.

Each row is ``(phrase, reference, expected)``. ``expected`` is a window for an instant
(``"2026-03-01..2026-05-31"``, or an EDTF unit such as ``"2026-03"``; ``"2026-04-01.."`` for an
open upper side) or ``"start / end"`` for a span, where an end may be ``open`` or ``unknown``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from timeline.errors import InvalidDateError
from timeline.when import Conventions, EndState, Precision, When

THU = date(2026, 2, 26)  # the seed article's publication date, a Thursday
FRI = date(2026, 4, 10)
SUN = date(2026, 11, 15)
MON = date(2026, 1, 5)

TABLE: list[tuple[str, date | None, str]] = [
    # seasons
    ("later this spring", THU, "2026-03-01..2026-05-31"),
    ("this spring", THU, "2026-21"),
    ("next spring", THU, "2026-21"),
    ("last spring", THU, "2025-21"),
    ("this summer", THU, "2026-22"),
    ("last summer", THU, "2025-22"),
    ("this autumn", THU, "2026-23"),
    ("this fall", THU, "2026-23"),
    ("this winter", THU, "2025-12-01..2026-02-28"),
    ("next winter", THU, "2026-12-01..2027-02-28"),
    ("last winter", THU, "2024-12-01..2025-02-28"),
    ("spring 2026", None, "2026-21"),
    ("the spring of 2025", None, "2025-21"),
    ("winter 2026-27", None, "2026-24"),
    ("early spring", THU, "2026-03"),
    ("late summer", THU, "2026-08"),
    ("later this spring", FRI, "2026-04-11..2026-05-31"),
    ("earlier this spring", FRI, "2026-03-01..2026-04-09"),
    ("next spring", FRI, "2027-21"),
    ("last spring", FRI, "2025-21"),
    ("this winter", SUN, "2026-12-01..2027-02-28"),
    ("last winter", SUN, "2025-12-01..2026-02-28"),
    # later / earlier this …
    ("later this year", THU, "2026-02-27..2026-12-31"),
    ("earlier this year", THU, "2026-01-01..2026-02-25"),
    ("later this month", THU, "2026-02-27..2026-02-28"),
    ("earlier this month", THU, "2026-02-01..2026-02-25"),
    ("later this week", THU, "2026-02-27..2026-03-01"),
    ("earlier this week", THU, "2026-02-23..2026-02-25"),
    ("later in the year", THU, "2026-02-27..2026-12-31"),
    ("later this month", MON, "2026-01-06..2026-01-31"),
    # days
    ("today", THU, "2026-02-26"),
    ("tonight", THU, "2026-02-26"),
    ("this morning", THU, "2026-02-26"),
    ("yesterday", THU, "2026-02-25"),
    ("yesterday afternoon", THU, "2026-02-25"),
    ("last night", THU, "2026-02-25"),
    ("tomorrow", THU, "2026-02-27"),
    ("the day before yesterday", THU, "2026-02-24"),
    ("the day after tomorrow", THU, "2026-02-28"),
    ("later today", THU, "2026-02-26"),
    # weekdays: a bare weekday is the reference day or one of the six days before it
    ("on Thursday", THU, "2026-02-26"),
    ("Thursday", THU, "2026-02-26"),
    ("on Monday", THU, "2026-02-23"),
    ("Wednesday", THU, "2026-02-25"),
    ("on Friday", THU, "2026-02-20"),
    ("on Saturday", THU, "2026-02-21"),
    ("on Sunday", THU, "2026-02-22"),
    ("Tuesday night", THU, "2026-02-24"),
    ("last Friday", THU, "2026-02-20"),
    ("last Thursday", THU, "2026-02-19"),
    ("last Monday", THU, "2026-02-23"),
    ("next Monday", THU, "2026-03-02"),
    ("next Thursday", THU, "2026-03-05"),
    ("this Friday", THU, "2026-02-27"),
    ("this Monday", THU, "2026-02-23"),
    ("on Sunday", SUN, "2026-11-15"),
    ("on Friday", MON, "2026-01-02"),
    # weekends
    ("this weekend", THU, "2026-02-28..2026-03-01"),
    ("the weekend", THU, "2026-02-28..2026-03-01"),
    ("over the weekend", THU, "2026-02-28..2026-03-01"),
    ("last weekend", THU, "2026-02-21..2026-02-22"),
    ("next weekend", THU, "2026-03-07..2026-03-08"),
    ("the weekend", MON, "2026-01-03..2026-01-04"),
    ("at the weekend", FRI, "2026-04-11..2026-04-12"),
    ("the weekend", SUN, "2026-11-14..2026-11-15"),
    # this / last / next unit
    ("this week", THU, "2026-02-23..2026-03-01"),
    ("last week", THU, "2026-02-16..2026-02-22"),
    ("next week", THU, "2026-03-02..2026-03-08"),
    ("next week", SUN, "2026-11-16..2026-11-22"),
    ("this month", THU, "2026-02"),
    ("last month", THU, "2026-01"),
    ("next month", THU, "2026-03"),
    ("this year", THU, "2026"),
    ("last year", THU, "2025"),
    ("last year", MON, "2025"),
    ("next year", THU, "2027"),
    ("this quarter", THU, "2026-33"),
    ("next quarter", THU, "2026-34"),
    ("last quarter", THU, "2025-36"),
    ("the past week", THU, "2026-02-19..2026-02-26"),
    ("this past week", THU, "2026-02-19..2026-02-26"),
    ("the past month", THU, "2026-01-26..2026-02-26"),
    ("the past year", THU, "2025-02-26..2026-02-26"),
    # counts
    ("three days ago", THU, "2026-02-23"),
    ("two days ago", THU, "2026-02-24"),
    ("10 days ago", THU, "2026-02-16"),
    ("a week ago", THU, "2026-02-16..2026-02-22"),
    ("two weeks ago", THU, "2026-02-09..2026-02-15"),
    ("a couple of weeks ago", THU, "2026-02-09..2026-02-15"),
    ("a month ago", THU, "2026-01"),
    ("three months ago", THU, "2025-11"),
    ("a year ago", THU, "2025"),
    ("two years ago", THU, "2024"),
    ("a decade ago", THU, "2014-01-01..2018-12-31"),
    ("a few days ago", THU, "2026-02-22..2026-02-24"),
    ("several days ago", THU, "2026-02-19..2026-02-23"),
    ("in two days", THU, "2026-02-28"),
    ("two days from now", THU, "2026-02-28"),
    ("in three weeks", THU, "2026-03-16..2026-03-22"),
    ("in a month", THU, "2026-03"),
    ("in six months", THU, "2026-08"),
    ("in two years", THU, "2028"),
    ("within two weeks", THU, "2026-02-26..2026-03-12"),
    ("within days", THU, "2026-02-26..2026-03-05"),
    ("within weeks", THU, "2026-02-26..2026-03-26"),
    ("within the next three months", THU, "2026-02-26..2026-05-26"),
    ("in the coming weeks", THU, "2026-02-27..2026-03-26"),
    ("in the coming days", THU, "2026-02-27..2026-03-05"),
    ("in the coming months", THU, "2026-02-27..2026-08-26"),
    ("in the coming years", THU, "2026-02-27..2031-02-26"),
    ("in the next few days", THU, "2026-02-27..2026-03-05"),
    ("in the weeks ahead", THU, "2026-02-27..2026-03-26"),
    ("in recent weeks", THU, "2026-01-29..2026-02-26"),
    ("recent days", THU, "2026-02-19..2026-02-26"),
    ("in recent months", THU, "2025-08-26..2026-02-26"),
    ("in recent years", THU, "2021-02-26..2026-02-26"),
    ("over the past few days", THU, "2026-02-19..2026-02-26"),
    ("the past two weeks", THU, "2026-02-12..2026-02-26"),
    ("the last three days", THU, "2026-02-23..2026-02-26"),
    ("the next two weeks", THU, "2026-02-27..2026-03-12"),
    # early / mid / late (thirds)
    ("early 2026", None, "2026-01-01..2026-04-30"),
    ("mid-2026", None, "2026-05-01..2026-08-31"),
    ("late 2026", None, "2026-09-01..2026-12-31"),
    ("late 2025", None, "2025-09-01..2025-12-31"),
    ("early March", THU, "2026-03-01..2026-03-10"),
    ("mid-March", THU, "2026-03-11..2026-03-20"),
    ("late March", THU, "2026-03-21..2026-03-31"),
    ("late February", THU, "2026-02-21..2026-02-28"),
    ("early March 2027", None, "2027-03-01..2027-03-10"),
    ("early next year", THU, "2027-01-01..2027-04-30"),
    ("late last year", THU, "2025-09-01..2025-12-31"),
    ("early this month", THU, "2026-02-01..2026-02-10"),
    ("early next month", THU, "2026-03-01..2026-03-10"),
    ("late next week", THU, "2026-03-06..2026-03-08"),
    ("the early 1990s", None, "1990-01-01..1993-12-31"),
    ("the mid-1990s", None, "1994-01-01..1996-12-31"),
    ("the late 1990s", None, "1997-01-01..1999-12-31"),
    ("the late 19th century", None, "1866-01-01..1899-12-31"),
    ("the early 20th century", None, "1900-01-01..1932-12-31"),
    # decades and centuries
    ("the 1990s", None, "199X"),
    ("1990s", None, "199X"),
    ("the '90s", THU, "199X"),
    ("the nineties", THU, "199X"),
    ("the 2020s", None, "202X"),
    ("the 20s", THU, "202X"),
    ("the 1800s", None, "18XX"),
    ("the 2000s", None, "200X"),
    ("the 19th century", None, "18XX"),
    ("the nineteenth century", None, "18XX"),
    ("the 21st century", None, "20XX"),
    ("the turn of the century", THU, "1998-01-01..2001-12-31"),
    # quarters and halves
    ("Q2 2026", None, "2026-34"),
    ("2026 Q3", None, "2026-35"),
    ("Q4", THU, "2025-36"),  # without a year: the nearest Q4 (it ended 57 days before)
    ("the second quarter of 2026", None, "2026-34"),
    ("the third quarter", THU, "2026-35"),
    ("the first quarter of next year", THU, "2027-33"),
    ("the fourth quarter of last year", THU, "2025-36"),
    ("H1 2027", None, "2027-40"),
    ("H2", THU, "2025-41"),  # the nearest H2
    ("the first half of 2027", None, "2027-40"),
    ("the second half of the year", THU, "2026-41"),
    ("the first half of next year", THU, "2027-40"),
    # ends, beginnings, deadlines
    ("the end of the year", THU, "2026-12"),
    ("end of 2026", None, "2026-12"),
    ("the start of the year", THU, "2026-01"),
    ("the beginning of March", THU, "2026-03-01..2026-03-10"),
    ("the end of the month", THU, "2026-02-21..2026-02-28"),
    ("the end of next month", THU, "2026-03-21..2026-03-31"),
    ("the start of next month", THU, "2026-03-01..2026-03-10"),
    ("the end of the week", THU, "2026-02-27..2026-03-01"),
    ("the end of the decade", THU, "2027-01-01..2029-12-31"),
    ("by the end of the year", THU, "2026-02-26..2026-12-31"),
    ("by the end of March", THU, "2026-02-26..2026-03-31"),
    ("by March", THU, "2026-02-26..2026-03-31"),
    ("by the end of next year", THU, "2026-02-26..2027-12-31"),
    ("before the end of the year", THU, "2026-02-26..2026-12-31"),
    ("by mid-March", THU, "2026-02-26..2026-03-20"),
    ("no later than June", THU, "2026-02-26..2026-06-30"),
    ("before 2027", THU, "2026-02-26..2026-12-31"),
    ("before 2020", THU, "..2019-12-31"),
    ("after March", THU, "2026-04-01.."),
    ("after 2030", None, "2031-01-01.."),
    ("no earlier than April", THU, "2026-04-01.."),
    # months and days without a year: the occurrence nearest the reference
    ("March", THU, "2026-03"),
    ("in December", THU, "2025-12"),
    ("in September", THU, "2025-09"),
    ("in June", THU, "2026-06"),
    ("in March", SUN, "2027-03"),
    ("December", MON, "2025-12"),
    ("last March", THU, "2025-03"),
    ("this March", THU, "2026-03"),
    ("next January", THU, "2027-01"),
    ("Feb 26", THU, "2026-02-26"),
    ("March 3", THU, "2026-03-03"),
    ("3 March", THU, "2026-03-03"),
    ("the 3rd of March", THU, "2026-03-03"),
    ("Dec 25", THU, "2025-12-25"),
    # absolute dates in words and numbers
    ("Feb. 26, 2026", None, "2026-02-26"),
    ("26 February 2026", None, "2026-02-26"),
    ("February 26th, 2026", None, "2026-02-26"),
    ("2026/02/26", None, "2026-02-26"),
    ("26/02/2026", None, "2026-02-26"),
    ("26.02.2026", None, "2026-02-26"),
    ("02/26/2026", None, "2026-02-26"),
    ("March 2026", None, "2026-03"),
    ("March of 2026", None, "2026-03"),
    ("Thursday, Feb. 26, 2026", None, "2026-02-26"),
    ("Thu 26 Feb 2026", None, "2026-02-26"),
    ("the year 2024", None, "2024"),
    ("in 2024", None, "2024"),
    ("20260226", None, "2026-02-26"),
    ("2026-W09", None, "2026-02-23..2026-03-01"),
    ("2026-W09-4", None, "2026-02-26"),
    ("2026-057", None, "2026-02-26"),
    ("the week of March 2", THU, "2026-03-02..2026-03-08"),
    ("the week of 23 February 2026", None, "2026-02-23..2026-03-01"),
    ("fiscal 2027", None, "2027"),
    # ranges: spans, and "between" windows (instants)
    ("19\u201326 Feb 2026", None, "2026-02-19 / 2026-02-26"),
    ("19-26 February 2026", None, "2026-02-19 / 2026-02-26"),
    ("Feb 19-26, 2026", None, "2026-02-19 / 2026-02-26"),
    ("from 19 to 26 February 2026", None, "2026-02-19 / 2026-02-26"),
    ("19 Feb \u2013 3 Mar 2026", None, "2026-02-19 / 2026-03-03"),
    ("from March to May 2026", None, "2026-03 / 2026-05"),
    ("March to May", THU, "2026-03 / 2026-05"),
    ("December to February 2027", None, "2026-12 / 2027-02"),
    ("2020\u20132022", None, "2020 / 2022"),
    ("between March and May", THU, "2026-03-01..2026-05-31"),
    ("between 19 and 26 Feb 2026", None, "2026-02-19..2026-02-26"),
    ("between 2020 and 2022", None, "2020-01-01..2022-12-31"),
    ("since March 2025", None, "2025-03 / open"),
    ("since 2020", None, "2020 / open"),
    ("since last week", THU, "2026-02-16..2026-02-22 / open"),
    ("until March", THU, "unknown / 2026-03"),
    ("through the end of the year", THU, "unknown / 2026-12"),
    ("from 2020", None, "2020 / unknown"),
    # filler and qualifiers
    ("sometime in 2027", None, "2027"),
    ("sometime next year", THU, "2027"),
    ("as early as next week", THU, "2026-03-02..2026-03-08"),
    ("expected later this spring", THU, "2026-03-01..2026-05-31"),
    ("LATER THIS SPRING", THU, "2026-03-01..2026-05-31"),
    ("  later  this spring. ", THU, "2026-03-01..2026-05-31"),
]


def _window(spec: str) -> tuple[date | None, date | None]:
    if ".." in spec:
        lo, hi = spec.split("..")
        return (
            When.parse(lo).start_earliest if lo else None,
            When.parse(hi).end_latest if hi else None,
        )
    when = When.parse(spec)
    return when.start_earliest, when.end_latest


def _check(when: When, expected: str) -> None:
    if " / " in expected:
        assert when.span, when
        start, end = expected.split(" / ")
        for spec, lo, hi, state in (
            (start, when.start_earliest, when.start_latest, when.start_state),
            (end, when.end_earliest, when.end_latest, when.end_state),
        ):
            if spec in ("open", "unknown"):
                assert (lo, hi, state) == (None, None, EndState(spec))
            else:
                assert (lo, hi) == _window(spec), spec
    else:
        assert not when.span, when
        assert (when.start_earliest, when.start_latest) == _window(expected)


@pytest.mark.parametrize(("phrase", "reference", "expected"), TABLE)
def test_phrase_table(phrase: str, reference: date | None, expected: str) -> None:
    when = When.parse(phrase, reference)
    _check(when, expected)
    assert When(**when.as_dict()) == when
    if when.edtf is not None and when.span is False and None not in when.start:
        again = When.parse(when.edtf)
        assert (again.start_earliest, again.end_latest) == (when.start_earliest, when.end_latest)


def test_the_table_is_large() -> None:
    assert len(TABLE) >= 150


def test_the_seed_phrase() -> None:
    visit = When.parse("later this spring", THU)
    assert visit.is_instant
    assert visit.start_precision is Precision.SEASON
    assert visit.phrase == "later this spring"
    assert visit.reference == THU
    assert visit.edtf == "2026-21"
    assert str(visit) == "spring 2026"


def test_absolute_text_records_no_reference() -> None:
    when = When.parse("Feb. 26, 2026", THU)
    assert when.reference is None
    assert when.phrase == "Feb. 26, 2026"
    assert When.parse("2026-02-26", THU).phrase is None


@pytest.mark.parametrize(
    ("phrase", "approximate", "uncertain"),
    [
        ("around March 2026", True, False),
        ("c. 1898", True, False),
        ("circa 1898", True, False),
        ("about 1900", True, False),
        ("1898 or so", True, False),
        ("possibly in April 2026", False, True),
        ("probably next month", False, True),
        ("maybe around mid-March", True, True),
        ("March 2026?", False, True),
    ],
)
def test_qualifier_words(phrase: str, approximate: bool, uncertain: bool) -> None:
    when = When.parse(phrase, THU)
    assert (when.start_approximate, when.start_uncertain) == (approximate, uncertain)
    assert (when.end_approximate, when.end_uncertain) == (approximate, uncertain)


def test_c_1898_writes_back_as_edtf() -> None:
    assert When.parse("c. 1898").edtf == "1898~"
    assert str(When.parse("c. 1898")) == "c. 1898"


def test_day_first_convention() -> None:
    with pytest.raises(InvalidDateError, match="ambiguous") as caught:
        When.parse("03/04/2026")
    assert "03/04/2026" in str(caught.value)
    assert When.parse("03/04/2026", conventions=Conventions(day_first=True)).start_earliest == (
        date(2026, 4, 3)
    )
    assert When.parse("03/04/2026", conventions=Conventions(day_first=False)).start_earliest == (
        date(2026, 3, 4)
    )
    assert When.parse("03/03/2026").start_earliest == date(2026, 3, 3)


def test_fiscal_years() -> None:
    us = Conventions(fiscal_year_start=10)
    fy = When.parse("FY2026", conventions=us)
    assert (fy.start_earliest, fy.end_latest) == (date(2025, 10, 1), date(2026, 9, 30))
    assert When.parse("FY26", conventions=us) == fy
    this = When.parse("this fiscal year", date(2026, 11, 1), conventions=us)
    assert (this.start_earliest, this.end_latest) == (date(2026, 10, 1), date(2027, 9, 30))
    assert When.parse("fiscal year 2026").start_earliest == date(2026, 1, 1)


def test_southern_seasons() -> None:
    south = Conventions(hemisphere="south")
    spring = When.parse("this spring", THU, conventions=south)
    assert (spring.start_earliest, spring.end_latest) == (date(2026, 9, 1), date(2026, 11, 30))
    summer = When.parse("this summer", THU, conventions=south)
    assert (summer.start_earliest, summer.end_latest) == (date(2025, 12, 1), date(2026, 2, 28))


def test_strict_centuries() -> None:
    strict = Conventions(strict_centuries=True)
    when = When.parse("the 19th century", conventions=strict)
    assert (when.start_earliest, when.end_latest) == (date(1801, 1, 1), date(1900, 12, 31))
    assert str(when) == "the 19th century"


def test_a_datetime_reference_uses_its_civil_date() -> None:
    evening = datetime(2026, 2, 26, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    when = When.parse("today", evening)
    assert when.start_earliest == date(2026, 2, 26)
    assert when.reference == evening


@pytest.mark.parametrize(
    ("phrase", "reference", "words"),
    [
        ("later this spring", None, "reference date"),
        ("next month", None, "reference date"),
        ("on Thursday", None, "reference date"),
        ("earlier this spring", THU, "has not begun yet"),
        ("later this spring", date(2026, 7, 1), "has already ended"),
        ("by the end of last year", THU, "already past"),
        ("Wednesday, Feb. 26, 2026", None, "is a Thursday"),
        ("February 30 2026", None, "day 30 does not exist"),
        ("30 February", THU, "no day 30"),
        ("26 Feb \u2013 19 Feb 2026", None, "ends before it starts"),
        ("the fifth quarter of 2026", None, "four quarters"),
        ("the spring of cheese", None, "not EDTF"),
        ("Feb 26 2026 10:00", None, "time in words"),
    ],
)
def test_phrase_errors(phrase: str, reference: date | None, words: str) -> None:
    with pytest.raises(InvalidDateError, match=words) as caught:
        When.parse(phrase, reference)
    assert caught.value.value == phrase


def test_dateutil_never_fills_fields_from_today() -> None:
    # dateutil alone reads "spring 2026" as today's day in 2026, and "Feb 26" as this year.
    with pytest.raises(InvalidDateError, match="reference date"):
        When.parse("Feb 26")
    assert When.parse("spring 2026").start_earliest == date(2026, 3, 1)
