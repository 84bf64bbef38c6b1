"""Claims decide an event's state; ``as_of`` answers queries as the record stood; both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select

from timeline import EventDeletedError, InvalidDateError, InvalidEventError, Timeline
from timeline.knowledge import EventVersion


@pytest.fixture
def story(tl: Timeline) -> Timeline:
    tl.add_entity("Donald Trump", kind="person", aliases=["Trump"])
    tl.add_entity("China", kind="country")
    tl.add_entity("Xi Jinping", kind="person")
    return tl


def _source(tl: Timeline, title: str, day: str, publisher: str = "Wire") -> int:
    source = tl.add_source(title, publisher=publisher, published=day)
    assert source.id is not None
    return source.id


def _state(tl: Timeline, day: str) -> dict[str, tuple[str, str | None, object, object]]:
    """title -> (status, EDTF, start_earliest, end_latest) of every event as of ``day``."""
    return {
        e.title: (str(e.status), e.edtf, e.start_earliest, e.end_latest)
        for e in tl.events().as_of(day)
    }


def test_latest_published_claim_wins_for_each_field(story: Timeline) -> None:
    first = _source(story, "Report", "2026-02-26")
    later = _source(story, "Schedule", "2026-03-10")
    visit = story.add_event(
        "Visit", when="later this spring", kind="diplomacy.visit", status="expected", source=first
    )
    story.add_claim(visit, source=later, status="scheduled", when="2026-04-14/2026-04-16")
    postponed = _source(story, "Postponed", "2026-04-02")
    story.add_claim(visit, source=postponed, status="postponed")  # says nothing of the date
    now = story.get_event(visit.id or 0)
    assert now.status == "postponed"
    assert now.edtf == "2026-04-14/2026-04-16"  # the date stays the last one published
    assert (now.start_earliest, now.end_latest) == (date(2026, 4, 14), date(2026, 4, 16))


def test_an_older_document_recorded_later_does_not_override(story: Timeline) -> None:
    early = _source(story, "Early", "2026-02-26")
    late = _source(story, "Late", "2026-03-20")
    visit = story.add_event("Visit", when="2026-04-14", kind="diplomacy.visit", source=late)
    story.add_claim(visit, source=early, status="rumored", when="2026-05")
    current = story.get_event(visit.id or 0)
    assert (current.status, current.edtf) == ("occurred", "2026-04-14")
    # ...but it is what was known before the later document appeared.
    assert _state(story, "2026-03-01")["Visit"][:2] == ("rumored", "2026-05")


def test_same_day_ties_go_to_confidence_then_recording_order(story: Timeline) -> None:
    a = _source(story, "A", "2026-03-01")
    b = _source(story, "B", "2026-03-01", publisher="Other")
    visit = story.add_event("Visit", when="2026-04", kind="diplomacy.visit", status="expected")
    story.add_claim(visit, source=a, status="scheduled", confidence=0.9)
    story.add_claim(visit, source=b, status="rumored", confidence=0.4)
    assert _state(story, "2026-03-01")["Visit"][0] == "scheduled"
    story.add_claim(visit, source=b, status="planned", confidence=0.9)  # same rank: later wins
    assert _state(story, "2026-03-01")["Visit"][0] == "planned"


def test_a_manual_edit_is_a_claim_published_when_recorded(story: Timeline) -> None:
    report = _source(story, "Report", "2026-02-26")
    visit = story.add_event("Visit", when="2026-04", kind="diplomacy.visit", source=report)
    claim = story.add_claim(visit, source=None, status="cancelled")
    assert claim.published == datetime.now(timezone.utc).date()
    assert claim.source_id is None
    assert story.get_event(visit.id or 0).status == "cancelled"
    assert _state(story, "2026-03-01")["Visit"][0] == "occurred"
    edits = [r for r in story.revisions(visit) if r.action == "edit"]
    assert [(r.field, r.old, r.new) for r in edits] == [("status", "occurred", "cancelled")]


def test_participations_follow_the_current_when(story: Timeline) -> None:
    report = _source(story, "Report", "2026-03-10")
    visit = story.add_event(
        "Visit", when="2026", kind="diplomacy.visit", actors={"Trump": "visitor"}
    )
    story.add_claim(visit, source=report, when="2026-04-14/2026-04-16")
    assert [e.title for e in story.events().involving("Trump").between("2026-04", "2026-04")] == [
        "Visit"
    ]
    with story.session() as session:
        from timeline import Participation

        part = session.scalars(select(Participation)).one()
        assert (part.search_start, part.search_end) == (date(2026, 4, 14), date(2026, 4, 16))


def test_as_of_each_day_returns_exactly_what_was_published(story: Timeline) -> None:
    d1 = _source(story, "Congress closes", "2026-02-26")
    d2 = _source(story, "Visit scheduled", "2026-03-10", publisher="Paper")
    d3 = _source(story, "Summit announced", "2026-03-15")
    d4 = _source(story, "Visit postponed", "2026-04-02", publisher="Paper")
    d5 = _source(story, "Visit happens", "2026-05-20")
    visit = story.add_event(
        "Visit",
        when="later this spring",
        kind="diplomacy.visit",
        status="expected",
        actors={"Trump": "visitor", "China": "host"},
        source=d1,
    )
    summit = story.add_event(
        "Summit", when="2026-06", kind="diplomacy.summit", status="planned", source=d3
    )
    story.add_claim(visit, source=d2, status="scheduled", when="2026-04-14/2026-04-16")
    story.add_claim(visit, source=d4, status="postponed")
    story.add_claim(summit, source=d4, status="cancelled")
    story.add_claim(visit, source=d5, status="occurred", when="2026-05-19/2026-05-21")

    assert _state(story, "2026-02-25") == {}
    spring = ("expected", "2026-21", date(2026, 3, 1), date(2026, 5, 31))
    assert _state(story, "2026-02-26") == {"Visit": spring}
    assert _state(story, "2026-03-09") == {"Visit": spring}
    april = ("scheduled", "2026-04-14/2026-04-16", date(2026, 4, 14), date(2026, 4, 16))
    june = ("planned", "2026-06", date(2026, 6, 1), date(2026, 6, 30))
    assert _state(story, "2026-03-10") == {"Visit": april}
    assert _state(story, "2026-03-15") == {"Visit": april, "Summit": june}
    assert _state(story, "2026-04-02") == {
        "Visit": ("postponed", *april[1:]),
        "Summit": ("cancelled", *june[1:]),
    }
    may = ("occurred", "2026-05-19/2026-05-21", date(2026, 5, 19), date(2026, 5, 21))
    assert _state(story, "2026-05-20") == {"Visit": may, "Summit": ("cancelled", *june[1:])}

    # Every query runs as of the day: windows, filters, upcoming, order, count, ids.
    events = story.events()
    assert events.between("2026-04", "2026-04").as_of("2026-03-01").count() == 1  # spring
    assert events.between("2026-04-20", "2026-04-30").as_of("2026-03-12").count() == 0
    assert events.between("2026-04", "2026-04", certainty="certain").as_of("2026-03-12").ids() == [
        visit.id
    ]
    assert events.within("2026-05-01", "2026-05-31").as_of("2026-03-01").count() == 0
    assert events.within("2026-05-01", "2026-05-31").as_of("2026-06-01").ids() == [visit.id]
    assert events.with_status("scheduled").as_of("2026-03-20").ids() == [visit.id]
    assert events.with_status("scheduled").count() == 0
    assert events.involving("Trump").as_of("2026-02-25").count() == 0
    upcoming = events.upcoming(as_of="2026-03-20").as_of("2026-03-20")
    assert [e.title for e in upcoming] == ["Visit", "Summit"]
    assert [e.title for e in events.upcoming(as_of="2026-04-03").as_of("2026-04-03")] == ["Visit"]
    ordered = events.order_by_time(descending=True).as_of("2026-03-20")
    assert [e.title for e in ordered] == ["Summit", "Visit"]
    assert [e.title for e in ordered.limit(1)] == ["Summit"]
    assert ordered.offset(1).count() == 1
    # A month stands for its last day; the result rows carry the state of that day.
    [row] = events.of_kind("diplomacy.visit").as_of("2026-03").all()
    assert (row.status, row.when.edtf) == ("scheduled", "2026-04-14/2026-04-16")
    # The light results too: rows, dicts and per-period counts.
    light = events.between("2026-03", "2026-06").as_of("2026-03-15")
    assert [(r.title, r.status) for r in light.rows()] == [
        ("Visit", "scheduled"),
        ("Summit", "planned"),
    ]
    assert light.dicts("title", "edtf") == [
        {"title": "Visit", "edtf": "2026-04-14/2026-04-16"},
        {"title": "Summit", "edtf": "2026-06"},
    ]
    assert light.count_by("month") == [(date(2026, 4, 1), 1), (date(2026, 6, 1), 1)]


def test_as_of_on_the_recorded_axis_is_an_audit(story: Timeline) -> None:
    d1 = _source(story, "Report", "2026-02-26")
    d2 = _source(story, "Schedule", "2026-03-10")
    visit = story.add_event("Visit", when="2026-04", kind="x", status="expected", source=d1)
    before = datetime.now(timezone.utc)
    story.add_claim(visit, source=d2, status="scheduled", when="2026-04-14")
    between = datetime.now(timezone.utc)
    story.delete_event(visit)
    assert story.events().count() == 0
    assert story.events().as_of("2026-06-01").count() == 0
    # What did the database say at each recorded time, with everything published by then?
    [then] = story.events().as_of(recorded=before).all()
    assert (then.status, then.edtf) == ("expected", "2026-04")
    [then] = story.events().as_of(recorded=between).all()
    assert (then.status, then.edtf) == ("scheduled", "2026-04-14")
    # Both clocks at once: published by 1 March, as recorded after the second claim.
    [then] = story.events().as_of("2026-03-01", recorded=between).all()
    assert then.status == "expected"
    assert story.events().as_of(recorded=before - timedelta(days=1)).count() == 0
    with pytest.raises(InvalidDateError, match="aware"):
        story.events().as_of(recorded=datetime(2026, 3, 1))


def test_delete_leaves_a_tombstone_and_restore_brings_it_back(story: Timeline) -> None:
    report = _source(story, "Report", "2026-02-26")
    visit = story.add_event("Visit", when="2026-04", kind="x", source=report, quote="q")
    story.delete_event(visit, reason="duplicate entry")
    assert story.events().count() == 0
    tombstone = story.get_event(visit.id or 0)
    assert tombstone.deleted_at is not None
    assert [entry.quote for entry in story.history(visit)] == ["q"]
    deleted = [r for r in story.revisions(visit) if r.action == "delete"]
    assert deleted[0].detail == {"reason": "duplicate entry"}
    with pytest.raises(EventDeletedError, match="deleted"):
        story.add_claim(visit, source=report, status="cancelled")
    with pytest.raises(EventDeletedError):
        story.delete_event(visit)
    story.restore_event(visit)
    assert story.events().ids() == [visit.id]
    assert story.events().as_of("2026-03-01").ids() == [visit.id]


def test_versions_are_append_only(story: Timeline) -> None:
    d1 = _source(story, "Report", "2026-02-26")
    d2 = _source(story, "Schedule", "2026-03-10")
    visit = story.add_event("Visit", when="2026-04", kind="x", status="expected", source=d1)
    story.add_claim(visit, source=d2, status="scheduled")
    with story.session() as session:
        rows = session.scalars(select(EventVersion).order_by(EventVersion.id)).all()  # type: ignore[arg-type]
    current = [(v.known_from, v.known_until, v.status) for v in rows if v.recorded_until is None]
    closed = [(v.known_from, v.known_until, v.status) for v in rows if v.recorded_until]
    assert current == [
        (date(2026, 2, 26), date(2026, 3, 10), "expected"),
        (date(2026, 3, 10), date(9999, 12, 31), "scheduled"),
    ]
    assert closed == [(date(2026, 2, 26), date(9999, 12, 31), "expected")]


def test_as_of_needs_a_time(story: Timeline) -> None:
    with pytest.raises(InvalidEventError, match="as_of needs"):
        story.events().as_of()
    with pytest.raises(InvalidDateError):
        story.events().as_of("not a date")


def test_as_of_windows_use_the_version_window_index(story: Timeline) -> None:
    story.add_event("A", when="2026-02-03", kind="test")
    query = story.events().between("2026-02", "2026-02").as_of("2026-12-01")
    compiled = query.statement.compile(story.engine, compile_kwargs={"literal_binds": True})
    with story.engine.connect() as connection:
        if story.engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {compiled}")
        plan = "\n".join(str(row[-1]) for row in rows)
    indexes = ["ix_timeline_event_version_window", "ix_timeline_event_version_bounds"]
    assert any(index in plan for index in indexes), plan
    assert "SCAN timeline_event_version\n" not in plan + "\n", plan
    assert "Seq Scan" not in plan, plan


def test_as_of_actor_windows_use_the_hull_of_that_day(story: Timeline) -> None:
    d1 = _source(story, "Report", "2026-02-26")
    d2 = _source(story, "Arrives", "2026-05-20")
    visit = story.add_event(
        "Visit", when="later this spring", kind="x", actors={"Trump": "visitor"}, source=d1
    )
    story.add_claim(visit, source=d2, when="2026-05-19/2026-05-21")
    april = story.events().involving("Trump").between("2026-04", "2026-04")
    assert april.count() == 0  # today: 19-21 May
    assert april.as_of("2026-03-01").ids() == [visit.id]  # then: spring
    assert april.as_of("2026-03-01").rows("title", "edtf") == [("Visit", "2026-21")]
    assert april.as_of("2026-03-01").dicts("status") == [{"status": "occurred"}]
    assert april.as_of("2026-03-01").count_by("month") == [(date(2026, 3, 1), 1)]
    assert story.events().as_of("2026-06-01").count_by("month") == [(date(2026, 5, 1), 1)]
    assert story.events().as_of("2026-02-01").count_by("month") == []


def test_bulk_loaded_events_have_a_history_for_as_of(story: Timeline) -> None:
    report = _source(story, "Report", "2026-02-26")
    story.add_events(
        [
            {"title": "Parade", "when": "2026-02-25", "kind": "military.parade", "source": report},
            {"title": "Baseline", "when": "2026-02", "kind": "politics"},
        ]
    )
    assert sorted(_state(story, "2026-02-25")) == ["Baseline"]  # no source: known since ever
    assert sorted(_state(story, "2026-02-26")) == ["Baseline", "Parade"]
    [parade] = story.events().of_kind("military").all()
    story.add_claim(parade, source=_source(story, "Later", "2026-03-01"), status="denied")
    assert _state(story, "2026-02-27")["Parade"][0] == "occurred"
    assert _state(story, "2026-03-01")["Parade"][0] == "denied"


def test_as_of_agrees_with_the_rule_applied_by_hand(story: Timeline) -> None:
    """Random reports about three events, recorded in random order, checked day by day
    against the rule written out independently here."""
    import random

    rng = random.Random(20260226)
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(8)]
    sources = {day: _source(story, f"Report of {day}", day.isoformat()) for day in days}
    statuses = ["expected", "scheduled", "postponed", "occurred", None]
    whens = ["2026-04", "2026-04-14", "2026-05", "2026-04-14/2026-04-16", None]
    events = {}
    reports: list[tuple[str, int, date, str | None, str | None, float | None]] = []
    for name in ("A", "B", "C"):
        first = rng.choice(days)
        event = story.add_event(
            name, when="2026", kind="test", status="rumored", source=sources[first]
        )
        events[name] = event.id
        reports.append((name, 0, first, "rumored", "2026", None))
    for order in range(1, 13):
        name = rng.choice("ABC")
        day = rng.choice(days)
        status, when = rng.choice(statuses), rng.choice(whens)
        confidence = rng.choice([None, 0.3, 0.8])
        story.add_claim(
            events[name], source=sources[day], status=status, when=when, confidence=confidence
        )
        reports.append((name, order, day, status, when, confidence))

    def by_hand(day: date) -> dict[str, tuple[str, str]]:
        known: dict[str, tuple[str, str]] = {}
        for name in "ABC":
            mine = [r for r in reports if r[0] == name and r[2] <= day]
            if not mine:
                continue
            mine.sort(key=lambda r: (r[2], -1.0 if r[5] is None else r[5], r[1]))
            status = [r[3] for r in mine if r[3] is not None][-1]
            when = [r[4] for r in mine if r[4] is not None][-1]
            known[name] = (status, when)
        return known

    for day in [date(2026, 2, 28), *days]:
        found = {e.title: (str(e.status), e.edtf) for e in story.events().as_of(day)}
        assert found == by_hand(day), day
    today = {e.title: (str(e.status), e.edtf) for e in story.events()}
    assert today == by_hand(days[-1])  # the event rows hold the state with every claim


def test_upgrading_a_database_with_events_gives_each_a_version(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    from timeline import migrations

    provenance = ScriptDirectory.from_config(migrations.alembic_config()).get_revision(
        "cbde73b6e8b6"
    )
    assert provenance is not None and isinstance(provenance.down_revision, str)
    migrations.upgrade(engine, provenance.down_revision)  # the revision before provenance
    columns = (
        "title, kind, status, span, start_state, end_state, start_precision, end_precision, "
        "start_approximate, start_uncertain, end_approximate, end_uncertain, start_earliest, "
        "start_latest, end_earliest, end_latest, edtf, search_start, search_end, span_class, "
        "created_at, updated_at"
    )
    values = (
        "'Visit', 'diplomacy.visit', 'expected', false, 'known', 'known', 'month', 'month', "
        "false, false, false, false, '2026-04-01', '2026-04-30', '2026-04-01', '2026-04-30', "
        "'2026-04', '2026-04-01', '2026-04-30', 0, '2026-02-26 10:00:00', '2026-02-26 10:00:00'"
    )
    with engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO timeline_event ({columns}) VALUES ({values})")
        connection.exec_driver_sql(
            "INSERT INTO timeline_claim (event_id, status, published, recorded_at) "
            "SELECT id, 'expected', '2026-02-26', '2026-02-26 10:00:00' FROM timeline_event"
        )
    with Timeline(engine) as tl:
        assert tl.events().as_of("2026-02-25").count() == 0
        [visit] = tl.events().as_of("2026-02-26").all()
        assert (visit.status, visit.edtf) == ("expected", "2026-04")
        report = tl.add_source("Dates set", publisher="Wire", published="2026-03-10")
        tl.add_claim(visit, source=report, status="scheduled", when="2026-04-14")
        assert [str(e.status) for e in tl.events().as_of("2026-03-01")] == ["expected"]
        assert [str(e.status) for e in tl.events().as_of("2026-03-10")] == ["scheduled"]
