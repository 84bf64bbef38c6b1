"""The ``timeline`` command line: thin commands over the library (needs ``news-timeline[cli]``).

``timeline --db DB import FILE --format F [--skip-invalid] [--mapping M]``,
``timeline --db DB export --format F -o FILE``, ``timeline ls --between 2026-01 2026-06``,
``timeline --db DB extract ARTICLE --published DATE -o drafts.jsonl``…
``--db`` (or ``TIMELINE_DB``) is a SQLite path or a database URL. Exit codes: 0 success,
1 the library refused (the message names the problem; nothing was written), 2 bad usage.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache, wraps
from typing import Any, TypeVar

try:
    import click
except ImportError:  # pragma: no cover - the console script still explains itself
    click = None  # type: ignore[assignment]

from . import __version__
from .errors import TimelineError

F = TypeVar("F", bound=Callable[..., Any])

#: Formats of import and export (the library's registries, named for --help).
IMPORT_FORMATS = (
    "json",
    "jsonl",
    "csv",
    "acled",
    "gdelt-events",
    "gdelt-mentions",
    "ics",
    "drafts",
)


def main() -> None:
    """Entry point of the ``timeline`` console script and of ``python -m timeline``."""
    if click is None:
        sys.stderr.write(
            "timeline: the command line needs its extra: pip install 'news-timeline[cli]'\n"
        )
        raise SystemExit(1)
    cli(prog_name="timeline")


if click is not None:

    def _given(ctx: click.Context, name: str) -> bool:
        """Whether the option ``name`` was given (on the command line or in the environment),
        not left at its default."""
        from click.core import ParameterSource

        return ctx.get_parameter_source(name) in (
            ParameterSource.COMMANDLINE,
            ParameterSource.ENVIRONMENT,
        )

    def _fail_cleanly(function: F) -> F:
        """Turn a library error into ``Error: message`` and exit code 1."""

        @wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            from sqlalchemy.exc import SQLAlchemyError

            try:
                return function(*args, **kwargs)
            except TimelineError as error:
                raise click.ClickException(" ".join(str(error).split())) from error
            except SQLAlchemyError as error:  # e.g. --db names a file that is not a database
                reason = " ".join(str(getattr(error, "orig", None) or error).split())
                raise click.ClickException(f"database error: {reason}") from error
            except OSError as error:  # e.g. an output file in a missing directory
                from .io.base import cause

                where = f"cannot write {error.filename!r}: " if error.filename else ""
                raise click.ClickException(where + cause(error)) from error

        return run  # type: ignore[return-value]

    def _is_missing_file(db: str) -> bool:
        return "://" not in db and db != ":memory:" and not os.path.exists(db)

    @contextmanager
    def _open(ctx: click.Context, *, create: bool = False) -> Iterator[Any]:
        from .timeline import Timeline

        db = ctx.obj["db"]
        if not create and _is_missing_file(db):
            raise click.ClickException(
                f"no database at {db!r}; create it with `timeline --db {db} init` "
                "(or set TIMELINE_DB)"
            )
        _check_path(db)
        try:
            tl = Timeline(db)
        except TimelineError as error:
            said = str(error)
            if not said.startswith("cannot open"):
                said = f"cannot open the database {db!r}: {said}"
            raise click.ClickException(said) from error
        with tl:
            yield tl

    def _check_path(db: str) -> None:
        """Refuse a ``--db`` path SQLite cannot open, saying why (SQLite only says "unable
        to open database file")."""
        if "://" in db or db == ":memory:":
            return
        folder = os.path.dirname(os.path.abspath(db))
        if os.path.isdir(db):
            reason = "it is a directory"
        elif not os.path.isdir(folder):
            reason = f"there is no directory {folder!r}"
        elif os.path.exists(db) and not os.access(db, os.R_OK | os.W_OK):
            reason = "permission denied"
        else:
            return
        raise click.ClickException(f"cannot open the database {db!r}: {reason}")

    def _printable(text: str) -> str:
        """``text`` with control and bidi characters shown as escapes (``\\x1b``), so that
        printed data cannot drive the terminal or reorder the line."""
        from .text import BIDI_CONTROLS

        return "".join(
            char.encode("unicode_escape").decode("ascii")
            if char not in "\n\t" and (unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS)
            else char
            for char in text
        )

    def _echo(text: str, *, err: bool = False) -> None:
        click.echo(_printable(text), err=err)

    def _cell(value: Any) -> str:
        from rich.markup import escape

        return "" if value is None else escape(_printable(str(value)))

    def _echo_json(value: Any) -> None:
        click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))

    # -- the query options shared by ls and export ------------------------------------------

    def _query_options(function: F) -> F:
        options = [
            click.option(
                "--between",
                nargs=2,
                metavar="START END",
                help="Possibly overlapping this window (any date text: 2026-02, 'spring 2026').",
            ),
            click.option("--certain", is_flag=True, help="With --between: certainly overlapping."),
            click.option(
                "--within",
                nargs=2,
                metavar="START END",
                help="Certainly entirely inside this window.",
            ),
            click.option("--involving", metavar="NAME", help="Involving this entity (any alias)."),
            click.option("--role", metavar="ROLE", help="With --involving: in this role."),
            click.option(
                "--kind", metavar="KIND", help="Of this kind or below (military ⊃ military.parade)."
            ),
            click.option("--at", "place", metavar="PLACE", help="At this place or inside it."),
            click.option("--status", multiple=True, help="With this status (repeatable)."),
            click.option("--tag", metavar="TAG", help="Carrying this tag."),
            click.option(
                "--search", metavar="TEXT", help="Full-text search of titles, summaries and quotes."
            ),
            click.option(
                "--upcoming", is_flag=True, help="May still begin after today (or --as-of)."
            ),
            click.option(
                "--as-of", "as_of", metavar="DATE", help="As the published record stood on DATE."
            ),
            click.option("--limit", type=click.IntRange(min=0), help="At most this many events."),
            click.option(
                "--reference",
                metavar="DATE",
                help="Date that relative phrases ('next month') in windows are resolved against.",
            ),
        ]
        for option in reversed(options):
            function = option(function)
        return function

    def _query(tl: Any, options: dict[str, Any]) -> Any:
        for option, needs in (("certain", "between"), ("role", "involving")):
            if options.get(option) and not options.get(needs):
                raise click.UsageError(f"--{option} applies only with --{needs}")
        if options.get("reference") and not (options.get("between") or options.get("within")):
            raise click.UsageError("--reference applies only with --between or --within")
        query = tl.events()
        reference = options.get("reference")
        day = tl.parse_when(reference).start_earliest if reference else None

        def window(texts: tuple[str, str]) -> tuple[Any, ...]:
            return tuple(tl.parse_when(text, day) for text in texts) if day else texts

        if options.get("between"):
            certainty = "certain" if options.get("certain") else "possible"
            query = query.between(*window(options["between"]), certainty=certainty)
        if options.get("within"):
            query = query.within(*window(options["within"]))
        if options.get("involving"):
            query = query.involving(options["involving"], role=options.get("role"))
        if options.get("kind"):
            query = query.of_kind(options["kind"])
        if options.get("place"):
            query = query.at(options["place"])
        if options.get("status"):
            query = query.with_status(*options["status"])
        if options.get("tag"):
            query = query.tagged(options["tag"])
        if options.get("search"):
            if not hasattr(query, "search"):
                raise click.ClickException("full-text search is not available in this version")
            query = query.search(options["search"])
        as_of = options.get("as_of")
        query = query.upcoming(as_of=as_of) if options.get("upcoming") else query.order_by_time()
        if options.get("limit") is not None:
            query = query.limit(options["limit"])
        if as_of or options.get("recorded"):
            query = query.as_of(as_of, recorded=options.get("recorded"))
        return query

    def _notation(when: Any) -> str | None:
        """The text of a date (``When.notation``) in JSON output; ``None`` for no date."""
        return None if when is None else when.notation

    def _event_dict(tl: Any, event: Any) -> dict[str, Any]:
        when = event.when
        return {
            "id": event.id,
            "title": event.title,
            "when": _notation(when),
            "display": when.display() if when else None,
            "kind": event.kind,
            "status": str(event.status),
            "place": tl.place(event.place_id).name if event.place_id else None,
            "summary": event.summary,
        }

    @contextmanager
    def _near_misses(strict: bool) -> Iterator[None]:
        """Print each :class:`~timeline.NearMissWarning` of the block as one ``Warning:`` line
        on standard error; with ``strict``, refuse the write instead (the warning is raised in
        its transaction, so nothing is kept): ``Error:`` and exit code 1."""
        import warnings

        from .errors import NearMissWarning

        shown = warnings.showwarning

        def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
            if isinstance(message, NearMissWarning):
                _echo(f"Warning: {message}", err=True)
            else:
                shown(message, category, *args, **kwargs)

        with warnings.catch_warnings():
            warnings.simplefilter("error" if strict else "always", NearMissWarning)
            warnings.showwarning = show
            try:
                yield
            except NearMissWarning as error:
                raise click.ClickException(f"{error} (--strict: nothing was written)") from None

    _STRICT = click.option(
        "--strict",
        is_flag=True,
        help="Refuse the write when a new kind or name is close to a stored one.",
    )

    # -- commands ---------------------------------------------------------------------------

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.option(
        "--db",
        envvar="TIMELINE_DB",
        default="timeline.db",
        show_default=True,
        help="SQLite file or database URL (env: TIMELINE_DB).",
    )
    @click.version_option(__version__, prog_name="timeline")
    @click.pass_context
    def cli(ctx: click.Context, db: str) -> None:
        """Dated events from the news, with fuzzy dates, in a SQL database."""
        ctx.obj = {"db": db}

    @cli.command()
    @click.pass_context
    @_fail_cleanly
    def init(ctx: click.Context) -> None:
        """Create the database (or bring it to the current schema)."""
        from . import migrations

        with _open(ctx, create=True) as tl, tl.engine.connect() as connection:
            revision = migrations.current_revision(connection)
        _echo(f"{ctx.obj['db']}: ready (schema revision {revision})")

    @cli.command()
    @click.argument("title")
    @click.option("--when", required=True, help="EDTF, ISO 8601, free text or a phrase.")
    @click.option("--kind", required=True, help="Dotted kind, e.g. military.parade.")
    @click.option("--status", default="occurred", show_default=True)
    @click.option("--place", help="Place name (created with --place-kind if unknown).")
    @click.option("--place-kind", default="place", show_default=True)
    @click.option("--actor", "actors", multiple=True, metavar="NAME=ROLE", help="Repeatable.")
    @click.option("--actor-kind", default="person", show_default=True, help="Kind of new actors.")
    @click.option("--tag", "tags", multiple=True, help="Repeatable.")
    @click.option("--summary")
    @click.option("--id", "ids", multiple=True, metavar="SCHEME:VALUE", help="External id.")
    @click.option("--reference", help="Date that relative phrases are resolved against.")
    @click.option("--source", "source_title", help="Title of the report that says it.")
    @click.option("--url", help="URL of the report.")
    @click.option("--publisher", help="Who published the report (created as media if unknown).")
    @click.option("--published", help="When the report was published (needed with a report).")
    @click.option("--quote", help="What the report says, in its words.")
    @click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
    @_STRICT
    @click.pass_context
    @_fail_cleanly
    def add(ctx: click.Context, /, title: str, **options: Any) -> None:
        """Record an event, with the report that says it; all or nothing: a refused event
        leaves no new actor, place or report behind."""
        for option, needs in (("place_kind", "place"), ("actor_kind", "actors")):
            if _given(ctx, option) and not options[needs]:
                flag, needed = option.replace("_", "-"), needs.rstrip("s")
                raise click.UsageError(f"--{flag} applies only with --{needed}")
        roles: dict[str, list[str]] = {}
        for text in options["actors"]:
            name, sep, role = text.rpartition("=")
            if not sep or not name.strip():
                raise click.BadParameter(f"{text!r} is not NAME=ROLE", param_hint="--actor")
            roles.setdefault(name.strip(), []).append(role.strip())
        external = {}
        for text in options["ids"]:
            scheme, sep, value = text.partition(":")
            if not sep:
                raise click.BadParameter(f"{text!r} is not SCHEME:VALUE", param_hint="--id")
            external[scheme] = value
        report = {k: options[k] for k in ("source_title", "url", "publisher") if options[k]}
        source = None
        if report or options["published"]:
            if not options["published"]:
                raise click.UsageError("a report needs --published (its publication date)")
            source = {
                "title": report.get("source_title"),
                "url": report.get("url"),
                "publisher": report.get("publisher") or "unknown",
                "published": options["published"],
            }
        with _open(ctx, create=True) as tl, _near_misses(options["strict"]):
            reference = (
                tl.parse_when(options["reference"]).start_earliest if options["reference"] else None
            )
            event = tl.add_event(
                title,
                when=options["when"],
                kind=options["kind"],
                status=options["status"],
                place=options["place"],
                actors=roles,
                tags=options["tags"],
                summary=options["summary"],
                external_ids=external,
                reference=reference,
                source=source,
                quote=options["quote"],
                new_actor_kind=options["actor_kind"],
                new_place_kind=options["place_kind"],
            )
            if options["as_json"]:
                _echo_json(_event_dict(tl, event))
            else:
                _echo(f"added event {event.id}: {event.title} ({event.when})")

    #: Rows ``ls`` shows when given no --limit (--all shows every one).
    LS_LIMIT = 50
    #: The listing's fields, in order (machine formats; the table shows the first six).
    LS_FIELDS = ("id", "when", "display", "status", "kind", "title", "place", "summary")

    @cli.command(name="ls")
    @_query_options
    @click.option("--recorded", metavar="TIME", help="As this database held it at TIME.")
    @click.option("--all", "show_all", is_flag=True, help=f"Every event (default: {LS_LIMIT}).")
    @click.option("--json", "layout", flag_value="json", help="A JSON array.")
    @click.option("--nl", "layout", flag_value="nl", help="JSON lines: one object a line.")
    @click.option("--csv", "layout", flag_value="csv", help="CSV with a header row.")
    @click.option("--tsv", "layout", flag_value="tsv", help="Tab-separated, with a header row.")
    @click.pass_context
    @_fail_cleanly
    def ls(ctx: click.Context, /, layout: str | None, show_all: bool, **options: Any) -> None:
        """List events, filtered by the query options, in time order: a table for people
        (plain, one line an event, when piped), or --json, --nl, --csv or --tsv.

        At most 50 unless --limit N or --all; a footer says how many there are.
        """
        if show_all and options["limit"] is not None:
            raise click.UsageError("--all and --limit exclude each other")
        limit = None if show_all else (LS_LIMIT if options["limit"] is None else options["limit"])
        with _open(ctx) as tl:
            query = _query(tl, {**options, "limit": None})
            shown = query if limit is None else query.limit(limit)
            rows = _listing(tl, shown)
            count = _print_table(rows) if layout is None else _print_records(rows, layout)
            total = query.count() if limit is not None and count == limit else count
        noun = "event" if total == 1 else "events"
        if total > count:
            footer = f"{count:,} of {total:,} {noun}; --limit N / --all"
        else:
            footer = f"{total:,} {noun}"
        if layout is None:
            _echo(footer)
        elif total > count:
            _echo(footer, err=True)

    def _listing(tl: Any, query: Any) -> Iterator[dict[str, Any]]:
        """The rows of ``query`` as :data:`LS_FIELDS` dicts, streamed."""
        places: dict[int, str] = {}
        columns = ("id", "status", "kind", "title", "place_id", "summary", "edtf", "start_tz")
        for event_id, status, kind, title, place, summary, edtf, zone in query.iter_rows(*columns):
            if place is not None and place not in places:
                places[place] = tl.place(place).name
            when, display = (edtf, _display(edtf)) if zone is None else _zoned(tl, event_id)
            yield {
                "id": event_id,
                "when": when,
                "display": display,
                "status": status,
                "kind": kind,
                "title": title,
                "place": None if place is None else places[place],
                "summary": summary,
            }

    @lru_cache(maxsize=1 << 16)
    def _display(edtf: str | None) -> str | None:
        """The human text of a date stored as ``edtf`` (many events share one date: each is
        worked out once). A time in a named zone is shown from the event itself."""
        from .when import When

        return When.parse(edtf).display() if edtf else None

    def _zoned(tl: Any, event_id: int) -> tuple[str | None, str]:
        """The date of an event with a time in a named zone: its notation and its display."""
        when = tl.get_event(event_id).when
        return when.notation, when.display()

    def _print_records(rows: Iterator[dict[str, Any]], layout: str) -> int:
        """Write ``rows`` to standard output as JSON, JSON lines, CSV or TSV; how many."""
        out = sys.stdout
        count = 0
        if layout in ("csv", "tsv"):
            import csv

            writer = csv.writer(out, delimiter="," if layout == "csv" else "\t")
            writer.writerow(LS_FIELDS)
            for row in rows:
                writer.writerow(row.values())
                count += 1
            return count
        dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode
        if layout == "nl":
            for row in rows:
                out.write(dumps(row) + "\n")
                count += 1
            return count
        out.write("[")
        for count, row in enumerate(rows, 1):
            out.write(("\n  " if count == 1 else ",\n  ") + dumps(row))
        out.write("\n]\n" if count else "]\n")
        return count

    #: The table's columns.
    TABLE_FIELDS = ("id", "when", "status", "kind", "title", "place")

    def _print_table(rows: Iterator[dict[str, Any]]) -> int:
        """A table of ``rows`` on a terminal; plain aligned lines, never wrapped, on a pipe
        (widths from the first 1,000 rows). Returns how many rows."""
        import itertools

        cells = (
            [_printable("" if row[k] is None else str(row[k])) for k in TABLE_FIELDS]
            for row in ({**r, "when": r["display"] or r["when"]} for r in rows)
        )
        first = list(itertools.islice(cells, 1000))
        console = None
        if _maybe_terminal():  # rich is imported only then (a pipe needs no console)
            from rich.console import Console

            console = Console()
        if console is not None and console.is_terminal:
            from rich.table import Table

            table = Table(box=None, header_style="bold")
            for name in TABLE_FIELDS:
                table.add_column(name, overflow="fold")
            for line in itertools.chain(first, cells):
                table.add_row(*(_cell(value) for value in line))
            console.print(table)
            return table.row_count
        widths = [max(map(len, column)) for column in zip(TABLE_FIELDS, *first, strict=False)]
        out = sys.stdout
        count = -1  # the header is not a row
        for line in itertools.chain([list(TABLE_FIELDS)], first, cells):
            padded = [value.ljust(width) for value, width in zip(line[:-1], widths, strict=False)]
            out.write("  ".join([*padded, line[-1]]).rstrip() + "\n")
            count += 1
        return count

    cli.add_command(ls, name="query")

    @cli.command()
    @click.argument("event_id", type=int)
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    @_fail_cleanly
    def show(ctx: click.Context, event_id: int, as_json: bool) -> None:
        """Show one event: its date, actors, ids, tags and what each source claims."""
        from .io.views import event_views

        with _open(ctx) as tl:
            tl.get_event(event_id)
            view = next(event_views(tl, ids=[event_id]))
            claims = tl.claims(event_id)
            data = _event_dict(tl, view.event)
            data.update(
                actors=[{"name": e.name, "role": r} for e, r in view.actors],
                tags=view.tags,
                external_ids=view.external_ids,
                sources=[
                    {"title": s.title, "url": s.url, "published": s.published.isoformat()}
                    for s in view.sources
                ],
                claims=[
                    {
                        "status": str(c.status) if c.status else None,
                        "when": _notation(c.when),
                        "published": c.published.isoformat() if c.published else None,
                        "quote": c.quote,
                    }
                    for c in claims
                ],
            )
        if as_json:
            _echo_json(data)
            return
        _echo(f"#{data['id']} {data['title']}")
        for key in ("display", "when", "kind", "status", "place", "summary"):
            if data[key]:
                _echo(f"  {key:<9} {data[key]}")
        for actor in data["actors"]:
            _echo(f"  actor     {actor['name']} ({actor['role']})")
        if data["tags"]:
            _echo(f"  tags      {', '.join(data['tags'])}")
        for scheme, value in data["external_ids"].items():
            _echo(f"  id        {scheme}:{value}")
        for claim in data["claims"]:
            said = " ".join(str(claim[k]) for k in ("status", "when", "quote") if claim[k])
            _echo(f"  claim     {claim['published'] or '-'}: {said}")
        for source in data["sources"]:
            link = f" <{source['url']}>" if source["url"] else ""
            _echo(f"  source    {source['published']} {source['title']}{link}")

    @cli.command()
    @click.argument("event_id", type=int, metavar="EVENT")
    @click.option("--source", "title", help="Title of the report that says it.")
    @click.option("--url", help="URL of the report.")
    @click.option("--publisher", help="Who published the report (created as media if unknown).")
    @click.option("--published", help="When the report was published (needed with a report).")
    @click.option("--status", help="The status the report gives the event.")
    @click.option("--when", help="The date the report gives (relative to --published).")
    @click.option("--quote", help="What the report says, in its words.")
    @click.option("--confidence", type=click.FloatRange(0, 1), help="How sure, from 0 to 1.")
    @click.option("--json", "as_json", is_flag=True, help="Print the claim as JSON.")
    @_STRICT
    @click.pass_context
    @_fail_cleanly
    def claim(ctx: click.Context, /, event_id: int, as_json: bool, **options: Any) -> None:
        """Record what a report says about EVENT (its status and/or date); without a report,
        a manual edit. The report and the claim are written together or not at all."""
        named = [options[k] for k in ("title", "url", "publisher")]
        source = None
        if any(named) or options["published"]:
            if not options["published"]:
                raise click.UsageError("a report needs --published (its publication date)")
            source = {
                "title": next(text for text in [*named, "report"] if text),
                "publisher": options["publisher"] or "unknown",
                "published": options["published"],
                "url": options["url"],
            }
        if options["status"] is None and options["when"] is None:
            raise click.UsageError("a claim needs --status, --when or both")
        with _open(ctx) as tl, _near_misses(options["strict"]):
            made = tl.add_claim(
                event_id,
                source=source,
                status=options["status"],
                when=options["when"],
                quote=options["quote"],
                confidence=options["confidence"],
            )
            event = tl.get_event(made.event_id)
            if as_json:
                _echo_json(
                    {
                        "id": made.id,
                        "event": made.event_id,
                        "status": str(made.status) if made.status else None,
                        "when": _notation(made.when),
                        "published": made.published.isoformat() if made.published else None,
                        "quote": made.quote,
                        "now": {"status": str(event.status), "when": _notation(event.when)},
                    }
                )
            else:
                _echo(f"claim {made.id} on event {event.id}: now {event.status}, {event.when}")

    @cli.command(name="history")
    @click.argument("event_id", type=int, metavar="EVENT")
    @click.option("--json", "as_json", is_flag=True, help="Print the claims as JSON.")
    @click.pass_context
    @_fail_cleanly
    def history_(ctx: click.Context, event_id: int, as_json: bool) -> None:
        """What each report said about EVENT, in published order, and where it stands now."""
        with _open(ctx) as tl:
            found = tl.history(event_id)
        if not as_json:
            _echo(found.text())
            return
        _echo_json(
            {
                "event": found.event.id,
                "title": found.event.title,
                "status": str(found.event.status),
                "when": _notation(found.event.when),
                "claims": [
                    {
                        "published": entry.published,
                        "recorded_at": entry.recorded_at,
                        "said_by": entry.said_by,
                        "source": entry.source.title if entry.source else None,
                        "url": entry.source.url if entry.source else None,
                        "status": str(entry.status) if entry.status is not None else None,
                        "when": _notation(entry.when),
                        "quote": entry.quote,
                        "confidence": entry.confidence,
                    }
                    for entry in found
                ],
            }
        )

    @cli.command(name="import")
    @click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
    @click.option(
        "--format",
        "-f",
        "format_",
        type=click.Choice(IMPORT_FORMATS),
        help="Default: from the file name (needed for '-', standard input).",
    )
    @click.option("--member", metavar="NAME", help="The file to read in a zip archive.")
    @click.option("--skip-invalid", is_flag=True, help="Import the good rows; report the bad ones.")
    @click.option(
        "--mapping",
        type=click.Path(exists=True, dir_okay=False),
        help="CSV column mapping (JSON file).",
    )
    @click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
    @click.option(
        "--reference",
        help="Date that relative phrases are resolved against (rows naming no report).",
    )
    @click.option(
        "--report",
        type=click.Path(dir_okay=False),
        help="Write the bad rows here (CSV: line, field, reason).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
    @_STRICT
    @click.pass_context
    @_fail_cleanly
    def import_(ctx: click.Context, /, file: str, format_: str | None, **options: Any) -> None:
        """Import FILE ('-': standard input) in one transaction: all or nothing, unless
        --skip-invalid. gzip, bzip2 and zip files are read as they are decompressed."""
        from .io import import_file

        if file == "-" and format_ is None:
            raise click.UsageError("reading standard input needs --format")
        if options["report"] and not options["skip_invalid"]:
            raise click.UsageError("--report applies only with --skip-invalid")
        if options["mapping"] and format_ not in (None, "csv"):
            raise click.UsageError(f"--mapping applies only to csv imports, not {format_}")
        with (
            _removed_if_new(ctx.obj["db"]),
            _open(ctx, create=True) as tl,
            _progress(f"importing {os.path.basename(file)}") as step,
            _near_misses(options["strict"]),
        ):
            summary = import_file(
                tl,
                file,
                format=format_,
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
                mapping=options["mapping"],
                progress=step,
                reference=options["reference"],
                member=options["member"],
            )
        if options["report"]:
            import csv

            from .io.base import safe_cell

            with open(options["report"], "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "field", "reason"])
                for error in summary.errors:
                    writer.writerow([error.line, error.field or "", safe_cell(error.reason)])
        if options["as_json"]:
            _echo_json(summary.as_dict())
            return
        if summary.dry_run:
            for title in summary.created_titles[:50]:
                _echo(f"  would create: {title}")
        for error in summary.errors:
            _echo(f"skipped {error}", err=True)
        _echo(str(summary))

    @contextmanager
    def _removed_if_new(db: str) -> Iterator[None]:
        """Delete the SQLite file ``db`` (and its journal files) if the block fails and the
        file was not there before it: a failed import leaves no empty database behind."""
        new = _is_missing_file(db)
        try:
            yield
        except BaseException:
            if new:
                for ending in ("", "-wal", "-shm", "-journal"):
                    with suppress(FileNotFoundError):
                        os.remove(db + ending)
            raise

    @contextmanager
    def _progress(label: str) -> Iterator[Callable[[int, int | None], None]]:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        console = Console(stderr=True)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as bar:
            task = bar.add_task(label, total=None)

            def step(done: int, total: int | None) -> None:
                bar.update(task, completed=done, total=total)

            yield step

    def _export_formats(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        """Shell completion of ``export --format``: the registered exporters."""
        from .io import EXPORTERS

        return [name for name in sorted(EXPORTERS) if name.startswith(incomplete)]

    @cli.command(name="export")
    @click.option(
        "--format",
        "-f",
        "format_",
        shell_complete=_export_formats,
        help="json, jsonl, csv, ics, timelinejs, geojson, jsonld, html… Default: from -o.",
    )
    @click.option(
        "--output",
        "-o",
        default="-",
        show_default=True,
        help="File to write ('-': standard output).",
    )
    @_query_options
    @click.pass_context
    @_fail_cleanly
    def export(ctx: click.Context, /, format_: str | None, output: str, **options: Any) -> None:
        """Export events (all, or those the query options select)."""
        from .io import EXPORTERS, export_file

        if format_ is not None and format_ not in EXPORTERS:
            raise click.BadParameter(
                f"{format_!r}; use one of: {', '.join(sorted(EXPORTERS))}", param_hint="--format"
            )
        with _open(ctx) as tl:  # a missing database is named first
            if format_ is None and output == "-":
                raise click.UsageError("writing to standard output needs --format")
            chosen = (
                any(v for k, v in options.items() if k != "limit")
                or options.get("limit") is not None
            )
            count = export_file(
                tl, output, format=format_, query=_query(tl, options) if chosen else None
            )
        if output != "-":
            _echo(f"wrote {count} events to {output}", err=True)

    @cli.command()
    @click.option("--output", "-o", required=True, help="Chart file: .png, .svg or .pdf.")
    @click.option(
        "--lanes",
        type=click.Choice(["kind", "entity", "none"]),
        default="kind",
        show_default=True,
        help="One lane per top-level kind, per entity, or a single lane.",
    )
    @click.option("--title", help="Title above the chart.")
    @click.option("--reported", metavar="DATE", help="Draw a dashed 'reported on' line.")
    @_query_options
    @click.pass_context
    @_fail_cleanly
    def plot(
        ctx: click.Context,
        /,
        output: str,
        lanes: str,
        title: str | None,
        reported: str | None,
        **options: Any,
    ) -> None:
        """Draw the events (all or those the query options select) as a chart (news-timeline[plot]).

        With --as-of and no --reported, the "reported on" line is drawn at the --as-of date.
        """
        lane_mode = None if lanes == "none" else lanes
        with _open(ctx) as tl:
            query = _query(tl, options)
            line = reported or options.get("as_of")
            query.plot(output, lanes=lane_mode, title=title, reported=line)
            count = query.count()
        _echo(f"wrote a chart of {count} events to {output}", err=True)

    @cli.command()
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--published", required=True, metavar="DATE", help="The article's day.")
    @click.option("--publisher", help="Who published it.")
    @click.option("--title", help="The article's title.")
    @click.option("--url", help="The article's URL.")
    @click.option("--kind", default="unclassified", show_default=True, help="Kind of the drafts.")
    @click.option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the drafts here as JSON Lines ('-': standard output). Default: a table on "
        "a terminal, JSON Lines otherwise.",
    )
    @click.pass_context
    @_fail_cleanly
    def extract(ctx: click.Context, /, file: str, output: str | None, **article: Any) -> None:
        """Draft one event per date in the news article FILE (plain text), for review and
        `timeline import FILE --format drafts`."""
        try:
            with open(file, encoding="utf-8-sig") as stream:
                text = stream.read()
        except UnicodeDecodeError as error:
            raise click.ClickException(f"{file} is not UTF-8 text: {error.reason}") from None
        with _open(ctx) as tl:
            drafts = tl.draft_events(text, **article)
        lines = "".join(json.dumps(draft, ensure_ascii=False) + "\n" for draft in drafts)
        if output is None and _on_terminal():
            _draft_table(drafts)
        elif output is None or output == "-":
            click.echo(lines, nl=False)
        else:
            with open(output, "w", encoding="utf-8") as out:
                out.write(lines)
            _echo(f"wrote {len(drafts)} drafts to {output}", err=True)

    def _on_terminal() -> bool:
        return sys.stdout.isatty()

    def _maybe_terminal() -> bool:
        """Whether rich may take standard output for a terminal (a tty, or told so)."""
        told = ("FORCE_TERMINAL", "TTY_COMPATIBLE", "FORCE_COLOR", "TTY_INTERACTIVE")
        return _on_terminal() or any(os.environ.get(name) for name in told)

    def _draft_table(drafts: list[dict[str, Any]]) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(box=None, header_style="bold")
        for name in ("when", "status", "title", "actors", "place", "notes"):
            table.add_column(name, overflow="fold")
        for draft in drafts:
            cells = (
                draft["when"],
                draft["status"],
                draft["title"],
                ", ".join(draft.get("actors", {})),
                draft.get("place"),
                "; ".join(draft.get("notes", [])),
            )
            table.add_row(*(_cell(value) for value in cells))
        Console(width=max(100, Console().width)).print(table)
        _echo(f"{len(drafts)} draft{'s' if len(drafts) != 1 else ''}; -o FILE writes them")

    @cli.command()
    def schema() -> None:
        """Print the JSON Schema of the JSON / JSON Lines records."""
        from .io.jsonschema import RECORD_SCHEMA

        _echo_json(RECORD_SCHEMA)

    # -- db -----------------------------------------------------------------------------------

    @cli.group()
    def db() -> None:
        """Schema migrations: upgrade, downgrade, current, history."""

    def _engine(ctx: click.Context) -> Any:
        from .database import make_engine

        if _is_missing_file(ctx.obj["db"]):
            raise click.ClickException(f"no database at {ctx.obj['db']!r}")
        return make_engine(ctx.obj["db"])

    @db.command()
    @click.argument("revision", default="head")
    @click.pass_context
    @_fail_cleanly
    def upgrade(ctx: click.Context, revision: str) -> None:
        """Upgrade the schema to REVISION (default: head)."""
        from . import migrations

        engine = _engine(ctx) if revision != "head" or not _is_missing_file(ctx.obj["db"]) else None
        if engine is None:
            from .database import make_engine

            engine = make_engine(ctx.obj["db"])
        try:
            migrations.upgrade(engine, revision)
            with engine.connect() as connection:
                _echo(f"at revision {migrations.current_revision(connection)}")
        finally:
            engine.dispose()

    @db.command()
    @click.argument("revision")
    @click.pass_context
    @_fail_cleanly
    def downgrade(ctx: click.Context, revision: str) -> None:
        """Downgrade the schema to REVISION ('base' drops every timeline table)."""
        from . import migrations

        engine = _engine(ctx)
        try:
            migrations.downgrade(engine, revision)
            with engine.connect() as connection:
                _echo(f"at revision {migrations.current_revision(connection) or 'base'}")
        finally:
            engine.dispose()

    @db.command()
    @click.pass_context
    @_fail_cleanly
    def current(ctx: click.Context) -> None:
        """Print the database's revision and the one this timeline expects."""
        from . import migrations

        engine = _engine(ctx)
        try:
            with engine.connect() as connection:
                revision = migrations.current_revision(connection)
        finally:
            engine.dispose()
        head = migrations.head_revision()
        state = "up to date" if revision == head else f"head is {head}"
        _echo(f"{revision or 'base (empty)'} ({state})")

    @db.command()
    @click.pass_context
    @_fail_cleanly
    def history(ctx: click.Context) -> None:
        """List the migrations, newest first; '*' marks the database's revision."""
        from alembic.script import ScriptDirectory

        from . import migrations

        current_rev = None
        if not _is_missing_file(ctx.obj["db"]):
            engine = _engine(ctx)
            try:
                with engine.connect() as connection:
                    current_rev = migrations.current_revision(connection)
            finally:
                engine.dispose()
        scripts = ScriptDirectory.from_config(migrations.alembic_config())
        for script in scripts.walk_revisions():
            mark = "*" if script.revision == current_rev else " "
            _echo(f"{mark} {script.revision}  {script.doc}")
