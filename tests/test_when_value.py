"""The When value: construction, validation, hull, sort key, display and repr."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from dateutil.relativedelta import relativedelta

from timeline.errors import InvalidDateError
from timeline.when import (
    ALLEN_RELATIONS,
    Certainty,
    Conventions,
    EndState,
    Precision,
    When,
)

D = date
UTC = timezone.utc
REPORTED = D(2026, 2, 26)


def test_public_names() -> None:
    assert len(ALLEN_RELATIONS) == 13
    assert [p.value for p in Precision][:2] == ["time", "day"]
    assert {c.value for c in Certainty} == {"certain", "possible", "impossible"}
    assert {s.value for s in EndState} == {"known", "open", "unknown"}
    assert Precision("season") is Precision.SEASON
    assert str(Precision.DAY) == "day"


def test_field_order() -> None:
    names = [f.name for f in dataclasses.fields(When)]
    assert names == [
        "start_earliest", "start_latest", "end_earliest", "end_latest", "span",
        "start_state", "end_state", "start_precision", "end_precision",
        "start_approximate", "start_uncertain", "end_approximate", "end_uncertain",
        "edtf", "phrase", "reference",
    ]  # fmt: skip


def test_on_and_between() -> None:
    day = When.on(D(2026, 2, 26))
    assert day.is_instant and not day.is_span
    assert day.start == day.end == (D(2026, 2, 26), D(2026, 2, 26))
    assert day.edtf == "2026-02-26"
    congress = When.between(D(2026, 2, 19), D(2026, 2, 26))
    assert congress.is_span
    assert congress == When.parse("2026-02-19/2026-02-26")
    assert When.between("2026-03", None) == When.parse("2026-03/..")
    moment = When.on(datetime(2026, 2, 26, 10, tzinfo=UTC))
    assert moment.start_precision is Precision.TIME


def test_between_refuses_a_span_end_and_reversed_ends() -> None:
    with pytest.raises(InvalidDateError, match="single date"):
        When.between("2026-01/2026-02", "2026-05")
    with pytest.raises(InvalidDateError, match="ends"):
        When.between("2026-05", "2026-03")


def test_parse_accepts_values() -> None:
    congress = When.parse("2026-02-19/2026-02-26")
    assert When.parse(congress) is congress
    assert When.parse(D(2026, 2, 26)) == When.on(D(2026, 2, 26))
    with pytest.raises(InvalidDateError, match="tzinfo"):
        When.parse(datetime(2026, 2, 26, 10))
    with pytest.raises(InvalidDateError, match="expected a When"):
        When.parse(20260226)  # type: ignore[arg-type]
    with pytest.raises(InvalidDateError, match="tzinfo"):
        When.on(datetime(2026, 2, 26, 10))


def test_a_relative_phrase_needs_a_reference() -> None:
    with pytest.raises(InvalidDateError, match="reference date") as caught:
        When.parse("later this spring")
    assert caught.value.value == "later this spring"


def test_phrase_and_reference_are_kept_but_not_compared() -> None:
    visit = When.parse("later this spring", REPORTED)
    assert visit.phrase == "later this spring"
    assert visit.reference == REPORTED
    assert visit == When.parse("2026-21")
    assert hash(visit) == hash(When.parse("2026-21"))
    assert When.parse("2026-21").phrase is None


def test_constructor_infers_precision_and_edtf() -> None:
    march = When(D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 1), D(2026, 3, 31), False)
    assert march.start_precision is Precision.MONTH
    assert march.edtf == "2026-03"
    assert march == When.parse("2026-03")
    spring = When(D(2026, 3, 1), D(2026, 5, 31), D(2026, 3, 1), D(2026, 5, 31), False)
    assert spring.edtf == "2026-21"
    window = When(D(2026, 2, 19), D(2026, 2, 26), D(2026, 2, 19), D(2026, 2, 26), False)
    assert window.edtf == "[2026-02-19..2026-02-26]"
    ongoing = When(D(2026, 3, 1), D(2026, 3, 31), None, None, True, end_state=EndState.OPEN)
    assert ongoing.edtf == "2026-03/.."
    assert ongoing.end_precision is Precision.UNKNOWN


def test_constructor_accepts_strings_for_enums() -> None:
    when = When(
        D(2026, 3, 1), D(2026, 3, 31), None, None, True, "known", "open", "month", "unknown"
    )  # type: ignore[arg-type]
    assert when.end_state is EndState.OPEN
    assert when.start_precision is Precision.MONTH


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"start_latest": D(2026, 2, 1)}, "start_earliest <= start_latest"),
        ({"end_latest": D(2026, 2, 18)}, "end_earliest <= end_latest"),
        ({"end_earliest": D(2026, 2, 10), "end_latest": D(2026, 2, 12)}, "out of order"),
        ({"end_state": EndState.OPEN}, "end_state is open"),
        ({"end_earliest": None}, "end_state is known"),
        ({"start_precision": "fortnight"}, "start_precision must be one of"),
        ({"start_state": "closed"}, "start_state must be one of"),
        ({"start_earliest": "2026-02-19"}, "must be a date"),
        ({"start_earliest": datetime(2026, 2, 19)}, "naive"),
        (
            {"start_earliest": datetime(2026, 2, 19, 9, tzinfo=UTC)},
            "equal earliest and latest",
        ),
    ],
)
def test_constructor_validates(kwargs: dict[str, object], words: str) -> None:
    good = dict(When.parse("2026-02-19/2026-02-26").as_dict())
    good.update(kwargs)
    with pytest.raises(InvalidDateError, match=words):
        When(**good)  # type: ignore[arg-type]


def test_an_instant_must_repeat_its_window() -> None:
    with pytest.raises(InvalidDateError, match="instant"):
        When(D(2026, 2, 19), D(2026, 2, 26), D(2026, 2, 20), D(2026, 2, 26), False)


def test_frozen() -> None:
    when = When.parse("2026")
    with pytest.raises(dataclasses.FrozenInstanceError):
        when.span = True  # type: ignore[misc]


# -- hull --------------------------------------------------------------------------------


def test_hull_of_strict_values_is_their_bounds() -> None:
    assert When.parse("2026-02-19/2026-02-26").hull() == (D(2026, 2, 19), D(2026, 2, 26))
    assert When.parse("2026-03/..").hull() == (D(2026, 3, 1), None)
    assert When.parse("/2026").hull() == (None, D(2026, 12, 31))
    assert When.parse("[..1760-12-03]").hull() == (None, D(1760, 12, 3))


@pytest.mark.parametrize(
    ("text", "hull"),
    [
        ("2026-02-26~", (D(2026, 2, 23), D(2026, 3, 1))),
        ("2026-02~", (D(2026, 1, 1), D(2026, 3, 28))),
        ("2026~", (D(2025, 1, 1), D(2027, 12, 31))),
        ("1898~", (D(1897, 1, 1), D(1899, 12, 31))),
        ("199X~", (D(1987, 1, 1), D(2002, 12, 31))),
        ("2026-02-26?", (D(2026, 2, 26), D(2026, 2, 26))),
        ("2026~/2027", (D(2025, 1, 1), D(2027, 12, 31))),
        ("2026/2027~", (D(2026, 1, 1), D(2028, 12, 31))),
    ],
)
def test_hull_pads_approximate_ends(text: str, hull: tuple[date, date]) -> None:
    assert When.parse(text).hull() == hull


def test_hull_padding_is_configurable() -> None:
    wide = Conventions(padding={Precision.DAY: relativedelta(days=10), "year": 2})
    assert When.parse("2026-02-26~").hull(wide) == (D(2026, 2, 16), D(2026, 3, 8))
    assert When.parse("2026~").hull(wide) == (D(2025, 12, 30), D(2027, 1, 2))


def test_hull_of_datetimes_uses_their_civil_date() -> None:
    late = datetime(2026, 2, 25, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert When.on(late).hull() == (D(2026, 2, 25), D(2026, 2, 25))


def test_hull_never_leaves_the_date_range() -> None:
    assert When.parse("0001~").hull() == (date.min, D(2, 12, 31))
    assert When.parse("9999~").hull() == (D(9998, 1, 1), date.max)


# -- sort key, display, repr -----------------------------------------------------------


def test_sort_key_orders_by_start_then_end() -> None:
    texts = ["2026-03/..", "2026", "../2025", "2026-02-19/2026-02-26", "2026-02-26",
             "[2026-02-19..2026-02-26]", "2026-02", "2026-02-26T10:00:00Z", "[2026-04..]",
             "2026-02-26T09:00:00Z", "/2026"]  # fmt: skip
    ordered = [w.edtf for w in sorted((When.parse(t) for t in texts), key=lambda w: w.sort_key)]
    assert ordered == [
        "../2025", "/2026", "2026", "2026-02", "2026-02-19/2026-02-26",
        "[2026-02-19..2026-02-26]", "2026-02-26", "2026-02-26T09:00:00Z", "2026-02-26T10:00:00Z",
        "2026-03/..", "[2026-04..]",
    ]  # fmt: skip


def test_sort_key_is_consistent_with_equality() -> None:
    a, b = When.parse("2026-21"), When.parse("later this spring", REPORTED)
    assert a.sort_key == b.sort_key


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2026-02-26", "26 Feb 2026"),
        ("2026-02-19/2026-02-26", "19\u201326 Feb 2026"),
        ("2026-02-26/2026-03-03", "26 Feb \u2013 3 Mar 2026"),
        ("2025-12-30/2026-01-02", "30 Dec 2025 \u2013 2 Jan 2026"),
        ("2026-21", "spring 2026"),
        ("2026-24", "winter 2026\u201327"),
        ("1898~", "c. 1898"),
        ("2026-02?", "Feb 2026?"),
        ("2026-02%", "c. Feb 2026?"),
        ("[2026-04..]", "after Mar 2026"),
        ("[..2026-12-31]", "before 2027"),
        ("[..1760-12-03]", "on or before 3 Dec 1760"),
        ("2026-03/..", "Mar 2026 \u2013 ongoing"),
        ("2026-03/", "Mar 2026 \u2013 ?"),
        ("../2026", "until 2026"),
        ("[2026-02-19..2026-02-26]", "between 19 and 26 Feb 2026"),
        ("2026-03/2026-05", "Mar\u2013May 2026"),
        ("2025-11/2026-02", "Nov 2025 \u2013 Feb 2026"),
        ("2020/2026", "2020\u20132026"),
        ("199X", "the 1990s"),
        ("18XX", "the 19th century"),
        ("2026-34", "Q2 2026"),
        ("2027-40", "H1 2027"),
        ("1984-1X", "between Oct and Dec 1984"),
        ("2026-02-26T10:00:00Z", "26 Feb 2026 10:00 UTC"),
        ("2026-02-26T19:00:00+09:00", "26 Feb 2026 19:00 +09:00"),
        ("2026-02-26T09:00:00Z/2026-02-26T17:00:00Z", "26 Feb 2026 09:00\u201317:00 UTC"),
        ("2026-02-19/2026-02-19", "19 Feb 2026"),
        ("2026-21/2026-23", "spring 2026 \u2013 autumn 2026"),
        ("2026-03~/2026-05", "c. Mar 2026 \u2013 May 2026"),
        ("{..1984}", "until 1984"),
        ("XXXX", "unknown date"),
        ("2026-41", "H2 2026"),
        ("2026-37", "Jan\u2013Apr 2026"),
        ("1XXX", "the 2nd millennium"),
    ],
)
def test_display(text: str, shown: str) -> None:
    when = When.parse(text)
    assert when.display() == shown
    assert str(when) == shown


def test_display_of_phrases() -> None:
    assert str(When.parse("later this spring", REPORTED)) == "spring 2026"
    later = When.parse("later this spring", D(2026, 4, 10))
    assert str(later) == "between 11 Apr and 31 May 2026"
    south = When.parse("spring 2026", conventions=Conventions(hemisphere="south"))
    assert str(south) == "spring 2026"
    assert south.edtf == "2026-29"


def test_repr() -> None:
    assert repr(When.parse("2026-03/2026-05")) == "When('2026-03/2026-05')"
    visit = When.parse("later this spring", REPORTED)
    assert repr(visit) == "When('2026-21', phrase='later this spring')"
    odd = When.between("2026-03", "[2026-03-10..2026-04-20]")
    assert odd.edtf is None
    assert repr(odd).startswith("When(start=2026-03-01..2026-03-31")


@pytest.mark.parametrize(
    ("text", "hull"),
    [
        ("2004-06-11~", (D(2004, 6, 8), D(2004, 6, 14))),  # the whole date: by its precision
        ("2004-06-~11", (D(2004, 6, 8), D(2004, 6, 14))),  # the day only
        ("~2004-06-11", (D(2003, 6, 11), D(2005, 6, 11))),  # the year only: by a year
        ("2004-06~-11", (D(2003, 6, 11), D(2005, 6, 11))),  # year and month: by a year
        ("2004-~06-11", (D(2004, 5, 11), D(2004, 7, 11))),  # the month only: by a month
        ("2026-21~", (D(2026, 2, 1), D(2026, 6, 30))),
        ("~2004-06-11/2005", (D(2003, 6, 11), D(2005, 12, 31))),
    ],
)
def test_hull_pads_by_the_coarsest_approximate_component(
    text: str, hull: tuple[date, date]
) -> None:
    assert When.parse(text).hull() == hull


def test_reference_may_be_iso_text() -> None:
    from datetime import date

    assert When.parse("later this spring", reference="2026-02-26") == When.parse(
        "later this spring", reference=date(2026, 2, 26)
    )
    with pytest.raises(InvalidDateError, match="single day"):
        When.parse("later this spring", reference="2026-02")
