"""``find_dates``: extents, exclusions, types, values and resolution like a reader, one phenomenon
per test. The development set (``tests/test_dates_dev.py``) checks them together."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from timeline import DateMention, InvalidDateError, When, find_dates

THU = date(2026, 2, 26)  # the seed article's publication date, a Thursday


def spans(text: str, reference: date | None = THU) -> list[str]:
    return [m.text for m in find_dates(text, reference)]


def one(text: str, reference: date | None = THU) -> DateMention:
    found = find_dates(text, reference)
    assert len(found) == 1, found
    return found[0]


def edtf(text: str, reference: date | None = THU) -> list[str | None]:
    return [m.when.edtf if m.when else None for m in find_dates(text, reference)]


# -- extents ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Profit rose in the third quarter.", ["the third quarter"]),
        ("The plant will close early next year.", ["early next year"]),
        ("Talks lasted about two weeks.", ["about two weeks"]),
        ("He has lived there since 2011.", ["2011"]),
        ("The vote is on Tuesday.", ["Tuesday"]),
        ("Prices rose from March to May.", ["March", "May"]),
        ("The festival runs March\u2013May 2026.", ["March\u2013May 2026"]),
        ("The congress met Feb. 19-26, 2026.", ["Feb. 19-26, 2026"]),
        ("It was signed on Thursday, Feb. 26, 2026, in Seoul.", ["Thursday, Feb. 26, 2026"]),
        ("She left at the end of the year.", ["the end of the year"]),
        ("Sales for the first nine months fell.", ["the first nine months"]),
        ("Monday's meeting was cancelled.", ["Monday"]),
        ("It happened three years ago.", ["three years ago"]),
        ("Two days later, he resigned.", ["Two days later"]),
        ("Ana is the first hurricane of the 2025 season.", ["the 2025 season"]),
        ("In the 1990s and in the '80s, prices doubled.", ["the 1990s", "the '80s"]),
    ],
)
def test_extents_include_modifiers_and_leave_out_prepositions(
    text: str, expected: list[str]
) -> None:
    assert spans(text) == expected


def test_offsets_and_sentences() -> None:
    text = "Kim spoke on Thursday. Trump will visit China later this spring."
    first, second = find_dates(text, THU)
    assert text[first.start : first.end] == "Thursday" == first.text
    assert text[first.sentence[0] : first.sentence[1]] == "Kim spoke on Thursday."
    assert text[second.sentence[0] : second.sentence[1]] == (
        "Trump will visit China later this spring."
    )


def test_abbreviations_do_not_end_sentences() -> None:
    text = "The U.S. envoy arrived Jan. 5 and left at 3 p.m. Monday."
    mentions = find_dates(text, THU)
    assert [m.text for m in mentions] == ["Jan. 5", "3 p.m.", "Monday"]
    assert {m.sentence for m in mentions} == {(0, len(text))}


# -- what is not a date ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The teenager, believed to be 13, is a 13-year-old girl.",
        "A 30-year-old man and a 5-month-old baby were hurt.",
        "Children get the first dose at 12 months of age.",
        "The company paid $2,026 million for 1,500 shares, up 12%.",
        "She finished third and then second, a first for the club.",
        "He lives on Fourth of July Street.",
        "May I ask a question? The march drew 2,000 people.",
        "The probe travels 40,000 miles an hour.",
        "A second vote is planned.",
        "The Arab Spring spread.",
        "The future of U.S.-North Korea relations depends on Washington.",
    ],
)
def test_ages_money_numbers_ordinals_and_names_are_not_dates(text: str) -> None:
    assert spans(text) == []


def test_may_is_a_month_after_a_preposition() -> None:
    assert spans("The vote is expected in May. May I go?") == ["May"]


# -- types and values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "duration"),
    [
        ("The trial lasted five weeks.", "duration", "P5W"),
        ("He served more than a decade.", "duration", "P10Y"),
        ("It took three and a half years.", "duration", "P3.5Y"),
        ("They talked for about six hours.", "duration", "PT6H"),
        ("They have fought for years.", "duration", "PXY"),
        ("She signed a three-year contract.", "duration", "P3Y"),
        ("The board meets every Friday.", "set", "P1W"),
        ("Dividends are paid quarterly.", "set", "P3M"),
        ("Inspections happen twice a year.", "set", "P1Y"),
        ("Trains run every 10 minutes.", "set", "PT10M"),
        ("It earns 40,000 riders a day.", "set", "P1D"),
        ("Lawns may be watered two days a week.", "set", "P1W"),
        ("The film runs two hours and 40 minutes.", "duration", "PT2H40M"),
        ("The trip took a year and a half.", "duration", "P1.5Y"),
    ],
)
def test_durations_and_sets_have_iso_values(text: str, kind: str, duration: str) -> None:
    mention = one(text)
    assert (mention.type, mention.duration, mention.when) == (kind, duration, None)


def test_times() -> None:
    clock, evening = find_dates("He will speak at 10 a.m. Monday morning.", THU)
    assert (clock.type, clock.when) == ("time", None)
    assert evening.type == "time" and evening.when == When.parse("2026-03-02")
    assert one("Drones struck the city overnight.").when == When.parse("2026-02-26")


def test_the_past_three_years_is_a_duration_with_its_window() -> None:
    mention = one("Prices have doubled over the past three years.")
    assert (mention.type, mention.duration) == ("duration", "P3Y")
    assert mention.when is not None and mention.when.hull() == (date(2023, 2, 26), THU)


def test_past_present_and_future_references() -> None:
    past, present, future = find_dates(
        "Relations have improved recently; the bill now goes to the House, and the future is open.",
        THU,
    )
    assert past.when is not None and past.when.end_latest == THU
    assert present.when == When.parse("2026-02-26")
    assert future.when is not None and future.when.start_earliest == date(2026, 2, 27)


# -- resolution like a reader -----------------------------------------------------------------


def test_the_seed_article() -> None:
    text = (
        "While leaving the door open to renewed dialogue with U.S. President Donald Trump, who "
        "is expected to visit China later this spring, Kim firmly rejected any engagement."
    )
    mention = one(text)
    assert mention.text == "later this spring" and mention.type == "date"
    assert mention.when is not None and mention.when.edtf == "2026-21"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The leaders met in December.", "2025-12"),
        ("The leaders will meet in December.", "2026-12"),
        ("The summit is expected in December.", "2026-12"),
        ("The summit is scheduled for December.", "2026-12"),
        ("Officials plan to hold it in December.", "2026-12"),
        ("Sales fell sharply in March.", "2025-03"),
        ("The company will open a plant in March.", "2026-03"),
        ("Aides said on Wednesday that he would sign.", "2026-02-25"),
        ("The vote will be held Wednesday.", "2026-03-04"),
        ("The show runs through Friday.", "2026-02-27"),
        ("The launch had been planned for Sunday but was delayed.", "2026-02-22"),
        ("The court will rule in the spring.", "2026-21"),
    ],
)
def test_a_bare_month_or_weekday_follows_the_clause(text: str, expected: str) -> None:
    assert edtf(text) == [expected]


def test_each_clause_has_its_own_direction() -> None:
    text = (
        "Officials ordered evacuations Sunday night and said schools would stay closed until "
        "Thursday."
    )
    assert edtf(text, date(2025, 7, 21)) == ["2025-07-20", "2025-07-24"]


def test_anaphoric_dates_follow_the_text() -> None:
    text = (
        "The appeals court ruled on Jan. 10, 2025. The state appealed two days later, and the "
        "justices met the following week. In 2019 the law passed; a year earlier it had failed."
    )
    assert edtf(text) == [
        "2025-01-10",
        "2025-01-12",
        "[2025-01-13..2025-01-19]",
        "2019",
        "2018",
    ]


def test_counting_from_a_month_covers_the_month() -> None:
    text = "He was arrested in October 2022. Two days later, he resigned."
    assert find_dates(text, THU)[1].when == When.parse("[2022-10-03..2022-11-02]")


def test_a_month_of_that_year_takes_the_year_last_named() -> None:
    text = "The drought began in 2021, and limits lasted until October of that year."
    assert edtf(text) == ["2021", "2021-10"]


def test_months_ended_a_day() -> None:
    text = "Profit in the three months ended March 31 rose; the year ended Sept. 30, 2025 was weak."
    assert edtf(text, date(2026, 4, 14)) == ["2026-33", "[2024-10..2025-09]"]


def test_the_same_period_a_year_earlier_follows_the_period_last_named() -> None:
    text = "Revenue in the third quarter of 2025 beat the same period a year earlier."
    assert edtf(text) == ["2025-35", "2024-35"]


def test_a_report_date_is_not_an_anchor() -> None:
    text = "The line opens on Aug. 30, officials said Monday. Buses will stop the following week."
    assert edtf(text, date(2025, 7, 21)) == ["2025-08-30", "2025-07-21", "[2025-09-01..2025-09-07]"]


def test_deictic_dates_use_the_reference() -> None:
    text = "Yesterday the index fell; last week it rose, and two weeks ago it hit a record."
    assert edtf(text) == ["2026-02-25", "[2026-02-16..2026-02-22]", "[2026-02-09..2026-02-15]"]


def test_in_two_weeks_is_a_date_in_a_future_clause_else_a_duration() -> None:
    future = one("The board will decide in two weeks.")
    assert future.type == "date" and future.when is not None
    assert future.when.hull() == (date(2026, 3, 9), date(2026, 3, 15))  # that calendar week
    past = one("It was the first increase in six years.")
    assert (past.type, past.duration) == ("duration", "P6Y")


def test_earnings_quarters() -> None:
    text = (
        "Profit in the fourth quarter rose from the year-earlier quarter, and the company "
        "expects growth in the second quarter."
    )
    assert edtf(text) == ["2025-36", "2024-36", "2026-34"]


def test_without_a_reference_only_absolute_dates_resolve() -> None:
    absolute, relative = find_dates("It opened on March 3, 2025 and closed last week.")
    assert absolute.when == When.parse("2025-03-03")
    assert relative.text == "last week" and relative.when is None


def test_the_reference_may_be_text_or_an_aware_datetime() -> None:
    moment = datetime(2026, 2, 26, 9, tzinfo=timezone.utc)
    assert edtf("Yesterday.", "2026-02-26") == edtf("Yesterday.", moment) == ["2026-02-25"]
    with pytest.raises(InvalidDateError):
        find_dates("Yesterday.", "2026-02")
