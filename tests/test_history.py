"""``history``: the claims about an event in published order, with a compact rendering."""

from __future__ import annotations

from datetime import date

from timeline import Timeline


def test_history_lists_claims_in_published_order(tl: Timeline) -> None:
    late = tl.add_source("Trip dates set", publisher="Paper", published="2026-03-10")
    early = tl.add_source("Congress closes", publisher="Wire", published="2026-02-26")
    visit = tl.add_event(
        "Trump visits China",
        when="2026-04-14/2026-04-16",
        kind="diplomacy.visit",
        status="scheduled",
        source=late,
        quote="14 to 16 April",
        confidence=0.9,
    )
    # Recorded later, published earlier: it comes first.
    tl.add_claim(
        visit, source=early, status="expected", when="later this spring", quote="later this spring"
    )
    tl.add_claim(visit, source=None, status="postponed")  # a manual edit, published today
    history = tl.history(visit)
    assert [entry.published for entry in history][:2] == [date(2026, 2, 26), date(2026, 3, 10)]
    first, second, third = history
    assert (first.publisher, first.status, first.quote) == ("Wire", "expected", "later this spring")
    assert first.when is not None and first.when.edtf == "2026-21"
    assert first.claim.date_phrase == "later this spring"
    assert first.claim.date_reference == date(2026, 2, 26)
    assert (second.publisher, second.confidence, second.source) == ("Paper", 0.9, late)
    assert (third.source, third.status, third.when) == (None, "postponed", None)
    assert third.said_by == "manual edit"
    assert history.event.status == "postponed"

    text = str(history)
    lines = text.splitlines()
    assert lines[0] == "Trump visits China — now postponed, 14–16 Apr 2026"  # noqa: RUF001
    assert lines[1].split()[:2] == ["2026-02-26", "expected"]
    assert "('later this spring')" in lines[1] and "Wire: “later this spring”" in lines[1]
    assert "14–16 Apr 2026" in lines[2] and "Paper" in lines[2]  # noqa: RUF001
    assert "manual edit" in lines[3]


def test_history_of_an_event_added_without_a_source(tl: Timeline) -> None:
    event = tl.add_event("Parade", when="2026-02-25", kind="military.parade")
    [entry] = tl.history(event)
    assert entry.published is None and entry.said_by == "first entry (no source)"
    assert str(tl.history(event)).splitlines()[1].startswith("  ----------  occurred")


def test_statements_by_speaker_and_subject_follow_a_merge(tl: Timeline) -> None:
    tl.add_entity("Xi Jinping", kind="person", aliases=["Xi"])
    tl.add_entity("Donald Trump", kind="person", aliases=["Trump"])
    paper = tl.add_source("Paper", publisher="Paper", published="2026-05-20")
    a = tl.add_event("Visit", when="2026-05", kind="diplomacy.visit", source=paper)
    b = tl.add_event("Trip", when="2026-05-19", kind="diplomacy.visit", source=paper)
    said = tl.add_statement("Xi", "Welcome.", source=paper, event=b, about=["Trump"])
    tl.merge(a, b)
    [found] = tl.statements(speaker="Xi Jinping", about="Donald Trump")
    assert (found.id, found.event_id) == (said.id, a.id)
    assert [s.id for s in tl.statements(about="Trump")] == [said.id]
    later = tl.add_statement("Trump", "Great trip.", source=paper, event=b)
    assert later.event_id == a.id  # said at the duplicate: recorded on the survivor
