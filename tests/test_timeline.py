"""The facade: adding entities, places, sources, events and statements, on both backends."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from timeline import (
    Claim,
    Entity,
    Event,
    EventNotFoundError,
    InvalidDateError,
    InvalidEventError,
    NotFoundError,
    Participation,
    Status,
    Timeline,
    When,
)


def _counts(tl: Timeline) -> dict[str, int]:
    """Row counts of every timeline table: a logical snapshot of the database."""
    from timeline import metadata

    with tl.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


@pytest.fixture
def story(tl: Timeline) -> Timeline:
    tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim Jong-un", "김정은"])
    tl.add_entity("Donald Trump", kind="person", aliases=["Trump"])
    tl.add_entity("China", kind="country")
    tl.add_place("North Korea", kind="country", country="kp")
    tl.add_place("Pyongyang", kind="city", parent="North Korea")
    tl.add_place("Kim Il Sung Square", kind="square", parent="Pyongyang")
    tl.add_place("China", kind="country", country="CN")
    return tl


def test_add_entity_returns_existing_for_any_alias_and_adds_new_aliases(tl: Timeline) -> None:
    first = tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim Jong-un"])
    again = tl.add_entity("KIM JONG-UN", kind="person", aliases=["김정은"])
    assert again.id == first.id
    assert tl.entity("김정은").id == first.id
    assert tl.entity("kim jong un").name == "Kim Jong Un"


def test_entity_lookup_ignores_accents_and_unicode_form(tl: Timeline) -> None:
    import unicodedata

    tl.add_entity("Élysée Palace", kind="organization", aliases=["김정은 동지"])
    assert tl.entity("elysee palace").name == "Élysée Palace"
    assert tl.entity(unicodedata.normalize("NFD", "김정은 동지")).name == "Élysée Palace"


def test_unknown_entity_is_a_lookup_error_with_advice(tl: Timeline) -> None:
    with pytest.raises(NotFoundError, match="add_entity") as caught:
        tl.entity("Nobody")
    assert isinstance(caught.value, LookupError)


def test_ambiguous_alias_is_refused_naming_the_candidates(tl: Timeline) -> None:
    tl.add_entity("Georgia", kind="country")
    tl.add_entity("Georgia", kind="state")
    with pytest.raises(NotFoundError, match=r"country.*state|state.*country"):
        tl.entity("Georgia")


def test_add_place_nests_and_dedupes_by_parent(story: Timeline) -> None:
    square = story.place("Kim Il Sung Square")
    city = story.place("Pyongyang")
    assert square.parent_id == city.id
    assert story.add_place("Pyongyang", kind="city", parent="North Korea").id == city.id
    assert story.place("North Korea").country == "KP"


def test_add_place_without_parent_finds_the_known_place(story: Timeline) -> None:
    city = story.place("Pyongyang")
    assert story.add_place("pyongyang", kind="city").id == city.id
    assert story.add_place("Pyongyang", kind="province").id != city.id


def test_add_place_refuses_bad_coordinates(tl: Timeline) -> None:
    before = _counts(tl)
    with pytest.raises(InvalidEventError, match="lat"):
        tl.add_place("Nowhere", kind="city", lat=123.0, lon=0.0)
    assert _counts(tl) == before


def test_add_source_creates_the_publisher_and_dedupes(tl: Timeline) -> None:
    source = tl.add_source("Report", publisher="KCNA", published="2026-02-26")
    assert source.published == date(2026, 2, 26)
    assert tl.entity("KCNA").kind == "media"
    same = tl.add_source("Report", publisher="kcna", published=date(2026, 2, 26))
    assert same.id == source.id
    url = tl.add_source("Other", publisher="KCNA", published="2026-02-27", url="https://x.test/a")
    assert (
        tl.add_source(
            "Renamed", publisher="KCNA", published="2026-02-27", url="https://x.test/a"
        ).id
        == url.id
    )


def test_add_source_refuses_a_vague_publication_date(tl: Timeline) -> None:
    with pytest.raises(InvalidDateError):
        tl.add_source("Report", publisher="KCNA", published="2026-02")


def test_add_event_returns_event_with_when_and_status(story: Timeline) -> None:
    event = story.add_event(
        "Parade",
        when="[2026-02-19..2026-02-26]",
        kind="military.parade",
        place="Kim Il Sung Square",
        actors={"Kim Jong-un": "attendee"},
        tags=["parade", "parade"],
    )
    assert isinstance(event, Event)
    assert event.status == "occurred"
    assert event.status is Status.OCCURRED
    assert isinstance(event.when, When)
    assert event.when.is_instant
    assert event.when.start_earliest == date(2026, 2, 19)
    assert event.when.start_latest == date(2026, 2, 26)
    again = story.get_event(event.id)  # type: ignore[arg-type]
    assert again.when == event.when
    assert again.when.edtf == "[2026-02-19..2026-02-26]"
    assert [(e.name, role) for e, role in story.actors(event)] == [("Kim Jong Un", "attendee")]


def test_relative_when_is_resolved_against_the_source(story: Timeline) -> None:
    report = story.add_source("Report", publisher="Wire", published="2026-02-26")
    visit = story.add_event(
        "Trump visits China",
        when="later this spring",
        kind="diplomacy.visit",
        status="expected",
        place="China",
        actors={"Trump": "visitor", "China": "host"},
        source=report,
        quote="expected to visit China later this spring",
    )
    when = story.get_event(visit.id).when  # type: ignore[arg-type]
    assert (when.start_earliest, when.start_latest) == (date(2026, 3, 1), date(2026, 5, 31))
    assert when.phrase == "later this spring"
    assert when.reference == date(2026, 2, 26)
    [claim] = story.claims(visit)
    assert claim.source_id == report.id
    assert claim.quote == "expected to visit China later this spring"
    assert claim.status == "expected"
    assert claim.when == when


def test_relative_when_without_reference_is_refused(tl: Timeline) -> None:
    with pytest.raises(InvalidDateError, match="later this spring"):
        tl.add_event("Visit", when="later this spring", kind="diplomacy.visit")


def test_datetime_with_zone_keeps_its_zone_and_civil_day(tl: Timeline) -> None:
    from dateutil import tz

    seoul = tz.gettz("Asia/Seoul")
    moment = datetime(2026, 2, 26, 7, 30, tzinfo=seoul)  # 25 Feb 22:30 UTC
    event = tl.add_event("Launch", when=moment, kind="military.missile_test")
    stored = tl.get_event(event.id).when  # type: ignore[arg-type]
    assert stored.start_earliest == moment
    assert stored.start_earliest.utcoffset() == moment.utcoffset()
    assert tl.events().between("2026-02-26", "2026-02-26", certainty="certain").count() == 1
    assert tl.events().between("2026-02-25", "2026-02-25").count() == 0


def test_impossible_date_is_refused_and_writes_nothing(story: Timeline) -> None:
    before = _counts(story)
    with pytest.raises(InvalidDateError, match="2026-02-30") as caught:
        story.add_event("Bad", when="2026-02-30", kind="politics.meeting", actors={"Trump": "x"})
    assert isinstance(caught.value, ValueError)
    assert _counts(story) == before


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"kind": "Military Parade!"}, InvalidEventError, "kind"),
        ({"status": "happened"}, InvalidEventError, "status"),
        ({"actors": {"Nobody": "speaker"}}, NotFoundError, "Nobody"),
        ({"actors": {"Trump": "bad role!"}}, InvalidEventError, "role"),
        ({"place": "Atlantis"}, NotFoundError, "Atlantis"),
        ({"part_of": 99999}, EventNotFoundError, "99999"),
        ({"confidence": 1.5}, InvalidEventError, "confidence"),
        ({"tags": ["ok", " "]}, InvalidEventError, "tag"),
    ],
)
def test_rejected_add_event_leaves_nothing_behind(
    story: Timeline, changes: dict[str, object], error: type[Exception], match: str
) -> None:
    arguments: dict[str, object] = {
        "when": "2026-02-26",
        "kind": "politics.meeting",
        "actors": {"Trump": "visitor"},
        "tags": ["x"],
    }
    arguments.update(changes)
    before = _counts(story)
    with pytest.raises(error, match=match):
        story.add_event("Meeting", **arguments)  # type: ignore[arg-type]
    assert _counts(story) == before


def test_empty_title_is_refused(tl: Timeline) -> None:
    with pytest.raises(InvalidEventError, match="title"):
        tl.add_event("  ", when="2026", kind="politics")


def test_an_external_id_names_one_event(tl: Timeline) -> None:
    first = tl.add_event("A", when="2026", kind="politics", external_ids={"acled": "KOR1"})
    again = tl.add_event("B", when="2026-05", kind="politics", external_ids={"acled": "KOR1"})
    assert again.id == first.id  # the stored event is updated, never duplicated
    assert (again.title, again.edtf) == ("B", "2026-05")
    assert tl.events().count() == 1
    assert [r.action for r in tl.revisions(first)][-1] == "edit"


def test_get_event_unknown_id(tl: Timeline) -> None:
    with pytest.raises(EventNotFoundError) as caught:
        tl.get_event(12345)
    assert caught.value.key == 12345


def test_participation_carries_the_event_hull(story: Timeline) -> None:
    event = story.add_event(
        "Visit", when="2026-03", kind="diplomacy.visit", actors={"Trump": ["visitor", "guest"]}
    )
    with story.session() as session:
        rows = session.scalars(
            select(Participation).where(Participation.event_id == event.id)
        ).all()
    assert {row.role for row in rows} == {"visitor", "guest"}
    assert {(row.search_start, row.search_end) for row in rows} == {
        (event.search_start, event.search_end)
    }


def test_statements_by_speaker_and_subject(story: Timeline) -> None:
    kcna = story.add_source("KCNA report", publisher="KCNA", published="2026-02-26")
    story.add_entity("United States", kind="country", aliases=["U.S."])
    story.add_entity("South Korea", kind="country")
    story.add_statement("김정은", "get along well", source=kcna, said="2026-02-26", about=["U.S."])
    story.add_statement("Kim Jong Un", "leave us alone", source=kcna, about=["South Korea"])
    said = story.statements(speaker="Kim Jong-un")
    assert [s.text for s in said] == ["get along well", "leave us alone"]
    assert said[0].said_earliest == date(2026, 2, 26)
    assert [e.name for e in story.subjects(said[0])] == ["United States"]
    assert [s.text for s in story.statements(about="South Korea")] == ["leave us alone"]


def test_session_is_a_plain_sqlmodel_escape_hatch(story: Timeline) -> None:
    story.add_event("Parade", when="2026-02-25", kind="military.parade")
    with story.session() as session:
        titles = session.scalars(select(Event.title).where(Event.kind == "military.parade")).all()
        assert titles == ["Parade"]
        assert session.scalar(select(func.count()).select_from(Entity)) == 3
        assert session.scalar(select(func.count()).select_from(Claim)) == 1


def test_timestamps_are_aware_utc(tl: Timeline) -> None:
    event = tl.add_event("A", when="2026", kind="politics")
    stored = tl.get_event(event.id)  # type: ignore[arg-type]
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == timezone.utc.utcoffset(None)
