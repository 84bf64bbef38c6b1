"""The composable query, checked against a brute-force reading of the same semantics."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError

from timeline import EventQuery, InvalidEventError, Status, Timeline, TimelineError, When
from timeline.when import Conventions

# Fuzzy values on a small calendar, each an instant, a span, or an open/unknown-ended span.
VALUES = [
    "2026-02-03",
    "2026-02-28",
    "2026-03-01",
    "[2026-02-01..2026-02-10]",
    "[2026-02-25..2026-03-05]",
    "2026-02",
    "2026-03",
    "2026",
    "2026-02-03/2026-02-20",
    "2026-02/2026-03",
    "2026-02-26/2026-03-02",
    "2026-01/2026-02-26",
    "2026-02-05/..",
    "2026-02-05/",
    "../2026-02-05",
    "/2026-02-05",
    "2025-12-24/2026-01-02",
    "2025",
]

WINDOWS = [
    ("2026-02-01", "2026-02-28"),
    ("2026-02", "2026-02"),
    ("2026-02-26", "2026-02-26"),
    ("2026-03", "2026-05"),
    ("2026-01-01", "2026-12-31"),
    ("2025-06", "2025-12"),
    ("2024", "2024"),
]

FAR = 10_000  # days: stands for an unbounded end in the brute force


def _readings(when: When) -> list[tuple[int, int]]:
    """Every concrete (start, end) day pair consistent with ``when`` (on a bounded grid)."""
    origin = date(2026, 2, 1).toordinal()

    def day(value: object, default: int) -> int:
        return value.toordinal() - origin if value is not None else default  # type: ignore[attr-defined]

    starts = range(day(when.start_earliest, -FAR), day(when.start_latest, -FAR) + 1, 1)
    if when.start_earliest is None:
        starts = range(-FAR, day(when.end_latest, FAR) + 1, 97)  # sparse but reaches both sides
    pairs = []
    for start in starts:
        if when.is_instant:
            pairs.append((start, start))
            continue
        # An open end ("still going") had not ended on the day it was said (ongoing_until).
        low = max(start, day(when.end_earliest or when.ongoing_until, start))
        high = day(when.end_latest, FAR)
        ends = {low, high, *range(low, min(high, low + 400) + 1)}
        pairs.extend((start, end) for end in ends if end >= start)
    return [(s + origin, e + origin) for s, e in pairs]


def _window(start: str, end: str) -> tuple[int, int]:
    first = When.parse(start).start_earliest
    last = When.parse(end).end_latest
    assert first is not None and last is not None
    return first.toordinal(), last.toordinal()


def _brute(when: When, window: tuple[int, int], semantics: str) -> bool:
    a, b = window
    readings = _readings(when)
    if semantics == "possible":
        return any(s <= b and e >= a for s, e in readings)
    if semantics == "certain":
        return all(s <= b and e >= a for s, e in readings)
    return all(s >= a and e <= b for s, e in readings)


@pytest.fixture
def fuzzy(tl: Timeline) -> Timeline:
    for i, value in enumerate(VALUES):
        tl.add_event(value, when=value, kind=f"test.k{i % 3}")
    return tl


def _windowed(tl: Timeline, start: str, end: str, semantics: str) -> EventQuery:
    """The window query of ``semantics``: possible, certain or within."""
    if semantics == "within":
        return tl.events().within(start, end)
    return tl.events().between(start, end, certainty=semantics)  # type: ignore[arg-type]


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_windows_match_brute_force(fuzzy: Timeline, start: str, end: str) -> None:
    window = _window(start, end)
    for semantics in ("possible", "certain", "within"):
        query = _windowed(fuzzy, start, end, semantics)
        events = query.all()
        got = sorted(event.title for event in events)
        expected = sorted(v for v in VALUES if _brute(When.parse(v), window, semantics))
        assert got == expected, f"{semantics} {start}..{end}"
        assert query.count() == len(expected), f"{semantics} {start}..{end} count()"
        # The light path (its own statement per backend) gives the same events, in id order.
        assert query.ids() == [event.id for event in events], f"{semantics} {start}..{end} ids()"
        assert [row.title for row in query.rows()] == [event.title for event in events]


def test_certain_is_inside_possible_and_within_inside_certain(fuzzy: Timeline) -> None:
    for start, end in WINDOWS:
        possible = set(fuzzy.events().between(start, end).ids())
        certain = set(fuzzy.events().between(start, end, certainty="certain").ids())
        within = set(fuzzy.events().within(start, end).ids())
        assert within <= certain <= possible


def test_approximate_values_are_found_by_their_padded_hull(tl: Timeline) -> None:
    tl.add_event("About March", when="2026-03~", kind="test")
    tl.add_event("Exactly March", when="2026-03", kind="test")
    low, high = When.parse("2026-03~").hull()
    assert low is not None and high is not None and low < date(2026, 3, 1)
    just_before = (low, date(2026, 2, 28))
    assert [e.title for e in tl.events().between(*just_before)] == ["About March"]
    assert [e.title for e in tl.events().between(*just_before, certainty="certain")] == []


def test_invalid_certainty_and_reversed_window_are_refused(tl: Timeline) -> None:
    with pytest.raises(InvalidEventError, match="certainty"):
        tl.events().between("2026", "2027", certainty="likely")  # type: ignore[arg-type]
    with pytest.raises(InvalidEventError, match="before it starts"):
        tl.events().between("2027", "2026")


@pytest.fixture
def seeded(tl: Timeline) -> Timeline:
    tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim Jong-un", "김정은"])
    tl.add_entity("Kim Ju Ae", kind="person")
    tl.add_entity("Donald Trump", kind="person")
    tl.add_place("North Korea", kind="country")
    tl.add_place("Pyongyang", kind="city", parent="North Korea")
    tl.add_place("Kim Il Sung Square", kind="square", parent="Pyongyang")
    tl.add_place("China", kind="country")
    congress = tl.add_event(
        "Congress",
        when="2026-02-19/2026-02-26",
        kind="politics.congress",
        place="Pyongyang",
        actors={"Kim Jong Un": "chair"},
        tags=["wpk"],
    )
    tl.add_event(
        "Parade",
        when="[2026-02-19..2026-02-26]",
        kind="military.parade",
        place="Kim Il Sung Square",
        actors={"김정은": "attendee", "Kim Ju Ae": "attendee"},
        part_of=congress,
        tags=["wpk", "parade"],
    )
    tl.add_event(
        "Militaryx drill",
        when="2026-01-10",
        kind="militaryx.drill",
        place="North Korea",
    )
    tl.add_event(
        "Visit",
        when="[2026-03-01..2026-05-31]",
        kind="diplomacy.visit",
        status="expected",
        place="China",
        actors={"Donald Trump": "visitor"},
    )
    tl.add_event("Plans", when="2026/", kind="military.development", status="planned")
    tl.add_event("Cancelled summit", when="2026-04", kind="diplomacy.summit", status="cancelled")
    return tl


def titles(query: EventQuery) -> list[str]:
    return [event.title for event in query.order_by_time()]


def test_involving_is_alias_aware_in_any_script_and_by_role(seeded: Timeline) -> None:
    assert titles(seeded.events().involving("김정은")) == ["Congress", "Parade"]
    assert titles(seeded.events().involving("KIM JONG-UN", role="attendee")) == ["Parade"]
    assert titles(seeded.events().involving("Kim Jong Un", role="visitor")) == []
    assert titles(seeded.events().involving("Nobody")) == []


def test_of_kind_is_a_dotted_subtree_not_a_prefix(seeded: Timeline) -> None:
    assert titles(seeded.events().of_kind("military")) == ["Plans", "Parade"]
    assert titles(seeded.events().of_kind("military.parade")) == ["Parade"]
    assert titles(seeded.events().of_kind("militaryx")) == ["Militaryx drill"]


def test_of_kind_under_a_collation_that_ignores_punctuation(postgres_url: str) -> None:
    """PostgreSQL: ``of_kind`` is a byte-order range, so ``kind`` is ``COLLATE "C"`` even in a
    database whose default collation ignores punctuation (ICU "shifted", like glibc en_US)."""
    url = make_url(postgres_url)
    name = f"{url.database}_shifted"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            try:
                connection.execute(
                    text(
                        f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu '
                        "ICU_LOCALE 'und-u-ka-shifted' LOCALE 'C.UTF-8'"
                    )
                )
            except DBAPIError as error:  # no ICU in this server, or before PostgreSQL 15
                pytest.skip(f"no ICU database collation here: {error}")
        try:
            # The hazard: in this collation the dotted child sorts past the range's end.
            probe = create_engine(url.set(database=name))
            with probe.connect() as connection:
                hazard = text("SELECT 'military.parade' < 'military/'")
                assert connection.execute(hazard).scalar_one() is False
            probe.dispose()
            with Timeline(url.set(database=name).render_as_string(hide_password=False)) as tl:
                for kind in ("military", "military.parade", "military_x", "militaryx.a"):
                    tl.add_event(kind, when="2026-02-03", kind=kind)
                assert titles(tl.events().of_kind("military")) == ["military", "military.parade"]
                assert titles(tl.events().of_kind("military.parade")) == ["military.parade"]
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def test_at_is_a_place_subtree(seeded: Timeline) -> None:
    assert titles(seeded.events().at("North Korea")) == ["Militaryx drill", "Congress", "Parade"]
    assert titles(seeded.events().at("Pyongyang")) == ["Congress", "Parade"]
    assert titles(seeded.events().at("kim il sung square")) == ["Parade"]


def test_status_tags_and_parts(seeded: Timeline) -> None:
    assert titles(seeded.events().with_status("expected", "planned")) == ["Plans", "Visit"]
    assert titles(seeded.events().tagged("parade")) == ["Parade"]
    congress = seeded.events().of_kind("politics.congress").first()
    assert congress is not None
    assert titles(seeded.events().part_of(congress)) == ["Parade"]
    with pytest.raises(InvalidEventError, match="status"):
        seeded.events().with_status("happened")


def test_upcoming_skips_settled_and_past_events(seeded: Timeline) -> None:
    assert [e.title for e in seeded.events().upcoming(as_of="2026-02-26")] == ["Plans", "Visit"]
    assert [e.title for e in seeded.events().upcoming(as_of="2026-06-01")] == ["Plans"]
    naive = datetime(2026, 6, 1, 12, 0)  # a naive datetime stands for its civil date
    assert [e.title for e in seeded.events().upcoming(as_of=naive)] == ["Plans"]


def test_order_limit_offset_first_count(seeded: Timeline) -> None:
    everything = titles(seeded.events())
    assert everything == [
        "Plans",
        "Militaryx drill",
        "Congress",
        "Parade",
        "Visit",
        "Cancelled summit",
    ]
    newest_first = [e.title for e in seeded.events().order_by_time(descending=True)]
    assert newest_first == everything[::-1]
    assert titles(seeded.events().limit(2).offset(1)) == everything[1:3]
    first = seeded.events().order_by_time().first()
    assert first is not None and first.title == "Plans"
    assert seeded.events().count() == 6
    assert seeded.events().limit(2).count() == 2
    assert seeded.events().of_kind("nothing").first() is None
    with pytest.raises(InvalidEventError, match="limit"):
        seeded.events().limit(-1)


def test_filters_compose_and_queries_are_immutable(seeded: Timeline) -> None:
    base = seeded.events().between("2026-02", "2026-02")
    narrowed = base.involving("Kim Ju Ae")
    assert titles(base) == ["Plans", "Congress", "Parade"]
    assert titles(narrowed) == ["Parade"]
    assert titles(base.of_kind("politics").at("Pyongyang").tagged("wpk")) == ["Congress"]


def test_statement_is_a_plain_select(seeded: Timeline) -> None:
    from sqlalchemy.sql import Select

    statement = seeded.events().involving("Trump").statement
    assert isinstance(statement, Select)
    with seeded.session() as session:
        assert [e.title for e in session.scalars(statement)] == []
        statement = seeded.events().involving("Donald Trump").statement
        assert [e.title for e in session.scalars(statement)] == ["Visit"]


def _plan(tl: Timeline, query: EventQuery) -> str:
    compiled = query.statement.compile(tl.engine, compile_kwargs={"literal_binds": True})
    with tl.engine.connect() as connection:
        if tl.engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        else:  # on a tiny table PostgreSQL rightly prefers a scan: ask whether the index serves
            connection.exec_driver_sql("SET enable_seqscan = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {compiled}")
        return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(
    "window",
    [
        lambda q: q.between("2026-02", "2026-02"),
        lambda q: q.between("2026-02", "2026-02", certainty="certain"),
        lambda q: q.within("2026", "2026"),
    ],
    ids=["possible", "certain", "within"],
)
def test_window_queries_use_the_window_index(tl: Timeline, window: object) -> None:
    tl.add_event("A", when="2026-02-03", kind="test")
    plan = _plan(tl, window(tl.events()))  # type: ignore[operator]
    # SQLite must take the bucketed index (a start-first index walks every earlier start);
    # PostgreSQL may also use the (search_start, search_end) B-tree, which dedup keeps cheap,
    # or the bucketed partial index of certain windows.
    indexes = ["ix_timeline_event_window"]
    if tl.engine.dialect.name == "postgresql":
        indexes += ["ix_timeline_event_bounds", "ix_timeline_event_certain"]
    assert any(index in plan for index in indexes), plan
    assert "SCAN timeline_event\n" not in plan + "\n", plan
    assert "Seq Scan" not in plan, plan


#: Spans still going, each with the day it was said (its reference): inside, after and before
#: the start window, and none (then it lasted at least to its latest start).
STILL_GOING = [
    ("2026-02-05/..", "2026-03-15"),
    ("2026-02/..", "2026-02-10"),
    ("2025/..", "2026-02-26"),
    ("2026-04/..", "2026-02-26"),
    ("2026-01/..", None),
    ("2026-01/", "2026-03-15"),  # an unknown end: the reference changes nothing
]


@pytest.mark.parametrize(("start", "end"), [*WINDOWS, ("2026-03-10", "2026-03-20")])
def test_open_ends_said_on_a_day_match_brute_force(tl: Timeline, start: str, end: str) -> None:
    whens = {f"{value} said {said}": When.parse(value, said) for value, said in STILL_GOING}
    for (value, said), title in zip(STILL_GOING, whens, strict=True):
        tl.add_event(title, when=value, kind="test", reference=said)
    window = _window(start, end)
    for semantics in ("possible", "certain", "within"):
        got = sorted(e.title for e in _windowed(tl, start, end, semantics))
        expected = sorted(t for t, when in whens.items() if _brute(when, window, semantics))
        assert got == expected, f"{semantics} {start}..{end}"


def test_a_span_still_going_is_certain_up_to_the_day_it_was_said(tl: Timeline) -> None:
    """Hand-checked: "since 2020", said on 26 Feb 2026, certainly overlaps 2024; "2020/", an
    unknown end, only possibly does."""
    said = date(2026, 2, 26)
    going = tl.add_event("Still going", when="since 2020", kind="test", reference=said)
    tl.add_event("Ended, unknown when", when="2020/", kind="test", reference=said)
    sit_in = tl.add_event("Going, said in its start month", when="2020-03/..", kind="test")
    assert going.end_earliest == said and going.end_latest is None
    assert going.when is not None and going.when.end_earliest is None  # not a bound of the end
    assert going.when.ongoing_until == said and going.when.reference == said
    certain = tl.events().between("2024", "2024", certainty="certain")
    assert titles(certain) == ["Still going"]
    assert tl.events().between("2024", "2024").count() == 3
    assert titles(tl.events().between("2026-02-26", "2026-03", certainty="certain")) == [
        "Still going"
    ]
    assert tl.events().between("2026-02-27", "2026-03", certainty="certain").count() == 0
    # Without a reference: certain on its latest start (31 Mar 2020), not after it.
    assert titles(tl.events().between("2020-03-31", "2020-04", certainty="certain")) == [
        "Going, said in its start month"
    ]
    assert tl.events().between("2020-04", "2020-04", certainty="certain").count() == 0
    assert tl.events().within("2020", "2030").count() == 0  # an open end is never inside
    plan = _plan(tl, certain)
    indexes = ["ix_timeline_event_window"]
    if tl.engine.dialect.name == "postgresql":
        indexes += ["ix_timeline_event_bounds", "ix_timeline_event_certain"]
    assert any(index in plan for index in indexes), plan
    assert "SCAN timeline_event\n" not in plan + "\n" and "Seq Scan" not in plan, plan
    assert sit_in.when is not None and sit_in.when.ongoing_until == date(2020, 3, 31)


def test_an_instant_between_two_times_is_stored_and_found(tl: Timeline) -> None:
    """ "tonight" read in Seoul: one moment between 18:00 and 23:59 KST, kept to the second."""
    seoul = Conventions(default_tz=ZoneInfo("Asia/Seoul"))
    tonight = When.parse("tonight", date(2026, 2, 26), conventions=seoul)
    vigil = tl.add_event("Vigil", when=tonight, kind="test")
    [back] = tl.events().all()
    assert back.when == tonight and back.when is not None and back.when.start == tonight.start
    assert str(back.when) == "between 18:00 and 23:59 KST on 26 Feb 2026"
    assert (vigil.start_earliest, vigil.start_latest) == (date(2026, 2, 26), date(2026, 2, 26))
    assert titles(tl.events().between("2026-02-26", "2026-02-26", certainty="certain")) == ["Vigil"]
    assert tl.events().within("2026-02-26", "2026-02-26").count() == 1
    assert tl.events().between("2026-02-27", "2026-03").count() == 0


def test_window_of_one_day_finds_a_long_open_event(tl: Timeline) -> None:
    tl.add_event("Since 1990", when="1990/..", kind="test")
    tl.add_event("A decade", when="201X", kind="test")
    assert titles(tl.events().between("2026-02-26", "2026-02-26")) == ["Since 1990"]
    assert titles(tl.events().between("2015-06-01", "2015-06-01")) == ["Since 1990", "A decade"]
    one_day = date(2015, 6, 1)
    assert tl.events().between(one_day, one_day + timedelta(days=0)).count() == 2


def test_window_counts_leave_out_deleted_and_merged_events(tl: Timeline) -> None:
    kept, deleted, duplicate = (
        tl.add_event(title, when=when, kind="test")
        for title, when in (("Kept", "2026-02-03"), ("Deleted", "2026-02"), ("Dup", "2026-02-03"))
    )
    tl.delete_event(deleted)
    tl.merge(kept, duplicate)
    for query in (
        tl.events().between("2026-02", "2026-02"),
        tl.events().between("2026-02", "2026-02", certainty="certain"),
        tl.events().within("2026-02", "2026-02"),
        tl.events().between("2026-02", "2026-02").of_kind("test"),
    ):
        assert query.count() == len(query.ids()) == 1


def test_rows_return_statuses_as_members(tl: Timeline) -> None:
    tl.add_event("Planned", when="2030-01-01", kind="test", status="planned")
    tl.add_event("Done", when="2020-01-01", kind="test")
    statuses = [row.status for row in tl.events().order_by_time().rows("status")]
    assert statuses == [Status.OCCURRED, Status.PLANNED]
    assert all(type(status) is Status for status in statuses)


def _period_start(day: date, period: str) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter", "year"])
def test_count_by_on_windows_matches_brute_force(fuzzy: Timeline, period: str) -> None:
    """Each match counts once, by the period of its earliest start; open starts are left out."""
    for start, end in WINDOWS:
        window = _window(start, end)
        for semantics in ("possible", "certain", "within"):
            query = _windowed(fuzzy, start, end, semantics)
            for narrowed, kinds in ((query, None), (query.of_kind("test.k1"), {1})):
                expected: dict[date, int] = {}
                for i, value in enumerate(VALUES):
                    when = When.parse(value)
                    first = when.start_earliest
                    if kinds is not None and i % 3 not in kinds:
                        continue
                    if first is None or not _brute(when, window, semantics):
                        continue
                    key = _period_start(first, period)  # type: ignore[arg-type]
                    expected[key] = expected.get(key, 0) + 1
                got = narrowed.count_by(period)
                assert got == sorted(expected.items()), f"{semantics} {start}..{end} {kinds}"


@pytest.mark.parametrize("descending", [False, True])
def test_time_ordered_pages_of_windows_are_slices_of_the_whole_order(
    fuzzy: Timeline, descending: bool
) -> None:
    """A limited window page (found in the window index first) is a slice of the full order."""
    for start, end in WINDOWS:
        for query in (
            fuzzy.events().between(start, end),
            fuzzy.events().within(start, end),
            fuzzy.events().between(start, end, certainty="certain").of_kind("test.k1"),
        ):
            ordered = query.order_by_time(descending=descending)
            ids = ordered.ids()
            for limit, offset in ((1, 0), (3, 0), (3, 2), (100, 1)):
                page = ordered.limit(limit).offset(offset)
                assert page.ids() == ids[offset : offset + limit], (start, end, limit, offset)
                assert [e.id for e in page.all()] == page.ids()
                assert page.count() == len(ids[offset : offset + limit])
            if len(ids) > 2:
                assert ordered.after(ids[1]).limit(2).ids() == ids[2:4]


def _in_transaction(driver: object) -> bool:
    """Whether a sqlite3 or psycopg connection is inside a transaction."""
    if hasattr(driver, "in_transaction"):
        return bool(driver.in_transaction)
    return str(driver.info.transaction_status.name) != "IDLE"  # type: ignore[attr-defined]


def test_light_reads_run_outside_any_transaction(tl: Timeline) -> None:
    """count(), rows() and count_by() send no BEGIN and no ROLLBACK: one statement is its own
    snapshot (on PostgreSQL the two round trips were half the time of a small query)."""
    tl.add_event("Inspection", when="2026-02-11", kind="test")
    seen: list[bool] = []

    def after(connection, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append(_in_transaction(connection.connection.driver_connection))

    event.listen(tl.engine, "after_cursor_execute", after)
    try:
        window = tl.events().between("2026-02", "2026-02")
        assert window.count() == 1
        assert [row.title for row in window.rows()] == ["Inspection"]
        assert window.count_by("month") == [(date(2026, 2, 1), 1)]
    finally:
        event.remove(tl.engine, "after_cursor_execute", after)
    assert seen and not any(seen)
    with tl.session() as session:  # writes and sessions keep their transactions
        session.execute(text("SELECT 1"))
        assert _in_transaction(session.connection().connection.driver_connection)


def test_a_read_never_rolls_back_a_transaction_open_on_a_shared_connection() -> None:
    """In memory, a session and a read share SQLite's one connection: a read inside a session
    that only read runs (no raw driver error), and one inside a session holding uncommitted
    changes is refused clearly instead of rolling them back (see docs/reliability.md)."""
    with Timeline() as tl:
        tl.add_event("Inspection", when="2026-02-11", kind="test")
        with tl.session() as session:
            session.execute(text("SELECT 1"))
            assert tl.events().count() == 1
            assert session.execute(text("SELECT 2")).scalar() == 2
        with tl.session() as session:
            session.execute(text("UPDATE timeline_event SET title = 'Renamed'"))
            with pytest.raises(TimelineError, match="commit or close that session"):
                tl.events().count()
            session.commit()
        assert [e.title for e in tl.events()] == ["Renamed"]


def test_window_bounds_are_parsed_once_per_value(tl: Timeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A window given as text or dates again and again (a dashboard, a loop over months)
    parses each value once; other values (a naive datetime) still parse each time."""
    from timeline import query

    query._cached_day_range.cache_clear()
    calls: list[object] = []
    parse = When.parse

    def counting(value, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(value)
        return parse(value, *args, **kwargs)

    monkeypatch.setattr(When, "parse", counting)
    tl.add_event("Inspection", when="2026-02-11", kind="test")
    calls.clear()
    for _ in range(3):
        assert tl.events().between("2026-02", "2026-02").count() == 1
        assert tl.events().between(date(2026, 2, 1), date(2026, 2, 28)).count() == 1
    assert calls == ["2026-02", date(2026, 2, 1), date(2026, 2, 28)]
    with pytest.raises(InvalidEventError, match="ends before it starts"):
        tl.events().between("2026-03", "2026-02")
