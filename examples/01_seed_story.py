"""The seed story: a report of 26 Feb 2026 on the close of the ninth congress of the Workers'
Party of Korea, recorded as events, entities, places, sources and statements, then queried.

Run it with no arguments (an in-memory SQLite database), or give a file path or a database URL:

    python examples/01_seed_story.py
    python examples/01_seed_story.py story.db

It also draws the story: seed_story.html (and, with ``news-timeline[plot]``, seed_story.png) beside
the database file, or in the temporary folder for an in-memory database.
"""

from __future__ import annotations

import sys
from pathlib import Path
from tempfile import gettempdir

from timeline import MissingDependencyError, Timeline


def record_story(tl: Timeline) -> None:
    """Write what the report says, in our own words."""
    # Who: people, the party, countries, the army, the news agency. Aliases in any script.
    tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim Jong-un", "김정은"])
    tl.add_entity("Kim Ju Ae", kind="person", aliases=["Kim Ju-ae", "김주애"])
    tl.add_entity("Donald Trump", kind="person", aliases=["Trump", "President Trump"])
    tl.add_entity("Workers' Party of Korea", kind="party", aliases=["WPK", "조선로동당"])
    tl.add_entity("Korean People's Army", kind="military", aliases=["KPA", "조선인민군"])
    tl.add_entity("North Korea", kind="country", aliases=["DPRK", "조선"])
    tl.add_entity("United States", kind="country", aliases=["U.S.", "USA", "Washington"])
    tl.add_entity("South Korea", kind="country", aliases=["Republic of Korea", "ROK", "Seoul"])
    tl.add_entity("China", kind="country", aliases=["People's Republic of China", "PRC"])
    tl.add_entity("Korean Central News Agency", kind="media", aliases=["KCNA"])

    # Where: a place inside a place inside a country.
    tl.add_place("North Korea", kind="country", country="KP")
    tl.add_place(
        "Pyongyang", kind="city", country="KP", parent="North Korea", lat=39.02, lon=125.75
    )
    tl.add_place(
        "Kim Il Sung Square",
        kind="square",
        country="KP",
        parent="Pyongyang",
        lat=39.0194,
        lon=125.7532,
        aliases=["김일성광장"],
    )
    tl.add_place("China", kind="country", country="CN")

    # Who reported it: the report itself, and KCNA, which carried Kim's remarks.
    report = tl.add_source(
        "Kim sets terms for ties with Washington as party congress closes",
        publisher="Seed news report",
        published="2026-02-26",
    )
    kcna = tl.add_source(
        "KCNA report on the closing of the ninth party congress",
        publisher="KCNA",
        published="2026-02-26",
    )

    # What happened. The report gives the congress's closing day, not its opening day:
    # it began some day in February 2026 and closed on 26 February.
    congress = tl.add_event(
        "Ninth Congress of the Workers' Party of Korea",
        when="2026-02/2026-02-26",
        kind="politics.congress",
        place="Pyongyang",
        actors={"Workers' Party of Korea": "organizer", "Kim Jong Un": "chair"},
        source=report,
        tags=["wpk-9th-congress"],
    )
    closing = tl.add_event(
        "Congress closes with Kim's address on the U.S. and South Korea",
        when="2026-02-26",
        kind="politics.congress.closing",
        place="Pyongyang",
        actors={"Kim Jong Un": "speaker", "Workers' Party of Korea": "organizer"},
        part_of=congress,
        source=kcna,
        quote="relations with the United States could improve if Washington acknowledged "
        "Pyongyang's nuclear status",
        tags=["wpk-9th-congress"],
    )
    # The parade was held "during the congress": one day, not known which.
    tl.add_event(
        "Military parade in Kim Il Sung Square",
        when="[2026-02-01..2026-02-26]",
        kind="military.parade",
        place="Kim Il Sung Square",
        actors={
            "Kim Jong Un": "attendee",
            "Kim Ju Ae": "attendee",
            "Korean People's Army": "participant",
        },
        part_of=congress,
        source=report,
        summary="Thousands of troops, including units that served in Russia's war in Ukraine "
        "and units from near the inter-Korean border.",
        tags=["wpk-9th-congress"],
    )
    tl.add_event(
        "Kim Ju Ae appears in public beside her father",
        when="[2026-02-01..2026-02-26]",
        kind="politics.appearance",
        place="Pyongyang",
        actors={"Kim Ju Ae": "subject", "Kim Jong Un": "attendee"},
        part_of=congress,
        source=report,
        summary="Seen as a sign she is being groomed as his heir; believed to be 13.",
        tags=["succession"],
    )
    # Past and vague: a series of tests up to the time of the report, start not given.
    tl.add_event(
        "Repeated missile tests",
        when="/2026-02",
        kind="military.missile_test",
        actors={"North Korea": "actor"},
        source=report,
        summary="Build-up of intercontinental and tactical nuclear capabilities.",
    )
    # Announced at the congress, for the future: begins some time in 2026, end not known.
    tl.add_event(
        "Development of new strategic assets",
        when="2026/",
        kind="military.development",
        status="planned",
        actors={"North Korea": "actor", "Kim Jong Un": "announcer"},
        source=kcna,
        summary="Nuclear-capable naval and land forces, AI-equipped drones, spy satellites "
        "and electronic warfare systems.",
    )
    # Expected, with a date relative to the report: "later this spring".
    tl.add_event(
        "Donald Trump visits China",
        when="later this spring",
        kind="diplomacy.visit",
        status="expected",
        place="China",
        actors={"Donald Trump": "visitor", "China": "host"},
        source=report,
        quote="U.S. President Donald Trump, who is expected to visit China later this spring",
    )

    # Who said what, reported by KCNA, at the closing session, about whom.
    tl.add_statement(
        "Kim Jong Un",
        "If the U.S. respects our present nuclear position and withdraws its hostile policy, "
        "there is no reason why we cannot get along well.",
        source=kcna,
        said="2026-02-26",
        event=closing,
        about=["United States"],
    )
    tl.add_statement(
        "Kim Jong Un",
        "South Korea is our most hostile entity; its safest course is to leave us alone.",
        source=kcna,
        said="2026-02-26",
        event=closing,
        about=["South Korea"],
    )


def print_story(tl: Timeline) -> None:
    """Print the timeline and answer a reader's questions."""
    print("Timeline (fuzzy dates shown as they are known):")
    for event in tl.events().order_by_time():
        print(f"  {event.when!s:<38} {event.status!s:<9} {event.title}")

    print("\nWhat is expected next, as of the report (26 Feb 2026)?")
    for event in tl.events().upcoming(as_of="2026-02-26"):
        print(f"  {event.title}: {event.when} ({event.status})")

    congress = tl.events().of_kind("politics.congress").order_by_time().first()
    assert congress is not None
    print(f"\nWhat happened during the {congress.title} ({congress.when})?")
    inside = ["starts", "during", "finishes", "equals"]  # Allen relations that mean "within"
    for event in tl.events().part_of(congress).order_by_time():
        certainty = event.when.relation(congress.when, inside)
        print(f"  {event.title} — inside the congress's dates: {certainty}")

    print("\nWhat did Kim say, and about whom?")
    for statement in tl.statements(speaker="김정은"):
        about = ", ".join(entity.name for entity in tl.subjects(statement))
        print(f"  about {about}: “{statement.text}”")

    print("\nWhich events involve Kim Jong-un as an attendee?")
    for event in tl.events().involving("Kim Jong-un", role="attendee").order_by_time():
        print(f"  {event.title}")

    print("\nWhat certainly happens between March and May 2026?")
    certain = tl.events().between("2026-03", "2026-05", certainty="certain")
    for event in certain:
        print(f"  {event.title} ({event.when})")

    print("\nWhat happened in Pyongyang, anywhere in the city?")
    for event in tl.events().at("Pyongyang").order_by_time():
        print(f"  {event.title}")


def write_pictures(tl: Timeline, folder: Path) -> None:
    """Draw the story: an offline HTML page always, a PNG chart with ``news-timeline[plot]``."""
    story = tl.events().order_by_time()
    print("\nPictures of the story:")
    print(f"  {story.to_html(folder / 'seed_story.html', title='Party congress closes')}")
    try:
        chart = story.plot(folder / "seed_story.png", title="Party congress closes",
                           reported="2026-02-26")  # fmt: skip
    except MissingDependencyError:
        print("  (pip install 'news-timeline[plot]' to draw the PNG chart too)")
    else:
        print(f"  {chart}")


def main(target: str = ":memory:") -> None:
    with Timeline(target) as tl:
        if tl.events().count() == 0:  # a file that already holds the story is only queried
            record_story(tl)
        print_story(tl)
        # Pictures go beside a database file, or to the temporary folder for ":memory:" or a URL.
        on_disk = target != ":memory:" and "://" not in target
        write_pictures(tl, Path(target).resolve().parent if on_disk else Path(gettempdir()))


if __name__ == "__main__":
    main(*sys.argv[1:2])
