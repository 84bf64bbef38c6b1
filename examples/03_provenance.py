"""Provenance and knowledge time: how the expected date of Trump's visit to China moved.

The seed report of 26 Feb 2026 says Trump "is expected to visit China later this spring". The
later reports below are HYPOTHETICAL, made up for this example: a schedule (14 to 16 April), a
postponement, and the visit itself in May. Each is a claim; the event's state follows from the
claims, and ``as_of`` answers any query as the record stood on a given day.

Run it with no arguments (an in-memory SQLite database), or give a file path or a database URL:

    python examples/03_provenance.py
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

from timeline import Timeline


def record(tl: Timeline) -> int:
    """The seed report, then three hypothetical follow-ups; returns the visit's id."""
    tl.add_entity("Donald Trump", kind="person", aliases=["Trump", "President Trump"])
    tl.add_entity("China", kind="country", aliases=["PRC"])
    tl.add_entity("Xi Jinping", kind="person", aliases=["Xi"])
    seed = tl.add_source(
        "Kim sets terms for ties with Washington as party congress closes",
        publisher="Seed news report",
        published="2026-02-26",
    )
    visit = tl.add_event(
        "Donald Trump visits China",
        when="later this spring",  # resolved against 26 Feb 2026: March to May 2026
        kind="diplomacy.visit",
        status="expected",
        actors={"Donald Trump": "visitor", "China": "host"},
        source=seed,
        quote="U.S. President Donald Trump, who is expected to visit China later this spring",
    )
    # HYPOTHETICAL follow-up reports (not real news), to show how claims move the state.
    schedule = tl.add_source(
        "(hypothetical) White House sets dates for China trip",
        publisher="Hypothetical Wire",
        published="2026-03-10",
    )
    tl.add_claim(
        visit,
        source=schedule,
        status="scheduled",
        when="2026-04-14/2026-04-16",
        quote="(hypothetical) the president will be in Beijing from 14 to 16 April",
        confidence=0.9,
    )
    postponed = tl.add_source(
        "(hypothetical) China trip postponed",
        publisher="Hypothetical Daily",
        published="2026-04-02",
    )
    tl.add_claim(
        visit,
        source=postponed,
        status="postponed",
        quote="(hypothetical) the trip has been pushed back, no new date given",
    )
    arrived = tl.add_source(
        "(hypothetical) Trump lands in Beijing",
        publisher="Hypothetical Wire",
        published="2026-05-20",
    )
    tl.add_claim(
        visit,
        source=arrived,
        status="occurred",
        when="2026-05-19/2026-05-21",
        quote="(hypothetical) Trump arrived in Beijing on Tuesday for a three-day visit",
    )
    tl.add_statement(
        "Xi Jinping",
        "(hypothetical) We welcome President Trump.",
        source=arrived,
        said="2026-05-19",
        event=visit,
        about=["Donald Trump"],
    )
    assert visit.id is not None
    return visit.id


def show(tl: Timeline, visit: int) -> None:
    """History, then the same questions asked on several days."""
    print("How did the expected date move, and who said so?")
    print(tl.history(visit))

    for day in ["2026-02-25", "2026-02-26", "2026-03-01", "2026-03-12", "2026-04-05", "2026-06-01"]:
        print(f"\nAs the record stood on {day}:")
        events = tl.events().as_of(day).order_by_time().all()
        if not events:
            print("  (nothing reported yet)")
        for event in events:
            print(f"  {event.title}: {event.status}, {event.when}")
        april = tl.events().between("2026-04-01", "2026-04-30").as_of(day).count()
        coming = tl.events().upcoming(as_of=day).as_of(day).count()
        print(f"  possibly in April: {april}; still to come: {coming}")

    print("\nThe audit log (every change, which claim made it):")
    for revision in tl.revisions(visit):
        change = f"{revision.field}: {revision.old} → {revision.new}" if revision.field else ""
        print(f"  {revision.action:<6} {change}")

    print("\nWhat did this database say before the postponement was recorded?")
    stamp = next(r.recorded_at for r in tl.revisions(visit) if r.new == "postponed")
    before = tl.events().as_of(recorded=stamp - timedelta(microseconds=1)).all()
    for event in before:
        print(f"  {event.title}: {event.status}, {event.when}")
    now = datetime.now(timezone.utc)
    print(f"  (and now, {now:%Y-%m-%d}: {tl.get_event(visit).status}, {tl.get_event(visit).when})")


def main(target: str = ":memory:") -> None:
    with Timeline(target) as tl:
        found = tl.events().of_kind("diplomacy.visit").first()
        visit = found.id if found is not None and found.id is not None else record(tl)
        show(tl, visit)


if __name__ == "__main__":
    main(*sys.argv[1:2])
