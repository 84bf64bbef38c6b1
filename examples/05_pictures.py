"""Pictures of a timeline: a static chart (PNG, SVG, PDF) and an offline interactive HTML page.

Every kind of date the news gives is drawn as what it is: a known day, a day somewhere in a
window ("during the congress"), a span whose start is uncertain, an open end (still going), an
unknown end, and the statuses expected, cancelled and postponed. Then five thousand generated
events show how both pictures degrade gracefully: the chart and the page count instead of
drawing a blot.

    python examples/05_pictures.py            # writes into ./timeline-pictures/
    python examples/05_pictures.py OUT_DIR

The chart needs the ``plot`` extra (``pip install 'news-timeline[plot]'``); the page needs nothing.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from timeline import MissingDependencyError, Timeline


def record(tl: Timeline) -> None:
    """A small story with one event of each shape."""
    tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim Jong-un"])
    tl.add_entity("Donald Trump", kind="person", aliases=["Trump"])
    tl.add_entity("North Korea", kind="country")
    tl.add_entity("United Nations", kind="organization", aliases=["UN"])
    report = tl.add_source("Party congress closes", publisher="Wire", published="2026-02-26")
    congress = tl.add_event(
        "Ninth party congress",
        when="2026-02/2026-02-26",  # began some day in February, closed on the 26th
        kind="politics.congress",
        actors={"Kim Jong Un": "chair"},
        source=report,
    )
    tl.add_event(
        "Military parade",
        when="[2026-02-19..2026-02-26]",  # one unknown day of the congress's last week
        kind="military.parade",
        actors={"Kim Jong Un": "attendee"},
        part_of=congress,
        source=report,
    )
    tl.add_event(
        "Closing address",
        when="2026-02-26",
        kind="politics.speech",
        actors={"Kim Jong Un": "speaker"},
        source=report,
        quote="If the U.S. respects our present nuclear position…",
    )
    tl.add_event(
        "Trump visits China",
        when="later this spring",  # resolved against the report: Mar-May 2026
        kind="diplomacy.visit",
        status="expected",
        actors={"Trump": "visitor"},
        source=report,
    )
    tl.add_event(
        "Sanctions regime",
        when="2026-01-15/..",  # still going
        kind="economy.sanctions",
        actors={"United Nations": "organizer", "North Korea": "target"},
    )
    tl.add_event(
        "New strategic assets",
        when="2026/",  # begins some time in 2026; its end is not known
        kind="military.development",
        status="planned",
        actors={"North Korea": "actor"},
    )
    tl.add_event(
        "Inter-Korean talks",
        when="2026-04-10",
        kind="diplomacy.talks",
        status="cancelled",
        actors={"North Korea": "party"},
    )


def generate(tl: Timeline, count: int) -> None:
    """``count`` events over thirty years, some with uncertain dates, in one bulk load."""
    kinds = ["military.exercise", "politics.meeting", "diplomacy.visit", "economy.trade"]
    first = date(1996, 1, 1)
    rows = []
    for i in range(count):
        day = first + timedelta(days=(i * 7919) % 10950)  # spread over thirty years
        if i % 5 == 0:  # a month, day unknown
            when = f"{day:%Y-%m}"
        elif i % 7 == 0:  # a span of a few weeks
            when = f"{day}/{day + timedelta(days=10 + i % 40)}"
        else:
            when = day.isoformat()
        rows.append({"title": f"Generated event {i}", "when": when, "kind": kinds[(i * 13) % 4]})
    tl.add_events(rows)


def main(out: str = "timeline-pictures") -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with Timeline() as tl:
        record(tl)
        story = tl.events().order_by_time()
        print(f"page:  {story.to_html(folder / 'story.html', title='The congress and after')}")
        charts = [("story.png", "kind"), ("story.svg", "entity"), ("story.pdf", None)]
        try:
            for name, lanes in charts:
                chart = story.plot(folder / name, lanes=lanes, title="The congress and after",
                                   reported="2026-02-26")  # fmt: skip
                print(f"chart: {chart} (lanes: {lanes or 'one'})")
        except MissingDependencyError as missing:
            print(f"chart: skipped: {missing}")

    with Timeline() as big:
        generate(big, 5_000)
        everything = big.events().order_by_time()
        print(f"page:  {everything.to_html(folder / 'many.html', title='5,000 events')}")
        try:
            chart = everything.plot(folder / "many.png", title="5,000 events, aggregated")
            print(f"chart: {chart} (aggregated: counts per bin, hatched where dates are wide)")
        except MissingDependencyError as missing:
            print(f"chart: skipped: {missing}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
