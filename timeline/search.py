"""Full-text search over event titles, summaries and claim quotes (SQLite FTS5, PostgreSQL GIN).

What a user types is split here into words, never handed to a query parser: FTS5 and tsquery
syntax (``"``, ``*``, ``NEAR``, ``&``, ``!``, ``:``…) is plain punctuation to us, so no input
can raise or inject. A word is a run of letters, digits and combining marks; case is ignored
and accents count. An event matches when **every** word occurs in its title, its summary or
one of its claims' quotes (each word may come from a different one). Text with no words
matches nothing.

Both backends answer each word from an index: on SQLite the FTS5 tables
``timeline_event_fts`` (title, summary) and ``timeline_claim_fts`` (quote), kept in step by
triggers; on PostgreSQL GIN indexes on ``to_tsvector('simple', …)`` of the same text, its ASCII
punctuation read as spaces (so a word inside a URL, a tag or a number is found). The
PostgreSQL expressions are inline SQL, never bound parameters, so a generic plan still matches
the expression index (PERF-BASELINES, trap G3).
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    any_,
    func,
    intersect,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql import CompoundSelect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import ColumnElement as _Element
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType
from sqlmodel import col

from .models import Claim, Event

#: At most this many words of a search are used (the rest are ignored).
MAX_WORDS = 32
#: Longer words are cut to this many characters.
MAX_WORD_LENGTH = 64

_fts = MetaData()
event_fts = Table(
    "timeline_event_fts",
    _fts,
    Column("rowid", Integer),
    Column("title", Text),
    Column("summary", Text),
)
claim_fts = Table("timeline_claim_fts", _fts, Column("rowid", Integer), Column("quote", Text))


def _tsvector(text: str) -> str:
    """SQL: the ``simple`` tsvector of ``text`` with its ASCII punctuation read as spaces.

    PostgreSQL's parser keeps URLs, hosts, e-mails, paths, tags and signed or dotted numbers
    whole (``example.org/path`` is one token), where :func:`words` splits them. ``translate``
    is used, not a regex class such as ``[^[:alnum:]]``, whose meaning follows the database
    collation (under ``C`` it would drop every non-ASCII letter).
    """
    marks = string.punctuation.replace("'", "''")
    return f"to_tsvector('simple', translate({text}, '{marks}', '{' ' * len(string.punctuation)}'))"


#: The indexed PostgreSQL expressions, exactly as in the migration.
EVENT_TSVECTOR = _tsvector("title || ' ' || coalesce(summary, '')")
CLAIM_TSVECTOR = _tsvector("coalesce(quote, '')")


def words(text: str) -> list[str]:
    """The words of ``text`` (letters, digits, combining marks), at most :data:`MAX_WORDS`."""
    found: list[str] = []
    current: list[str] = []
    for char in f"{text} ":
        category = unicodedata.category(char)
        if category[0] in "LNM" or category == "Co":
            current.append(char)
        elif current:
            found.append("".join(current)[:MAX_WORD_LENGTH])
            current = []
    return list(dict.fromkeys(found))[:MAX_WORDS]


class _Ids(_Element[Any]):
    """The ids of the events whose text holds every word, as a subquery, per backend.

    One ``IN`` over an ``INTERSECT`` of the words (each a ``UNION`` of text and quotes), used
    through a plain comparison operator so SQLite sees ``id IN (...)`` (a Boolean element
    would be rendered ``(...) = 1`` and lose the rowid lookups). The words are bound
    parameters traversed as the element's children, so searches with as many words share
    one compiled statement.
    """

    inherit_cache = True
    _traverse_internals = [("words", InternalTraversal.dp_clauseelement_tuple)]  # noqa: RUF012
    type = NullType()

    def __init__(self, words: tuple[BindParameter[str], ...]) -> None:
        self.words = words


def _ids_of_all(
    found: tuple[BindParameter[str], ...], ids: Callable[[Any], CompoundSelect[Any]]
) -> Any:
    if len(found) == 1:
        return ids(found[0])
    parts = []
    for i, word in enumerate(found):
        part = ids(word).subquery(f"timeline_word_{i}")
        parts.append(select(next(iter(part.c))))
    return intersect(*parts)


@compiles(_Ids)
def _ids_default(element: _Ids, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(_ids_of_all(element.words, _postgres_ids), **kw)})"


@compiles(_Ids, "sqlite")
def _ids_sqlite(element: _Ids, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(_ids_of_all(element.words, _sqlite_ids), **kw)})"


def _sqlite_ids(word: BindParameter[str]) -> CompoundSelect[Any]:
    # A double-quoted FTS5 string is a literal phrase; our words hold no quote characters.
    quote = literal_column("'\"'", Text)
    phrase = quote.concat(word).concat(quote)
    in_events = select(event_fts.c.rowid).where(
        literal_column("timeline_event_fts").op("MATCH")(phrase)
    )
    quoted = select(claim_fts.c.rowid).where(
        literal_column("timeline_claim_fts").op("MATCH")(phrase)
    )
    in_quotes = select(col(Claim.event_id)).where(col(Claim.id).in_(quoted))
    return union(in_events, in_quotes)


def _postgres_ids(word: BindParameter[str]) -> CompoundSelect[Any]:
    tsquery = func.plainto_tsquery(literal_column("'simple'"), word)
    events = aliased(Event, name="timeline_event_text")
    claims = aliased(Claim, name="timeline_claim_text")
    in_events = select(col(events.id)).where(literal_column(EVENT_TSVECTOR).op("@@")(tsquery))
    in_quotes = select(col(claims.event_id)).where(literal_column(CLAIM_TSVECTOR).op("@@")(tsquery))
    return union(in_events, in_quotes)


def holding_all(words: tuple[BindParameter[str], ...]) -> ColumnElement[bool]:
    """SQL: the event holds every one of ``words`` (bound parameters, one word each)."""
    return _Holding(Event.__table__.c.id, words)  # type: ignore[attr-defined]


class _Holding(_Element[Any]):
    """The event whose id is ``id`` holds every word: ``id IN (ids of the words)``, except on
    PostgreSQL over the event table itself.

    There each word is a test on the row, ``its text @@ word OR id = ANY(ids quoting it)``:
    one bitmap scan of the text index (OR the primary key) reads the matching rows once,
    where ``id IN (...)`` reads them once to find them and again by id (half the time of a
    rare word). The ``id`` column is a child, so ``as_of`` can swap it for its own.
    """

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012
        ("id", InternalTraversal.dp_clauseelement),
        ("words", InternalTraversal.dp_clauseelement_tuple),
    ]
    type = NullType()

    def __init__(self, id: ColumnElement[Any], words: tuple[BindParameter[str], ...]) -> None:
        self.id = id
        self.words = words


@compiles(_Holding)
def _holding_default(element: _Holding, compiler: SQLCompiler, **kw: Any) -> str:
    if getattr(element.id, "table", None) is not Event.__table__:  # type: ignore[attr-defined]
        return _holding_ids(element, compiler, **kw)
    tests = []
    for word in element.words:
        tsquery = func.plainto_tsquery(literal_column("'simple'"), word)
        quoting = select(col(Claim.event_id)).where(
            literal_column(CLAIM_TSVECTOR).op("@@")(tsquery)
        )
        test = or_(
            literal_column(EVENT_TSVECTOR).op("@@")(tsquery),
            element.id == any_(func.array(quoting.scalar_subquery())),
        )
        tests.append(test)
    return f"({compiler.process(and_(*tests), **kw)})"


@compiles(_Holding, "sqlite")
def _holding_ids(element: _Holding, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.id.op("IN", is_comparison=True)(_Ids(element.words)), **kw)
