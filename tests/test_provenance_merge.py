"""Merging duplicate events keeps every source, shows the survivor once, and is undone cleanly."""

from __future__ import annotations

from datetime import date

import pytest

from timeline import EventDeletedError, InvalidEventError, Timeline


@pytest.fixture
def pair(tl: Timeline) -> tuple[Timeline, int, int]:
    tl.add_entity("Donald Trump", kind="person", aliases=["Trump"])
    tl.add_entity("China", kind="country")
    tl.add_entity("Xi Jinping", kind="person", aliases=["Xi"])
    wire = tl.add_source("Wire report", publisher="Wire", published="2026-02-26")
    paper = tl.add_source("Paper report", publisher="Paper", published="2026-03-10")
    a = tl.add_event(
        "Trump visits China",
        when="later this spring",
        kind="diplomacy.visit",
        status="expected",
        actors={"Trump": "visitor", "China": "host"},
        source=wire,
        tags=["us-china"],
        quote="expected to visit China later this spring",
    )
    b = tl.add_event(
        "Trump trip to Beijing",
        when="2026-04-14/2026-04-16",
        kind="diplomacy.visit",
        status="scheduled",
        actors={"Trump": "visitor", "Xi": "host"},
        source=paper,
        tags=["beijing"],
        quote="will travel to Beijing on 14-16 April",
    )
    tl.add_statement("Xi", "We welcome the visit.", source=paper, event=b, about=["Trump"])
    assert a.id is not None and b.id is not None
    return tl, a.id, b.id


def _snapshot(tl: Timeline, event: int) -> dict[str, object]:
    row = tl.get_event(event)
    return {
        "state": (str(row.status), row.edtf, row.search_start, row.search_end),
        "claims": sorted(c.id or 0 for c in tl.claims(event)),
        "actors": sorted((e.name, role) for e, role in tl.actors(event)),
    }


def test_merge_keeps_every_source_and_shows_the_survivor_once(
    pair: tuple[Timeline, int, int],
) -> None:
    tl, a, b = pair
    tl.merge(a, b)
    assert tl.events().ids() == [a]
    assert tl.events().involving("Xi").ids() == [a]
    assert tl.events().tagged("beijing").ids() == [a]
    assert tl.events().as_of("2026-03-01").ids() == [a]
    assert tl.events().as_of("2026-03-12").ids() == [a]
    history = tl.history(a)
    assert [entry.source.title for entry in history if entry.source] == [
        "Wire report",
        "Paper report",
    ]
    assert tl.history(b) == history  # a duplicate's history is its survivor's
    survivor = tl.get_event(a)
    assert (survivor.status, survivor.edtf) == ("scheduled", "2026-04-14/2026-04-16")
    assert tl.get_event(b).merged_into_id == a
    assert [s.event_id for s in tl.statements(speaker="Xi")] == [a]
    # A claim about the duplicate now goes to the survivor.
    later = tl.add_source("Postponed", publisher="Wire", published="2026-04-02")
    assert tl.add_claim(b, source=later, status="postponed").event_id == a
    with pytest.raises(InvalidEventError, match="already merged"):
        tl.merge(a, b)


def test_unmerge_undoes_the_merge(pair: tuple[Timeline, int, int]) -> None:
    tl, a, b = pair
    before_a, before_b = _snapshot(tl, a), _snapshot(tl, b)
    tl.merge(a, b)
    assert _snapshot(tl, a)["actors"] == [
        ("China", "host"),
        ("Donald Trump", "visitor"),
        ("Xi Jinping", "host"),
    ]
    tl.unmerge(b)
    assert _snapshot(tl, a) == before_a
    assert _snapshot(tl, b) == before_b
    assert sorted(tl.events().ids()) == [a, b]
    assert tl.events().tagged("beijing").ids() == [b]
    assert tl.events().involving("Xi").ids() == [b]
    assert [s.event_id for s in tl.statements(speaker="Xi")] == [b]
    assert tl.events().as_of("2026-03-01").ids() == [a]
    assert sorted(tl.events().as_of("2026-03-12").ids()) == [a, b]
    assert tl.get_event(a).search_end == date(2026, 5, 31)
    assert [r.action for r in tl.revisions(b)][-2:] == ["merge", "unmerge"]
    with pytest.raises(InvalidEventError, match="not merged"):
        tl.unmerge(b)


def test_merge_refuses_nonsense(pair: tuple[Timeline, int, int]) -> None:
    tl, a, b = pair
    with pytest.raises(InvalidEventError, match="itself"):
        tl.merge(a, a)
    tl.delete_event(b)
    with pytest.raises(EventDeletedError):
        tl.merge(a, b)
