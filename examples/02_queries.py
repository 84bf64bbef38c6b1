"""Queries at scale: bulk-load a few thousand generated events, then ask the usual questions.

Run it with no arguments (an in-memory SQLite database), or give a file path or a database URL:

    python examples/02_queries.py
    python examples/02_queries.py postgresql+psycopg://user@localhost/news

The events are SYNTHETIC (made up for the example): a few actors, monthly inspections, a
long-running sanctions regime and a congress with events during it.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from timeline import Timeline

ACTORS = ["Kim Jong Un", "Kim Ju Ae", "Choe Son Hui", "Pak Thae Song"]
KINDS = ["politics.inspection", "military.drill", "economy.visit", "diplomacy.meeting"]


def generated(n: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``n`` synthetic events of 2024 to 2026, as ``add_events`` rows."""
    rng = random.Random(seed)
    for i in range(n):
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        when = day.isoformat() if rng.random() < 0.8 else f"{day.year}-{day.month:02d}"
        kind = rng.choice(KINDS)
        yield {
            "title": f"{kind.split('.')[1].title()} number {i}",
            "when": when,
            "kind": kind,
            "actors": dict.fromkeys(rng.sample(ACTORS, rng.randint(1, 2)), "participant"),
            "tags": ["generated"],
            "external_ids": {"example": str(i)},
        }


def load(tl: Timeline) -> int:
    for name in ACTORS:
        tl.add_entity(name, kind="person")
    loaded = tl.add_events(generated(3000), batch_size=1000)
    loaded += tl.add_events(
        [
            {"title": "Sanctions regime", "when": "2006/..", "kind": "economy.sanctions"},
            {
                "title": "Ninth party congress",
                "when": "2026-02-19/2026-02-26",
                "kind": "politics.congress",
                "summary": "The congress closes with a historic report",
                "external_ids": {"example": "congress"},
            },
            {
                "title": "Military parade",
                "when": "[2026-02-19..2026-02-26]",
                "kind": "military.parade",
                "part_of": "example:congress",
            },
        ]
    )
    return loaded


def main(target: str = ":memory:") -> None:
    with Timeline(target) as tl:
        print(f"loaded {load(tl)} events")
        february = tl.events().between("2026-02", "2026-02")
        begun = february.between("2026-02", "2026-02", ongoing=False).count()
        print(f"February 2026: {february.count()} events, {begun} may begin in it")
        kim = tl.events().involving("Kim Jong Un").between("2025", "2025")
        first = kim.order_by_time().first()
        print(f"Kim Jong Un in 2025: {kim.count()} events; first: {first.title if first else None}")
        print("per quarter of 2025:", [(d.isoformat(), n) for d, n in kim.count_by("quarter")])
        print("search 'historic':", [e.title for e in tl.events().search("historic")])
        congress = tl.events().of_kind("politics.congress").first()
        assert congress is not None
        during = tl.events().during(congress, certainty="certain").of_kind("military")
        print("certainly during the congress:", [e.title for e in during])
        page = tl.events().order_by_time().limit(3).rows("id", "title", "edtf")
        print("first page:", page)
        print("next page:", tl.events().order_by_time().after(page[-1].id).limit(3).rows("title"))


if __name__ == "__main__":
    main(*sys.argv[1:2])
