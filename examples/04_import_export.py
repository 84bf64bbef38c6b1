"""Import and export: a spreadsheet in (all or nothing, then skip-and-report), a lossless
JSON Lines round trip, and exports for calendars, maps and timelines.

Run it with no arguments; it works in a temporary folder and prints what happened:

    python examples/04_import_export.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from timeline import ImportRowError, Timeline
from timeline.io import export_file, import_file

SHEET = """Headline,Date,Type,Where,Lat,Lon,Who,Ref
Party congress,2026-02-19/2026-02-26,politics.congress,Pyongyang,39.04,125.76,Kim Jong Un (chair),R1
Parade,[2026-02-19..2026-02-26],military.parade,Pyongyang,39.04,125.76,Kim Jong Un (attendee),R2
Summit,2026-02-30,diplomacy.summit,Beijing,39.90,116.40,Donald Trump (visitor),R3
Visit to China,2026-21,diplomacy.visit,Beijing,39.90,116.40,Donald Trump (visitor),R4
"""

MAPPING = {
    "columns": {
        "title": "Headline",
        "when": "Date",
        "kind": "Type",
        "place": "Where",
        "lat": "Lat",
        "lon": "Lon",
        "actors": "Who",
        "external_id": "Ref",
    },
    "id_scheme": "sheet",
    "actor_kind": "person",
    "place_kind": "city",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "sheet.csv").write_text(SHEET, encoding="utf-8")
        (work / "mapping.json").write_text(json.dumps(MAPPING), encoding="utf-8")
        with Timeline(work / "story.db") as tl:
            print("1. Import the sheet, all or nothing:")
            try:
                import_file(tl, work / "sheet.csv", mapping=work / "mapping.json")
            except ImportRowError as error:
                print(f"   refused at line {error.line} ({error.field}): {error.reason}")
            print(f"   events in the database: {tl.events().count()}")

            print("2. Import the good rows and report the bad one:")
            summary = import_file(
                tl, work / "sheet.csv", mapping=work / "mapping.json", skip_invalid=True
            )
            print(f"   {summary}")
            for error in summary.errors:
                print(f"   bad row: {error}")
            again = import_file(tl, work / "sheet.csv", mapping=work / "mapping.json",
                                skip_invalid=True)  # fmt: skip
            print(f"   again: created {again.created}, unchanged {again.unchanged}")

            print("3. Lossless JSON Lines round trip:")
            export_file(tl, work / "story.jsonl")
            with Timeline(work / "copy.db") as copy:
                import_file(copy, work / "story.jsonl")
                export_file(copy, work / "copy.jsonl")
            same = (work / "story.jsonl").read_text() == (work / "copy.jsonl").read_text()
            print(f"   export -> import -> export gives the same file: {same}")

            print("4. Exports for other tools:")
            for name in ("story.ics", "story.geojson", "story.jsonld", "story.csv"):
                count = export_file(tl, work / name)
                print(f"   {name}: {count} events")
            count = export_file(tl, work / "timelinejs.json", format="timelinejs")
            slides = json.loads((work / "timelinejs.json").read_text())["events"]
            dates = [s["start_date"].get("display_date", "exact") for s in slides]
            print(f"   timelinejs.json: {count} events; display dates: {dates}")


if __name__ == "__main__":
    main()
