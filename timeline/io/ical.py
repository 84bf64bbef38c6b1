"""iCalendar (RFC 5545) out and in, through the ``icalendar`` package (``news-timeline[ical]``).

Out: one ``VEVENT`` per event with a known start. A date-only event is an all-day event whose
``DTEND`` is the day *after* its last possible day (RFC 5545: exclusive); an event with a time
keeps it. ``STATUS`` comes from :data:`timeline.vocab.ICALENDAR_STATUS`; ``URL`` and ``ATTACH``
link the sources; ``X-TIMELINE-EDTF`` (the date as :attr:`When.notation` writes it: EDTF, or
its extension for what EDTF cannot say, such as one moment of an evening), ``-PHRASE``,
``-REFERENCE``, ``-KIND`` and ``-STATUS`` keep what iCalendar cannot say, so a file written here
reads back with its fuzzy dates (and the day an open end was still going). In: each ``VEVENT``
becomes an event, its ``UID`` the external id (scheme ``ical``), so a re-import updates instead
of duplicating. A ``UID`` this module wrote for an event without one (``timeline-event-N``)
names event N of the database it came from, not of this one: such an event is matched by title,
kind and dates instead, so a round trip into the same database changes nothing and one into
another database creates each event once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlparse

from ..errors import TimelineError
from ..vocab import ICALENDAR_STATUS, Status
from ..when import When
from ..write.draft import ClaimDraft, EventDraft, PlaceRef, SourceRef
from .base import (
    BadRow,
    Item,
    Progress,
    RowError,
    open_text,
    slug,
    text_or_none,
)
from .views import event_views

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline

PRODID = "-//timeline//timeline events//EN"


#: The ``UID`` of an exported event that has no ``ical`` id: the prefix, then its id.
OWN_UID_PREFIX = "timeline-event-"
OWN_UID = re.compile(re.escape(OWN_UID_PREFIX) + r"\d+")


def _icalendar() -> Any:
    try:
        import icalendar
    except ImportError as error:
        raise TimelineError(
            "iCalendar import and export need the icalendar package: "
            "pip install 'news-timeline[ical]'"
        ) from error
    return icalendar


def _day(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def write_ics(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
    """Write a ``VCALENDAR``, streamed one ``VEVENT`` at a time; returns the events written
    (events with no known start are left out)."""
    icalendar = _icalendar()
    out.write(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\nCALSCALE:GREGORIAN\r\n")
    count = 0
    for view in event_views(tl, query):
        event, when = view.event, view.event.when
        if when is None or when.start_earliest is None:
            continue
        item = icalendar.Event()
        item.add("uid", view.external_ids.get("ical") or f"{OWN_UID_PREFIX}{event.id}")
        item.add("dtstamp", event.updated_at.astimezone(timezone.utc))
        item.add("summary", event.title)
        start, end = when.start_earliest, when.end_latest or when.start_latest
        if isinstance(start, datetime) and (end is None or isinstance(end, datetime)):
            item.add("dtstart", start)
            if end is not None and end != start:
                item.add("dtend", end)
        else:
            first = _day(start)
            last = _day(end) or first
            assert first is not None and last is not None
            item.add("dtstart", first)
            item.add("dtend", last + timedelta(days=1))  # exclusive end of an all-day event
        item.add("status", ICALENDAR_STATUS[Status(event.status)])
        if event.summary:
            item.add("description", event.summary)
        item.add("categories", [event.kind])
        if view.place is not None:
            item.add("location", view.place.name)
        coordinates = view.coordinates
        if coordinates is not None:
            item.add("geo", (coordinates[1], coordinates[0]))
        links = [s.url for s in view.sources if s.url]
        if links:
            item.add("url", links[0])
            for link in links:
                item.add("attach", link)
        item.add("x-timeline-kind", event.kind)
        item.add("x-timeline-status", str(event.status))
        notation = when.notation
        if notation:
            item.add("x-timeline-edtf", notation)
        if event.date_phrase:
            item.add("x-timeline-phrase", event.date_phrase)
        reference = _day(event.date_reference)
        if reference is not None:  # what a phrase was read against; the day an open end was said
            item.add("x-timeline-reference", reference.isoformat())
        item.add("x-timeline-display", when.display())
        out.write(item.to_ical().decode("utf-8"))
        count += 1
    out.write("END:VCALENDAR\r\n")
    return count


def read_ics(
    path: str | os.PathLike[str], progress: Progress | None = None, *, kind: str = "event"
) -> Iterator[Item]:
    """Events of an ``.ics`` file; a row error names the line its ``VEVENT`` begins on."""
    icalendar = _icalendar()
    with open_text(path, progress) as stream:
        text = stream.read()
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "BEGIN:VEVENT"]
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as error:
        yield RowError(1, f"not an iCalendar file: {error}")
        return
    for number, component in enumerate(calendar.walk("VEVENT")):
        line = starts[number] if number < len(starts) else number + 1
        try:
            yield _record(line, component, kind)
        except BadRow as error:
            yield RowError(line, error.reason, error.field)
        except (TimelineError, ValueError) as error:
            yield RowError(line, str(error))


def _text(component: Any, name: str) -> str | None:
    value = component.get(name)
    return text_or_none(str(value)) if value is not None else None


def _record(line: int, component: Any, default_kind: str) -> EventDraft:
    title = _text(component, "SUMMARY")
    if title is None:
        raise BadRow("the VEVENT has no SUMMARY", "SUMMARY")
    if component.get("DTSTART") is None:
        raise BadRow("the VEVENT has no DTSTART", "DTSTART")
    start = component.decoded("DTSTART")
    end = component.decoded("DTEND") if component.get("DTEND") is not None else None
    if end is None and component.get("DURATION") is not None:
        end = start + component.decoded("DURATION")  # RFC 5545: DTEND = DTSTART + DURATION
    edtf = _text(component, "X-TIMELINE-EDTF")
    if edtf is not None:
        when = When.parse(edtf)
        phrase, reference = (
            _text(component, "X-TIMELINE-PHRASE"),
            _text(component, "X-TIMELINE-REFERENCE"),
        )
        if phrase is not None or reference is not None:
            said = date.fromisoformat(reference) if reference is not None else None
            when = when.with_text(phrase, said)
    elif isinstance(start, datetime):
        start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)  # floating: UTC
        if isinstance(end, datetime) and end != start:
            end = end if end.tzinfo else end.replace(tzinfo=timezone.utc)
            when = When.between(start, end)
        else:
            when = When.on(start)
    else:
        last = (end - timedelta(days=1)) if isinstance(end, date) else start
        when = When.on(start) if last <= start else When.between(start, last)
    status = _text(component, "X-TIMELINE-STATUS") or _status(_text(component, "STATUS"), when)
    kind = _text(component, "X-TIMELINE-KIND")
    if kind is None:
        categories = component.get("CATEGORIES")
        names = getattr(categories, "cats", None) if categories is not None else None
        kind = slug(str(names[0])) if names else default_kind
    place = None
    if _text(component, "LOCATION"):
        geo = component.get("GEO")
        place = PlaceRef(
            str(_text(component, "LOCATION")),
            None,
            lat=float(geo.latitude) if geo is not None else None,
            lon=float(geo.longitude) if geo is not None else None,
            new_kind="place",
        )
    claims = []
    url = _text(component, "URL")
    if url is not None:
        stamp = component.decoded("DTSTAMP") if component.get("DTSTAMP") is not None else None
        published = (
            stamp if isinstance(stamp, date) else (_day(when.start_earliest) or date.today())
        )
        host = urlparse(url).hostname or "unknown"
        claims.append(ClaimDraft(SourceRef(url, host, published or date.today(), url)))
    uid = _text(component, "UID")
    if uid is not None and OWN_UID.fullmatch(uid):
        uid = None  # our own numbering: matched by content (see the module doc)
    return EventDraft(
        line=line,
        title=title,
        when=when,
        kind=kind,
        status=status,
        summary=_text(component, "DESCRIPTION"),
        place=place,
        external_ids={"ical": uid} if uid else {},
        claims=claims,
    )


def _status(value: str | None, when: When) -> str:
    if value == "CANCELLED":
        return "cancelled"
    if value == "TENTATIVE":
        return "expected"
    if when.end_latest is not None:
        end = _day(when.end_latest)
        if end is not None and end >= datetime.now(timezone.utc).date():
            return "scheduled"
    return "occurred"
