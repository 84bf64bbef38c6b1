"""ACLED CSV import on synthetic rows in ACLED's current column layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from timeline import ImportRowError, Precision, Timeline
from timeline.io import import_file

FIXTURES = Path(__file__).parent / "fixtures"


def _by_id(tl: Timeline, identifier: str) -> object:
    with tl.session() as session:
        from sqlmodel import col, select

        from timeline import Event, EventExternalId

        return session.scalars(
            select(Event)
            .join(EventExternalId, col(EventExternalId.event_id) == col(Event.id))
            .where(col(EventExternalId.value) == identifier)
        ).one()


def test_rows_become_events_actors_places_and_sources(tl: Timeline) -> None:
    summary = import_file(tl, FIXTURES / "acled.csv", format="acled")
    assert (summary.created, summary.skipped) == (4, 0)
    assert summary.documents == 6  # one report per outlet named in `source`, per event
    rally = _by_id(tl, "KOR1001")
    assert rally.kind == "protests.peaceful_protest"  # type: ignore[attr-defined]
    assert rally.when.start_earliest == date(2024, 3, 2)  # type: ignore[attr-defined]
    roles = sorted((e.name, r) for e, r in tl.actors(rally))  # type: ignore[arg-type]
    assert roles == [
        ("Labor Group (South Korea)", "assoc_actor1"),
        ("Protesters (South Korea)", "actor1"),
        ("Students (South Korea)", "assoc_actor1"),
    ]
    assert tl.events().at("South Korea").count() == 2
    assert tl.events().at("Jongno-gu").count() == 1
    assert tl.place("Seoul - Jongno").lat == pytest.approx(37.5735)
    assert len(tl.claims(rally)) == 2  # type: ignore[arg-type]
    assert tl.events().of_kind("battles").count() == 1


def test_time_precision_becomes_the_when_precision(tl: Timeline) -> None:
    import_file(tl, FIXTURES / "acled.csv", format="acled")
    week = _by_id(tl, "KOR1002").when  # type: ignore[attr-defined]
    assert week.start_precision is Precision.WEEK
    assert (week.start_earliest, week.start_latest) == (date(2024, 3, 10), date(2024, 3, 16))
    month = _by_id(tl, "NGA2001").when  # type: ignore[attr-defined]
    assert month.start_precision is Precision.MONTH
    assert (month.start_earliest, month.start_latest) == (date(2024, 4, 1), date(2024, 4, 30))


def test_reimport_updates_by_event_id_cnty_and_timestamp(tl: Timeline) -> None:
    import_file(tl, FIXTURES / "acled.csv", format="acled")
    same = import_file(tl, FIXTURES / "acled.csv", format="acled")
    assert (same.created, same.updated, same.unchanged) == (0, 0, 4)
    update = import_file(tl, FIXTURES / "acled_update.csv", format="acled")
    assert (update.created, update.updated, update.unchanged) == (0, 1, 1)
    attack = _by_id(tl, "NGA2001")
    assert attack.when.start_earliest == date(2024, 4, 14)  # type: ignore[attr-defined]
    assert "Fatalities: 4" in attack.summary  # type: ignore[attr-defined]
    assert attack.updated_at.timestamp() == 1715000000  # type: ignore[attr-defined]
    rally = _by_id(tl, "KOR1001")
    assert "STALE" not in rally.summary  # type: ignore[attr-defined]
    assert tl.events().count() == 4


def test_bad_rows_import_nothing_or_exactly_the_good_ones(tl: Timeline) -> None:
    with pytest.raises(ImportRowError) as raised:
        import_file(tl, FIXTURES / "acled_bad.csv", format="acled")
    assert raised.value.line == 3 and "31 February 2024" in str(raised.value)
    assert tl.events().count() == 0
    summary = import_file(tl, FIXTURES / "acled_bad.csv", format="acled", skip_invalid=True)
    assert summary.created == 2
    assert [(e.line, e.field) for e in summary.errors] == [
        (3, "event_date"),
        (4, "time_precision"),
        (5, "lat"),
    ]
    assert tl.events().count() == 2
