"""Recorded relations: parts_of, related, and the rules that keep part_of consistent."""

from __future__ import annotations

import pytest

from timeline import InvalidEventError, RelationKind, Timeline


@pytest.fixture
def congress(tl: Timeline) -> tuple[Timeline, int, int, int]:
    whole = tl.add_event("Congress", when="2026-02-19/2026-02-26", kind="politics.congress")
    parade = tl.add_event(
        "Parade", when="[2026-02-19..2026-02-26]", kind="military.parade", part_of=whole
    )
    closing = tl.add_event("Closing", when="2026-02-26", kind="politics.congress.closing")
    tl.relate(closing, "part_of", whole)
    assert whole.id and parade.id and closing.id
    return tl, whole.id, parade.id, closing.id


def test_parts_of_and_related(congress: tuple[Timeline, int, int, int]) -> None:
    tl, whole, parade, closing = congress
    assert [e.id for e in tl.parts_of(whole)] == [parade, closing]
    speech = tl.add_event("Speech", when="2026-02-26", kind="politics.speech", part_of=closing)
    assert [e.id for e in tl.parts_of(whole)] == [parade, closing]
    assert [e.id for e in tl.parts_of(whole, recursive=True)] == [parade, closing, speech.id]
    tl.relate(closing, "follows", parade)
    assert [(k, e.id) for k, e in tl.related(closing)] == [  # in time order, then id
        (RelationKind.PART_OF, whole),
        (RelationKind.FOLLOWS, parade),
    ]
    assert [e.id for _, e in tl.related(closing, "follows")] == [parade]
    assert [e.id for _, e in tl.related(parade, "follows", inverse=True)] == [closing]
    tl.delete_event(parade)
    assert [e.id for e in tl.parts_of(whole)] == [closing]  # tombstones are left out


def test_part_of_cycles_are_refused(congress: tuple[Timeline, int, int, int]) -> None:
    tl, whole, parade, _ = congress
    with pytest.raises(InvalidEventError, match="cycle"):
        tl.relate(whole, "part_of", parade)
    with pytest.raises(InvalidEventError, match="itself"):
        tl.relate(whole, "part_of", whole)
    assert tl.related(whole) == []


def test_a_part_certainly_outside_its_parent_is_refused(
    congress: tuple[Timeline, int, int, int],
) -> None:
    tl, whole, _, _ = congress
    with pytest.raises(InvalidEventError, match="certainly outside"):
        tl.add_event("Later parade", when="2026-03-05", kind="military.parade", part_of=whole)
    assert tl.events().count() == 3  # nothing written
    maybe = tl.add_event("Rally", when="2026-02", kind="politics.rally", part_of=whole)
    assert maybe.id in [e.id for e in tl.parts_of(whole)]  # may overlap: accepted


def test_same_as_goes_through_merge(congress: tuple[Timeline, int, int, int]) -> None:
    tl, whole, parade, _ = congress
    with pytest.raises(InvalidEventError, match="merge"):
        tl.relate(parade, "same_as", whole)
