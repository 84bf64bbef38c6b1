"""Full-text search over event titles, summaries and claim quotes (SQLite FTS5, PostgreSQL GIN).

What a user types is split here into words, never handed to a query parser: FTS5 and tsquery
syntax (``"``, ``*``, ``NEAR``, ``&``, ``!``, ``:``…) is plain punctuation to us, so no input
can raise or inject. A word is a run of letters, digits and combining marks; case is ignored
and accents count. An event matches when **every** word occurs in its title, its summary or
one of its claims' quotes (each word may come from a different one). Text with no words
matches nothing.

Both backends answer each word from an index: on SQLite the FTS5 tables
``timeline_event_fts`` (title, summary) and ``timeline_claim_fts`` (quote), kept in step by
triggers; on PostgreSQL GIN indexes on ``to_tsvector('simple', …)`` of the same text. The
PostgreSQL expressions are inline SQL, never bound parameters, so a generic plan still matches
the expression index (PERF-BASELINES, trap G3).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    select,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement as _Element
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

#: The indexed PostgreSQL expressions, exactly as in the migration.
EVENT_TSVECTOR = "to_tsvector('simple', title || ' ' || coalesce(summary, ''))"
CLAIM_TSVECTOR = "to_tsvector('simple', coalesce(quote, ''))"


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


class _WordMatch(_Element[bool]):
    """``event id IN (events whose text holds this word)``, compiled per backend."""

    inherit_cache = False
    type = Boolean()

    def __init__(self, word: str) -> None:
        self.word = word


@compiles(_WordMatch)
def _word_match_default(element: _WordMatch, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(_postgres_ids(element.word), **kw)


@compiles(_WordMatch, "sqlite")
def _word_match_sqlite(element: _WordMatch, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(_sqlite_ids(element.word), **kw)


def _sqlite_ids(word: str) -> ColumnElement[bool]:
    # A double-quoted FTS5 string is a literal phrase; our words hold no quote characters.
    phrase = bindparam(None, f'"{word}"', type_=Text, unique=True)
    in_events = select(event_fts.c.rowid).where(
        literal_column("timeline_event_fts").op("MATCH")(phrase)
    )
    quoted = select(claim_fts.c.rowid).where(
        literal_column("timeline_claim_fts").op("MATCH")(phrase)
    )
    in_quotes = select(col(Claim.event_id)).where(col(Claim.id).in_(quoted))
    return col(Event.id).in_(union(in_events, in_quotes))


def _postgres_ids(word: str) -> ColumnElement[bool]:
    tsquery = func.plainto_tsquery(
        literal_column("'simple'"), bindparam(None, word, type_=Text, unique=True)
    )
    events = aliased(Event, name="timeline_event_text")
    claims = aliased(Claim, name="timeline_claim_text")
    in_events = select(col(events.id)).where(literal_column(EVENT_TSVECTOR).op("@@")(tsquery))
    in_quotes = select(col(claims.event_id)).where(literal_column(CLAIM_TSVECTOR).op("@@")(tsquery))
    return col(Event.id).in_(union(in_events, in_quotes))


def matches(text: str) -> ColumnElement[bool]:
    """SQL: the event holds every word of ``text`` (see the module docstring); no words: false."""
    found = words(text)
    if not found:
        return false()
    return and_(*(_WordMatch(word) for word in found))
