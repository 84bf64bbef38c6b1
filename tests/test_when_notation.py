"""``When.notation``: the text ``When.parse`` reads back, EDTF extended for windows of times."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from timeline.errors import InvalidDateError
from timeline.when import Conventions, Precision, When

PYONGYANG = Conventions(default_tz="Asia/Pyongyang")
EVENING = "[2026-02-26T18:00:00+09:00[Asia/Pyongyang]..2026-02-26T23:59:59+09:00[Asia/Pyongyang]]"


def test_an_evening_is_written_as_its_two_times_and_read_back() -> None:
    evening = When.parse("this evening", "2026-02-26", conventions=PYONGYANG)
    assert evening.edtf is None and evening.notation == EVENING
    back = When.parse(EVENING)
    assert back == evening and back.is_instant and back.start_precision is Precision.TIME
    zone = ZoneInfo("Asia/Pyongyang")
    assert back.start == (
        datetime(2026, 2, 26, 18, tzinfo=zone),
        datetime(2026, 2, 26, 23, 59, 59, tzinfo=zone),
    )
    assert back.start_earliest.tzinfo == zone
    assert str(back) == str(evening) == "between 18:00 and 23:59 KST on 26 Feb 2026"
    assert (back.edtf, back.phrase, back.notation) == (None, None, EVENING)


@pytest.mark.parametrize(
    "text",
    ["this evening", "Monday morning", "last night", "yesterday afternoon", "tonight"],
)
def test_parts_of_a_day_round_trip(text: str) -> None:
    value = When.parse(text, date(2026, 2, 26), conventions=PYONGYANG)
    assert value.notation is not None
    back = When.parse(value.notation)
    assert back == value and back.as_dict() | {"phrase": None, "reference": None} == (
        value.as_dict() | {"phrase": None, "reference": None}
    )


def test_times_name_their_zone_and_edtf_stays_edtf() -> None:
    seoul = Conventions(default_tz="Asia/Seoul")
    talk = When.parse("2026-02-26T10:00", conventions=seoul)
    assert talk.edtf == "2026-02-26T10:00:00+09:00"
    assert talk.notation == "2026-02-26T10:00:00+09:00[Asia/Seoul]"
    assert str(When.parse(talk.notation)) == "26 Feb 2026 10:00 KST"  # an offset alone: "+09:00"
    meeting = When.parse("2026-02-26T10:00/2026-02-26T12:00", conventions=seoul)
    assert meeting.notation == (
        "2026-02-26T10:00:00+09:00[Asia/Seoul]/2026-02-26T12:00:00+09:00[Asia/Seoul]"
    )
    assert When.parse(meeting.notation) == meeting
    since = When.parse("2026-02-26T10:00:00+09:00[Asia/Seoul]/..")
    assert since.start_earliest.tzinfo == ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    "text",
    ["later this spring", "2026-02-19/2026-02-26", "[2026-02-18..2026-02-20]", "2026-03/..",
     "2026-02-26T10:00:00Z", "2026-02-26T10:00:00+09:00", "1985-04-12T23:20:30", "[2026-04..]"],
)  # fmt: skip
def test_without_named_zones_or_windows_of_times_the_notation_is_the_edtf(text: str) -> None:
    value = When.parse(text, date(2026, 2, 26))
    assert value.notation == value.edtf and When.parse(value.notation) == value


def test_a_window_of_times_without_names_and_in_other_spellings() -> None:
    utc = When.parse("[2026-02-26T09:00:00Z..2026-02-26T14:59:59Z]")
    assert utc.start == (
        datetime(2026, 2, 26, 9, tzinfo=timezone.utc),
        datetime(2026, 2, 26, 14, 59, 59, tzinfo=timezone.utc),
    )
    assert utc.phrase is None and utc.notation == "[2026-02-26T09:00:00Z..2026-02-26T14:59:59Z]"
    spaced = When.parse("[2026-02-26T18:00+09:00 .. 2026-02-26T23:59:59+09:00]")
    assert (
        spaced == utc and spaced.phrase == "[2026-02-26T18:00+09:00 .. 2026-02-26T23:59:59+09:00]"
    )
    floating = When.parse(
        "[2026-02-26T18:00:00..2026-02-26T23:59:59]",
        conventions=Conventions(default_tz="Asia/Seoul"),
    )
    assert floating == utc and floating.start_earliest.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[2026-02-26T23:00:00+09:00..2026-02-26T18:00:00+09:00]", "ends before it starts"),
        ("[2026-02-26T18:00:00+09:00..2026-02-26]", "each end of a window of times is a time"),
        ("[2026-02-26T18:00:00..2026-02-26T23:59:59]", "each end of a window of times is a time"),
        ("[2026-02-26T18:00:00+09:00..]", r"a window of times is \[time..time\]"),
        ("[2026-02-26T18:00:00Z..2026-02-26T19:00:00Z..2026-02-26T20:00:00Z]", r"\[time..time\]"),
        ("[2026-02-26T18:00:00+09:00..2026-02-26T19:00:00+09:00", r"\[time..time\]"),
        ("2026-02-26T18:00:00+08:00[Asia/Pyongyang]", "the offset is not Asia/Pyongyang's"),
        ("2026-02-26T18:00:00+09:00[Mars/Olympus]", "no time zone named 'Mars/Olympus'"),
        ("2026-02-26T18:00:00[Asia/Seoul]", "a zone name follows a time's Z or offset"),
        ("[2026-02-26T18:00:00+09:00..2026-02-30T19:00:00+09:00]", "2026-02-30"),
    ],
)
def test_a_malformed_notation_is_refused_naming_the_text(text: str, reason: str) -> None:
    with pytest.raises(InvalidDateError, match=reason) as caught:
        When.parse(text)
    assert caught.value.value == text and repr(text) in str(caught.value)
