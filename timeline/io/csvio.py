"""CSV in (with a column mapping) and out (safe from spreadsheet formula injection).

The mapping says which column holds which field (:data:`FIELDS`); it is a
:class:`CsvMapping`, a dict ``{field: column}``, or a small JSON file::

    {"columns": {"title": "Headline", "when": "Date", "actors": "Who"},
     "defaults": {"kind": "politics.protest"}, "id_scheme": "mysheet"}

Without a mapping, columns named like the fields are used: the columns that :func:`write_csv`
writes, so an export reads back. Lists (``actors``, ``tags``, ``external_ids``) are separated by
``;``; an actor may carry a role in brackets (``Kim Jong Un (speaker)``); an external id is
``scheme:value``. Errors name the line of the file (quoted newlines counted).
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import InvalidDateError, TimelineError
from ..when import When
from ..write.draft import ClaimDraft, EntityRef, EventDraft, PlaceRef, SourceRef
from .base import (
    BadRow,
    InputFile,
    Item,
    Progress,
    RowError,
    cause,
    explain,
    float_or_none,
    open_text,
    safe_cell,
    text_or_none,
    unsafe_cell,
)
from .views import bounds, event_views

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline

#: The fields a CSV column can be mapped to.
FIELDS = (
    "title",
    "when",
    "start",
    "end",
    "kind",
    "status",
    "summary",
    "place",
    "place_kind",
    "country",
    "lat",
    "lon",
    "actors",
    "tags",
    "external_id",
    "external_ids",
    "confidence",
    "source_url",
    "source_title",
    "publisher",
    "published",
    "quote",
)

#: The columns :func:`write_csv` writes.
EXPORT_COLUMNS = (
    "id",
    "title",
    "when",
    "display",
    "kind",
    "status",
    "summary",
    "place",
    "country",
    "lat",
    "lon",
    "actors",
    "tags",
    "external_ids",
    "confidence",
    "start_earliest",
    "start_latest",
    "end_earliest",
    "end_latest",
    "sources",
)

_ACTOR = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<role>[^()]*)\))?\s*$", re.DOTALL)


@dataclass
class CsvMapping:
    """Which column holds which field, constant defaults, and how lists are written."""

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    id_scheme: str = "csv"
    delimiter: str = ","
    list_separator: str = ";"
    actor_kind: str = "unknown"
    actor_role: str = "participant"
    place_kind: str = "place"

    def __post_init__(self) -> None:
        for name in (*self.columns, *self.defaults):
            if name not in FIELDS:
                raise TimelineError(
                    f"unknown CSV mapping field {name!r}; use any of: {', '.join(FIELDS)}"
                )

    @classmethod
    def coerce(
        cls, value: CsvMapping | Mapping[str, Any] | str | os.PathLike[str] | None
    ) -> CsvMapping:
        """A mapping from a :class:`CsvMapping`, a dict, or the path of a JSON file."""
        if value is None:
            return cls()
        if isinstance(value, CsvMapping):
            return value
        where = "a CSV mapping"
        if isinstance(value, (str, os.PathLike)):
            path = Path(value)
            where = f"mapping {os.fspath(path)!r}"
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                reason = cause(error) if isinstance(error, OSError) else "not UTF-8 text"
                raise TimelineError(f"cannot read {where}: {reason}") from error
            except json.JSONDecodeError as error:
                raise TimelineError(
                    f"mapping {os.fspath(path)!r} line {error.lineno}: not JSON: {error.msg}"
                ) from error
        if not isinstance(value, Mapping):
            raise TimelineError(f"{where} must be a JSON object of field -> column")
        try:
            options = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
            columns = dict(options.pop("columns", {}))
            columns.update({k: v for k, v in value.items() if k not in cls.__dataclass_fields__})
            return cls(columns=columns, **options)
        except (TypeError, ValueError) as error:
            if isinstance(error, TimelineError):
                raise
            raise TimelineError(f"{where} is not a CSV mapping: {error}") from error

    def resolve(self, header: list[str], source: str) -> dict[str, int]:
        """Column positions of the mapped fields in ``header``."""
        positions = {name.strip(): i for i, name in enumerate(header)}
        found: dict[str, int] = {}
        for name, column in self.columns.items():
            if column not in positions:
                raise TimelineError(
                    f"{source}: the mapping puts {name} in column {column!r}, which the header "
                    f"does not have (it has: {', '.join(header)})"
                )
            found[name] = positions[column]
        for name in FIELDS:
            if name not in found and name not in self.defaults and name in positions:
                found[name] = positions[name]
        return found


if sys.version_info >= (3, 11):

    def nul_safe(lines: Iterable[str]) -> Iterable[str]:
        """The lines for ``csv.reader`` (which reads NUL as text from Python 3.11 on)."""
        return lines

    def nul_restored(row: list[str]) -> list[str]:
        """A row as the file holds it."""
        return row

else:  # Python 3.10's csv module refuses a NUL ("line contains NUL") instead of reading it
    _ESCAPE = "\uffff"
    _ESCAPED = re.compile("\uffff(.)", re.DOTALL)

    def nul_safe(lines: Iterable[str]) -> Iterable[str]:
        """The lines with NUL escaped (and the escape doubled), so csv reads them as 3.11 does.

        The row check then refuses a NUL naming its field, on every Python.
        """
        for line in lines:
            yield line.replace(_ESCAPE, _ESCAPE * 2).replace("\0", _ESCAPE + "0")

    def nul_restored(row: list[str]) -> list[str]:
        """A row read from :func:`nul_safe` lines, with its NULs put back."""
        return [
            _ESCAPED.sub(lambda m: "\0" if m[1] == "0" else _ESCAPE, cell)
            if _ESCAPE in cell
            else cell
            for cell in row
        ]


def read_csv(
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    *,
    mapping: CsvMapping | Mapping[str, Any] | str | os.PathLike[str] | None = None,
) -> Iterator[Item]:
    """Events of a CSV file with a header row, read through ``mapping``."""
    rules = CsvMapping.coerce(mapping)
    source = InputFile.of(path).name
    with open_text(path, progress, newline="") as stream:
        reader = csv.reader(nul_safe(stream), delimiter=rules.delimiter, strict=True)
        try:
            header = nul_restored(next(reader))
        except StopIteration:
            return
        except csv.Error as error:
            raise TimelineError(f"{source}:1: not CSV: {error}") from error
        where = rules.resolve(header, source)
        if "title" not in where and "title" not in rules.defaults:
            raise TimelineError(f"{source}: no title column; map one with mapping={{'title': ...}}")
        line = reader.line_num + 1
        while True:
            try:
                row = nul_restored(next(reader))
            except StopIteration:
                return
            except csv.Error as error:
                yield RowError(line, f"not CSV: {error}")
                line = reader.line_num + 1
                continue
            if any(cell.strip() for cell in row):
                try:
                    yield _record(line, row, where, rules)
                except (BadRow, InvalidDateError) as error:
                    yield RowError(line, *explain(error))
            line = reader.line_num + 1


def _record(line: int, row: list[str], where: dict[str, int], rules: CsvMapping) -> EventDraft:
    def get(name: str) -> str | None:
        if name in where:
            position = where[name]
            value = row[position] if position < len(row) else ""
            return text_or_none(unsafe_cell(value))
        return text_or_none(rules.defaults.get(name))

    def items(name: str) -> list[str]:
        text = get(name)
        return (
            [part.strip() for part in text.split(rules.list_separator) if part.strip()]
            if text
            else []
        )

    title = get("title")
    if title is None:
        raise BadRow("the title is empty", "title")
    when: When | str
    if get("when") is not None:
        when = get("when")  # type: ignore[assignment]
    elif get("start") is not None:
        when = When.between(get("start"), get("end")) if get("end") else str(get("start"))
    else:
        raise BadRow("no date: map a when column, or start (and end)", "when")
    kind = get("kind")
    if kind is None:
        raise BadRow("the kind is empty (map a kind column or give a default)", "kind")
    place = None
    if get("place") is not None:
        place = PlaceRef(
            str(get("place")),
            None,
            get("country"),
            float_or_none(get("lat"), "lat"),
            float_or_none(get("lon"), "lon"),
            new_kind=get("place_kind") or rules.place_kind,
        )
    actors = []
    for text in items("actors"):
        match = _ACTOR.match(text)
        assert match is not None
        role = (match.group("role") or rules.actor_role).strip()
        actors.append((EntityRef(match.group("name"), new_kind=rules.actor_kind), role))
    external: dict[str, str] = {}
    for text in items("external_ids"):
        scheme, sep, value = text.partition(":")
        if not sep or not scheme.strip() or not value.strip():
            raise BadRow(f"external id {text!r} is not scheme:value", "external_ids")
        external[scheme.strip()] = value.strip()
    if get("external_id") is not None:
        external[rules.id_scheme] = str(get("external_id"))
    claims = []
    if get("source_url") or get("source_title") or get("publisher") or get("published"):
        published = get("published")
        if published is None:
            raise BadRow(
                "a source needs its publication date (map a published column)", "published"
            )
        day = _day(published)
        if day is None:
            raise BadRow(f"published {published!r} is not a date", "published")
        publisher = get("publisher") or "unknown"
        # A report with neither title nor URL is named after its publisher and day.
        named = get("source_title") or get("source_url") or f"{publisher}, {day.isoformat()}"
        source = SourceRef(named, publisher, day, get("source_url"))
        claims.append(ClaimDraft(source, quote=get("quote")))
    elif get("quote"):
        claims.append(ClaimDraft(quote=get("quote")))  # a quote from no known report
    return EventDraft(
        line=line,
        title=title,
        when=when,
        kind=kind,
        status=get("status") or "occurred",
        summary=get("summary"),
        confidence=float_or_none(get("confidence"), "confidence"),
        place=place,
        actors=actors,
        tags=items("tags"),
        external_ids=external,
        claims=claims,
    )


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def write_csv(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
    """Write one row per event (:data:`EXPORT_COLUMNS`); text cells that a spreadsheet would
    run as a formula (``=``, ``+``, ``-``, ``@``…) are prefixed with ``'``."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for view in event_views(tl, query):
        event, when = view.event, view.event.when
        assert when is not None  # every event has a date
        place = view.place
        row = [
            event.id,
            event.title,
            when.notation or "",
            when.display(),
            event.kind,
            event.status.value,
            event.summary or "",
            place.name if place else "",
            (place.country or "") if place else "",
            "" if place is None or place.lat is None else place.lat,
            "" if place is None or place.lon is None else place.lon,
            "; ".join(f"{entity.name} ({role})" for entity, role in view.actors),
            "; ".join(view.tags),
            "; ".join(f"{k}:{v}" for k, v in view.external_ids.items()),
            "" if event.confidence is None else event.confidence,
            *(_iso(bound) for bound in bounds(event, when).values()),
            "; ".join(s.url for s in view.sources if s.url),
        ]
        writer.writerow([safe_cell(cell) for cell in row])
        count += 1
    return count


@lru_cache(maxsize=1 << 12)
def _day(text: str) -> date | datetime | None:
    """The first day of a ``published`` cell (cached: a sheet repeats its days)."""
    return When.parse(text).start_earliest
