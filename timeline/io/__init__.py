"""Import and export: files in, the tools people use out.

>>> from timeline.io import export_file, import_file
>>> import_file(tl, "events.csv", format="csv", mapping={"title": "Headline"})  # doctest: +SKIP
>>> export_file(tl, "events.ics", format="ics")  # doctest: +SKIP

Every import streams its file and writes in one transaction (all or nothing), unless
``skip_invalid=True`` imports the good rows and lists the bad ones in the summary. Events are
matched on their external ids, so importing a file twice creates nothing the second time.

Exporters are registered by name in :data:`EXPORTERS`; a writer is a function
``(tl, query, out) -> int`` that writes the events of ``query`` (an
:class:`~timeline.EventQuery`, or ``None`` for all) to the text stream ``out`` and returns how
many it wrote. Register another with :func:`register_exporter`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import TimelineError, UnknownFormatError
from ..write.pipeline import run_import
from .base import ImportSummary, InputFile, Item, Progress, RowError, cause

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline

#: ``(tl, query, out) -> number of events written``.
Writer = Callable[["Timeline", "EventQuery | None", IO[str]], int]
#: ``(path, progress, options) -> items`` (records and row errors, streamed).
Reader = Callable[[str | os.PathLike[str], "Progress | None", dict[str, Any]], Iterator[Item]]


def _reader(module: str, function: str) -> Reader:
    def read(
        path: str | os.PathLike[str], progress: Progress | None, options: dict[str, Any]
    ) -> Iterator[Item]:
        from importlib import import_module

        found: Any = getattr(import_module(f"timeline.io.{module}"), function)
        return found(path, progress, **options)  # type: ignore[no-any-return]

    return read


def _writer(module: str, function: str) -> Writer:
    """A writer that imports ``module`` (in ``timeline.io``, or a full ``timeline.x`` name)
    only when the format is used, so optional packages stay optional."""
    name = module if module.startswith("timeline.") else f"timeline.io.{module}"

    def write(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
        from importlib import import_module

        found: Any = getattr(import_module(name), function)
        return found(tl, query, out)  # type: ignore[no-any-return]

    write.__name__ = function
    return write


#: Import format name -> reader. Modules load on first use (optional packages stay optional).
IMPORTERS: dict[str, Reader] = {
    "json": _reader("jsonio", "read_json"),
    "jsonl": _reader("jsonio", "read_jsonl"),
    "csv": _reader("csvio", "read_csv"),
    "acled": _reader("acled", "read_acled"),
    "gdelt-events": _reader("gdelt", "read_events"),
    "gdelt-mentions": _reader("gdelt", "read_mentions"),
    "ics": _reader("ical", "read_ics"),
    "drafts": _reader("draftsio", "read_drafts"),
}

#: Export format name -> writer ``(tl, query, out) -> int``.
EXPORTERS: dict[str, Writer] = {
    "json": _writer("jsonio", "write_json"),
    "jsonl": _writer("jsonio", "write_jsonl"),
    "csv": _writer("csvio", "write_csv"),
    "ics": _writer("ical", "write_ics"),
    "timelinejs": _writer("timelinejs", "write_timelinejs"),
    "geojson": _writer("geo", "write_geojson"),
    "jsonld": _writer("jsonld", "write_jsonld"),
    "html": _writer("htmlio", "write_html"),
}

#: File name endings that imply a format (``--format`` may then be left out).
SUFFIXES = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".ics": "ics",
    ".geojson": "geojson",
    ".jsonld": "jsonld",
    ".html": "html",
    ".htm": "html",
}


def register_exporter(name: str, writer: Writer) -> None:
    """Make ``writer`` available as export format ``name`` (library, CLI and all).

    >>> register_exporter("html", write_html)  # doctest: +SKIP
    """
    EXPORTERS[name] = writer


#: Endings of compressed files: the format is named by the ending before them.
COMPRESSED = (".gz", ".bz2", ".zip")


def guess_format(path: str | os.PathLike[str], table: dict[str, Any], what: str) -> str:
    """The format implied by ``path``'s ending (``events.csv.gz`` is ``csv``; a zip member's
    name comes first), or :class:`UnknownFormatError`."""
    named = Path(path.member if isinstance(path, InputFile) and path.member else path)
    if named.suffix.lower() in COMPRESSED:
        named = named.with_suffix("")
    name = SUFFIXES.get(named.suffix.lower())
    if name is None or name not in table:
        raise UnknownFormatError(f"(none given for {os.fspath(path)!r})", sorted(table), what)
    return name


def import_file(
    tl: Timeline,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    mapping: Any = None,
    progress: Progress | None = None,
    reference: date | datetime | str | None = None,
    member: str | None = None,
) -> ImportSummary:
    """Import ``path`` in ``format`` (see :data:`IMPORTERS`) in one transaction.

    ``path`` may be ``"-"`` (standard input, with ``format`` given), and may be gzip, bzip2
    or zip compressed: it is decompressed as it is read.

    :param mapping: for ``csv``: a :class:`~timeline.io.csvio.CsvMapping`, a dict of field to
        column, or the path of a JSON mapping file.
    :param skip_invalid: import the good rows, and list each bad one in ``summary.errors``.
    :param dry_run: do everything, then roll back: the summary says what would change.
    :param progress: called with (bytes read, file size) while reading.
    :param reference: the day relative dates ("next month") are resolved against, for rows
        that name no report of their own (a row's mapped ``published`` date comes first).
    :param member: the file to read in a zip archive that holds several.
    :raises ImportRowError: on the first bad row (without ``skip_invalid``); nothing is written.
    :raises UnknownFormatError: for a format name no importer has.
    """
    source = InputFile(os.fspath(path), member)
    name = format or guess_format(source, IMPORTERS, "import")
    reader = IMPORTERS.get(name)
    if reader is None:
        raise UnknownFormatError(name, sorted(IMPORTERS), "import")
    options: dict[str, Any] = {}
    if mapping is not None:
        if name != "csv":
            raise TimelineError(f"a column mapping applies to csv imports, not {name!r}")
        options["mapping"] = mapping
    summary = ImportSummary(format=name, source=source.name)
    items = reader(source, progress, options)
    day = tl.parse_when(reference).start_earliest if reference is not None else None
    run_import(
        tl.engine,
        tl.conventions,
        items,
        summary,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        reference=day,
    )
    return summary


def export_file(
    tl: Timeline,
    target: str | os.PathLike[str] | IO[str],
    *,
    format: str | None = None,
    query: EventQuery | None = None,
) -> int:
    """Write the events of ``query`` (default: all) to ``target`` (a path, ``"-"`` for
    standard output, or a text stream) in ``format`` (see :data:`EXPORTERS`).

    A file is written whole or not at all: the export goes to a temporary file beside it,
    renamed into place at the end. Returns the number of events written.

    :raises UnknownFormatError: for a format name no exporter has.
    """
    if format is None:
        if not isinstance(target, (str, os.PathLike)) or os.fspath(target) == "-":
            raise UnknownFormatError("(none given)", sorted(EXPORTERS), "export")
        format = guess_format(target, EXPORTERS, "export")
    writer = EXPORTERS.get(format)
    if writer is None:
        raise UnknownFormatError(format, sorted(EXPORTERS), "export")
    if not isinstance(target, (str, os.PathLike)):
        return writer(tl, query, target)
    if os.fspath(target) == "-":
        return writer(tl, query, sys.stdout)
    path = Path(target)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            count = writer(tl, query, out)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise TimelineError(f"cannot write {os.fspath(target)!r}: {cause(error)}") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


__all__ = [
    "EXPORTERS",
    "IMPORTERS",
    "ImportSummary",
    "RowError",
    "export_file",
    "import_file",
    "register_exporter",
]
