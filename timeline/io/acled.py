"""ACLED CSV exports (the column layout since March 2023, read by column name).

- ``event_id_cnty`` is the external id (scheme ``acled``): a re-import updates the event, and
  ``timestamp`` (the record's last change, Unix seconds) becomes the event's ``updated_at``; a
  row whose timestamp is not newer than the stored one changes nothing.
- ``time_precision``: 1 is the day itself; 2 means ACLED knew only the week and put the date
  mid-week, so the event is an instant in the 7 days centred on ``event_date`` (precision
  week); 3 means only the month was known, so it is an instant in that calendar month.
- ``actor1`` / ``actor2`` take part with roles ``actor1`` / ``actor2`` (ACLED gives them no
  direction); each ``;``-separated associated actor with ``assoc_actor1`` / ``assoc_actor2``.
  Actors are entities of kind ``group``; their ``inter`` code is kept in their external ids.
- ``country`` ⊃ ``admin1`` ⊃ ``admin2`` ⊃ ``admin3`` ⊃ ``location`` become nested places; the
  location gets ``latitude`` / ``longitude``.
- Each ``;``-separated name in ``source`` is a document from that outlet, published on the event
  date, claiming the event. ``event_type.sub_event_type`` is the kind
  (``protests.peaceful_protest``); ``notes`` and ``fatalities`` the summary;
  ``disorder_type``, ``civilian_targeting`` and ``tags`` the tags.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from ..errors import InvalidDateError, TimelineError
from ..when import Precision, When
from ..when.endpoint import Endpoint
from ..write.draft import ClaimDraft, EntityRef, EventDraft, PlaceRef, SourceRef
from .base import (
    BadRow,
    InputFile,
    Item,
    Progress,
    RowError,
    explain,
    float_or_none,
    open_text,
    slug,
    text_or_none,
)
from .csvio import nul_restored, nul_safe

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "country")
_DATE_FORMATS = ("%d %B %Y", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d %b %Y")


def event_date(text: str) -> date:
    """An ACLED ``event_date``: ISO (``2024-01-15``, the API) or ``15 January 2024`` (exports)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise BadRow(f"event_date {text!r} is not a date", "event_date")


def acled_when(day: date, precision: str | None) -> When:
    """The ``When`` of an ACLED date at ``time_precision`` 1, 2 or 3 (see the module doc)."""
    code = (precision or "1").strip() or "1"
    if code == "1":
        return When.on(day)
    if code == "2":
        window = Endpoint(day - timedelta(days=3), day + timedelta(days=3), Precision.WEEK)
        return When.build(window)
    if code == "3":
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return When.build(Endpoint(first, last, Precision.MONTH))
    raise BadRow(f"time_precision must be 1, 2 or 3, not {code!r}", "time_precision")


def read_acled(path: str | os.PathLike[str], progress: Progress | None = None) -> Iterator[Item]:
    """Events of an ACLED CSV export, one per row."""
    with open_text(path, progress, newline="") as stream:
        reader = csv.reader(nul_safe(stream))
        try:
            header = [name.strip().lower() for name in next(reader)]
        except StopIteration:
            return
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise TimelineError(
                f"{InputFile.of(path).name!r} is not an ACLED export: "
                f"no column {', '.join(missing)}"
            )
        line = reader.line_num + 1
        for read in reader:
            row = nul_restored(read)
            if any(cell.strip() for cell in row):
                if len(row) != len(header):
                    yield RowError(line, f"{len(row)} columns, the header has {len(header)}")
                else:
                    try:
                        yield _record(line, dict(zip(header, row, strict=True)))
                    except (BadRow, InvalidDateError) as error:
                        yield RowError(line, *explain(error))
            line = reader.line_num + 1


def _record(line: int, row: dict[str, str]) -> EventDraft:
    def get(name: str) -> str | None:
        return text_or_none(row.get(name))

    identifier = get("event_id_cnty")
    if identifier is None:
        raise BadRow("event_id_cnty is empty", "event_id_cnty")
    raw_date = get("event_date")
    if raw_date is None:
        raise BadRow("event_date is empty", "event_date")
    day = event_date(raw_date)
    when = acled_when(day, get("time_precision"))
    event_type, sub_type = get("event_type"), get("sub_event_type")
    if event_type is None:
        raise BadRow("event_type is empty", "event_type")
    kind = slug(event_type) + (f".{slug(sub_type)}" if sub_type else "")
    actors: list[tuple[EntityRef, str]] = []
    for side in ("1", "2"):
        main = get(f"actor{side}")
        if main:
            inter = get(f"inter{side}")
            ids = {"acled_inter": inter} if inter else {}
            actors.append((EntityRef(main, new_kind="group", external_ids=ids), f"actor{side}"))
        for name in (get(f"assoc_actor_{side}") or "").split(";"):
            if name.strip():
                actors.append((EntityRef(name.strip(), new_kind="group"), f"assoc_actor{side}"))
    if not actors:
        raise BadRow("actor1 is empty", "actor1")
    place = None
    for level, kind_name in (
        ("country", "country"),
        ("admin1", "admin1"),
        ("admin2", "admin2"),
        ("admin3", "admin3"),
        ("location", "locality"),
    ):
        found = get(level)
        if found is None:
            continue
        lat = lon = None
        if level == "location":
            lat, lon = (
                float_or_none(get("latitude"), "latitude"),
                float_or_none(get("longitude"), "longitude"),
            )
        place = PlaceRef(found, None, lat=lat, lon=lon, parent=place, new_kind=kind_name)
    stamp = get("timestamp")
    updated = None
    if stamp is not None:
        try:
            updated = datetime.fromtimestamp(int(float(stamp)), timezone.utc)
        except (ValueError, OverflowError):
            raise BadRow(f"timestamp {stamp!r} is not Unix seconds", "timestamp") from None
    claims = [
        ClaimDraft(SourceRef(f"{name.strip()} report ({identifier})", name.strip(), day))
        for name in (get("source") or "").split(";")
        if name.strip()
    ]
    summary = get("notes")
    fatalities = get("fatalities")
    if fatalities is not None:
        summary = f"{summary or ''} Fatalities: {fatalities}.".strip()
    tags = [f"disorder:{slug(get('disorder_type') or '')}"] if get("disorder_type") else []
    if get("civilian_targeting"):
        tags.append("civilian_targeting")
    tags += [t.strip() for t in (get("tags") or "").split(";") if t.strip()]
    who = " and ".join(entity.name for entity, role in actors if role in ("actor1", "actor2"))
    title = f"{sub_type or event_type} in {get('location') or get('country')}: {who}"
    return EventDraft(
        line=line,
        title=title,
        when=when,
        kind=kind,
        summary=summary,
        place=place,
        actors=actors,
        tags=tags,
        external_ids={"acled": identifier},
        claims=claims,
        updated_at=updated,
    )
