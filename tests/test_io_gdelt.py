"""GDELT 2.0 events and mentions on synthetic tab-separated files in GDELT's layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import ImportRowError, Timeline
from timeline.io import import_file

FIXTURES = Path(__file__).parent / "fixtures"


def _import_both(tl: Timeline) -> tuple[object, object]:
    events = import_file(tl, FIXTURES / "gdelt.export.CSV", format="gdelt-events")
    mentions = import_file(tl, FIXTURES / "gdelt.mentions.CSV", format="gdelt-mentions")
    return events, mentions


def test_events_keep_cameo_codes_actors_and_places(tl: Timeline) -> None:
    summary = import_file(tl, FIXTURES / "gdelt.export.CSV", format="gdelt-events")
    assert (summary.created, summary.documents, summary.claims) == (3, 2, 3)
    consult = tl.events().tagged("cameo:0431").first()
    assert consult is not None and consult.kind == "cameo.04.043.0431"
    assert tl.events().of_kind("cameo.04").count() == 1
    assert tl.events().tagged("cameo:010").count() == 1  # the leading zero is kept
    assert sorted((e.name, e.kind, r) for e, r in tl.actors(consult)) == [
        ("NORTH KOREA", "country", "initiator"),
        ("UNITED STATES", "government", "target"),
    ]
    assert tl.entity("NORTH KOREA").external_ids == {"cameo": "PRK"}
    assert tl.events().at("Pyongyang, P'yongyang-si, North Korea").count() == 1
    assert tl.place("North Korea").country == "KN"


def test_mentions_attach_to_one_event_and_unknown_events_are_skipped(tl: Timeline) -> None:
    _, mentions = _import_both(tl)
    assert mentions.skipped == 1  # type: ignore[attr-defined]
    assert "1199999999" in mentions.notes[0]  # type: ignore[attr-defined]
    assert mentions.claims == 2 and mentions.documents == 2  # type: ignore[attr-defined]
    consult = tl.events().tagged("cameo:0431").first()
    assert consult is not None
    sources = {c.source_id for c in tl.claims(consult)}
    assert len(sources) == 3  # the event's own article and two syndicated copies
    assert tl.events().count() == 3


def test_reimport_duplicates_nothing(tl: Timeline) -> None:
    _import_both(tl)
    events, mentions = _import_both(tl)
    assert (events.created, events.unchanged) == (0, 3)  # type: ignore[attr-defined]
    assert mentions.claims == 0 and mentions.documents == 0  # type: ignore[attr-defined]
    consult = tl.events().tagged("cameo:0431").first()
    assert consult is not None and len(tl.claims(consult)) == 3


def test_bad_rows(tl: Timeline) -> None:
    with pytest.raises(ImportRowError) as raised:
        import_file(tl, FIXTURES / "gdelt_bad.export.CSV", format="gdelt-events")
    assert raised.value.line == 2 and "60 tab-separated columns" in str(raised.value)
    assert tl.events().count() == 0
    summary = import_file(
        tl, FIXTURES / "gdelt_bad.export.CSV", format="gdelt-events", skip_invalid=True
    )
    assert summary.created == 1
    assert [(e.line, e.field) for e in summary.errors] == [(2, None), (3, "EventCode")]
