"""Shared pieces of every importer and exporter: records, row errors, summaries, file reading.

An importer turns a file into a stream of drafts (:class:`~timeline.write.draft.EventDraft`, or
:class:`RowError` for a row it cannot read); :mod:`timeline.write.pipeline` writes that stream in
one transaction. An exporter
is a function ``(tl, query, out) -> int`` registered by format name in
:data:`timeline.io.EXPORTERS`.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import exc

from ..errors import InvalidDateError, UnreadableFileError
from ..text import check_text
from ..write.draft import ClaimRecord, EventDraft

#: ``progress(done, total)``: bytes read so far and the file size (``None`` when unknown).
Progress = Callable[[int, "int | None"], None]

#: A cell a spreadsheet would run as a formula (OWASP "CSV injection"): one starting with
#: ``=``, ``+``, ``-``, ``@``, tab, CR or LF, also after blanks; or such a cell behind ``'``
#: quotes already, so that the guard is undone exactly (see :func:`safe_cell`).
FORMULA = re.compile(r"'*(?:[\t\r\n]|\s*[=+\-@])")


@dataclass(frozen=True)
class RowError:
    """One bad input row: where it was and why it was refused."""

    line: int
    reason: str
    field: str | None = None
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}:" if self.source else "line "
        column = f" [{self.field}]" if self.field else ""
        return f"{where}{self.line}{column}: {self.reason}"


class BadRow(Exception):
    """Raised inside an importer for one row; becomes a :class:`RowError`."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do)."""

    format: str
    source: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    documents: int = 0
    claims: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created_titles: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The counts and the errors as plain data (for ``--json`` and reports)."""
        return {
            "format": self.format,
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "documents": self.documents,
            "claims": self.claims,
            "dry_run": self.dry_run,
            "errors": [{"line": e.line, "field": e.field, "reason": e.reason} for e in self.errors],
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        verb = "would create" if self.dry_run else "created"
        return (
            f"{self.source or self.format}: {verb} {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, skipped {self.skipped} "
            f"({self.documents} new documents, {self.claims} new claims)"
        )


#: Writes a run of items at once: ``chunk(loader, items, write_one, report)``, handing the
#: items it does not write itself to ``write_one`` and each row error to ``report``.
ChunkWriter = Callable[
    [Any, list[Any], Callable[[Any], "RowError | None"], Callable[["RowError"], None]], None
]


@dataclass(slots=True)
class Step:
    """Any other unit of work (a JSON record): ``apply(loader)`` returns an outcome word.

    A step with a ``chunk`` writer is written with the steps of the same writer next to it,
    by one call (``record`` is what the writer reads); ``apply`` is its per-row path. Steps
    of one ``group`` (not ``None``) next to each other go in the same chunk, up to a limit.
    """

    line: int
    apply: Callable[[Any], str]
    chunk: ChunkWriter | None = None
    record: Any = None
    group: Any = None


Item = EventDraft | ClaimRecord | Step | RowError


class CountingReader(io.RawIOBase):
    """A binary stream wrapper that reports how many bytes were read (for progress bars) and
    turns a read failure (a truncated or corrupt archive, an I/O error) into
    :class:`~timeline.errors.UnreadableFileError` naming ``name``; closing it closes ``raw``
    and the streams ``raw`` is read through (``under``)."""

    def __init__(
        self,
        raw: IO[bytes] | io.BufferedIOBase,
        progress: Progress | None,
        total: int | None,
        name: str = "",
        under: tuple[Any, ...] = (),
    ) -> None:
        self._raw = raw
        self._under = under
        self._progress = progress
        self._total = total
        self._done = 0
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._raw.read(len(buffer))
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as error:
            raise UnreadableFileError(self._name, cause(error)) from error
        n = len(data)
        buffer[:n] = data
        self._done += n
        if self._progress is not None and n:
            self._progress(self._done, self._total)
        return n

    def close(self) -> None:
        for stream in (self._raw, *self._under):
            stream.close()
        super().close()


def cause(error: BaseException) -> str:
    """Why ``error`` happened, in words: an ``OSError``'s ``strerror`` (which may be
    ``None``), else its text, else its class name."""
    reason = error.strerror if isinstance(error, OSError) else None
    return reason or str(error) or type(error).__name__


@dataclass(frozen=True)
class InputFile:
    """A file to import: a path, or ``"-"`` for standard input; ``member`` chooses the file
    of a zip archive that holds several. Path-like, so readers take it as a path."""

    path: str
    member: str | None = None

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> InputFile:
        """``path`` as an :class:`InputFile` (itself when it is one)."""
        return path if isinstance(path, InputFile) else cls(os.fspath(path))

    def __fspath__(self) -> str:
        return self.path

    @property
    def name(self) -> str:
        """The name errors and summaries use: the file name, or ``<stdin>``."""
        name = "<stdin>" if self.path == "-" else Path(self.path).name
        return f"{name}:{self.member}" if self.member else name


#: Leading bytes of the compressed formats read as streams (whatever the file's name).
_GZIP, _BZIP2, _ZIP = b"\x1f\x8b", b"BZh", b"PK\x03\x04"
#: Read-ahead of every input stream.
_BUFFER = 1 << 16


def open_text(
    path: str | os.PathLike[str], progress: Progress | None = None, newline: str | None = None
) -> IO[str]:
    """Open ``path`` (``"-"``: standard input) for streaming text reading, reporting progress:
    gzip, bzip2 and zip (one member, or :attr:`InputFile.member`) are decompressed as they
    are read; the text is UTF-8 (with or without a byte order mark), or UTF-16 when it starts
    with its byte order mark. Nothing seeks, so pipes work."""
    source = InputFile.of(path)
    try:
        binary = _open_binary(source, progress)
        utf16 = binary.peek(2)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as error:
        raise UnreadableFileError(source.name, cause(error)) from error
    text = TextStream(binary, encoding="utf-16" if utf16 else "utf-8-sig", newline=newline)
    text.source = source
    return text


class TextStream(io.TextIOWrapper):
    """The text of an input file: text that cannot be decoded raises
    :class:`~timeline.errors.UnreadableFileError` naming the file and the line."""

    source = InputFile("")

    def __next__(self) -> str:  # type: ignore[override]  # typeshed: _IOBase's bytes
        try:
            return super().__next__()
        except UnicodeDecodeError as error:
            raise self._undecodable(error) from error

    def read(self, size: int | None = -1, /) -> str:
        try:
            return super().read(size)
        except UnicodeDecodeError as error:
            raise self._undecodable(error) from error

    def readline(self, size: int | None = -1, /) -> str:  # type: ignore[override]
        try:
            return super().readline(-1 if size is None else size)
        except UnicodeDecodeError as error:
            raise self._undecodable(error) from error

    def _undecodable(self, error: UnicodeDecodeError) -> UnreadableFileError:
        """The error naming the file and, when the file can be read again, the first line
        that is not UTF-8 (the decoder reads ahead, so the line is found by a second pass)."""
        bad = error.object[error.start : error.end]
        reason = f"not UTF-8 text ({error.reason}: {bad!r}); save it as UTF-8 and import again"
        if self.source.path != "-" and self.encoding == "utf-8-sig":
            with _open_binary(self.source, None) as again:
                for number, line in enumerate(again, 1):
                    try:
                        line.decode("utf-8")
                    except UnicodeDecodeError:
                        return UnreadableFileError(self.source.name, f"line {number}: {reason}")
        return UnreadableFileError(self.source.name, reason)


def _open_binary(source: InputFile, progress: Progress | None) -> io.BufferedReader[CountingReader]:
    """The bytes of ``source``, decompressed when its first bytes say it is compressed."""
    raw: IO[bytes]
    if source.path == "-":
        raw, total = sys.stdin.buffer, None
    else:
        raw = open(source.path, "rb")  # noqa: SIM115 - closed with the text stream
        total = os.fstat(raw.fileno()).st_size
    head = io.BufferedReader(CountingReader(raw, progress, total, source.name), _BUFFER)
    magic = head.peek(4)[:4]
    inner: IO[bytes] | io.BufferedIOBase
    if magic.startswith(_GZIP):
        inner = gzip.GzipFile(fileobj=head)
    elif magic.startswith(_BZIP2):
        inner = bz2.BZ2File(head)
    elif magic == _ZIP:
        file = raw if raw.seekable() else _spooled(head)
        archive = zipfile.ZipFile(file)
        inner, total = _zip_member(archive, source)
        counted = CountingReader(inner, progress, total, source.name, (archive, file, head))
        return io.BufferedReader(counted, _BUFFER)
    else:
        return head
    return io.BufferedReader(CountingReader(inner, None, None, source.name, (head,)), _BUFFER)


def _spooled(stream: IO[bytes]) -> IO[bytes]:
    """A seekable copy of ``stream`` (a zip archive on a pipe: its index is at the end)."""
    copy = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the archive
    shutil.copyfileobj(stream, copy)
    copy.seek(0)
    return copy


def _zip_member(archive: zipfile.ZipFile, source: InputFile) -> tuple[IO[bytes], int]:
    """The stream of the one file (or ``source.member``) of a zip archive, and its size."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    names = ", ".join(info.filename for info in members) or "nothing"
    if source.member is not None:
        chosen = [
            info for info in members if source.member in (info.filename, Path(info.filename).name)
        ]
        if not chosen:
            raise UnreadableFileError(
                source.name, f"the archive has no member {source.member!r} (it holds {names})"
            )
    elif len(members) != 1:
        raise UnreadableFileError(
            source.name, f"the archive holds {names}; choose one (--member NAME)"
        )
    else:
        chosen = members
    return archive.open(chosen[0]), chosen[0].file_size


def text_or_none(value: Any) -> str | None:
    """``value`` stripped, or ``None`` when it is empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def float_or_none(value: Any, field_name: str) -> float | None:
    """A float from text, ``None`` when empty; :class:`BadRow` when not a number."""
    text = text_or_none(value)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise BadRow(f"{field_name} must be a number, not {text!r}", field_name) from None


def slug(text: str) -> str:
    """A kind-safe word: lower case, runs of other characters become ``_``."""
    out = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in text.strip().lower())
    return "_".join(part for part in out.split("_") if part) or "unknown"


def safe_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet will run as a formula: ``'`` before a :data:`FORMULA`.

    :func:`unsafe_cell` undoes it, for every text: ``unsafe_cell(safe_cell(t)) == t``.
    """
    if isinstance(value, str) and FORMULA.match(value):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The text :func:`safe_cell` guarded: one ``'`` removed before a :data:`FORMULA`."""
    if text.startswith("'") and FORMULA.match(text, 1):
        return text[1:]
    return text


def check_record_text(record: EventDraft) -> None:
    """Refuse NUL and over-long text in ``record`` as the API does (see :mod:`timeline.text`)."""
    for name, value in (("title", record.title), ("summary", record.summary)):
        if value:
            check_text(value, name)
    for tag in record.tags:
        check_text(tag, "tag", indexed=True)
    for scheme, value in record.external_ids.items():
        check_text(f"{scheme}:{value}", "external id", indexed=True)
    for claim in record.claims:
        if claim.quote:
            check_text(claim.quote, "quote")
        if claim.source is not None:
            check_text(claim.source.title, "source title")
            check_text(claim.source.url or "", "source url", indexed=True)


def iter_lines(stream: IO[str]) -> Iterator[tuple[int, str]]:
    """Lines with their 1-based numbers, newline stripped; read a block at a time (the text
    stream's own line by line reading costs twice as much)."""
    number = 0
    parts: list[str] = []
    while block := stream.read(_BUFFER):
        lines = block.split("\n")
        parts.append(lines[0])
        if len(lines) == 1:  # a line longer than a block goes on
            continue
        lines[0] = "".join(parts)
        parts = [lines.pop()]
        for line in lines:
            number += 1
            yield number, line.rstrip("\r")
    last = "".join(parts)
    if last:
        yield number + 1, last.rstrip("\r")


def write_json_array(out: IO[str], opening: str, items: Iterable[dict[str, Any] | None]) -> int:
    """Stream ``opening`` (which opens an object and an array), each item that is not ``None``
    as one JSON line of the array, then ``]}``; returns how many items were written."""
    out.write(opening)
    count = 0
    for item in items:
        if item is None:
            continue
        out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


def explain(error: Exception) -> tuple[str, str | None]:
    """The reason and field of a refused row, for a :class:`RowError`."""
    if isinstance(error, BadRow):
        return error.reason, error.field
    if isinstance(error, InvalidDateError):
        return str(error), "when"
    if isinstance(error, exc.DBAPIError):
        return f"the database refused the row: {error.orig}", None
    name = getattr(error, "field", None)
    return str(error), name if isinstance(name, str) else None
