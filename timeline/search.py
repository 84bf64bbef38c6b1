"""Full-text search over event titles, summaries and claim quotes (SQLite FTS5, PostgreSQL GIN).

What a user types is parsed here, never handed to a database's query parser. The grammar:

- a **word** is a run of letters, digits and combining marks; case is ignored, accents count,
  and words are stemmed (Porter: ``elections`` finds ``election``, ``talks`` finds ``talk``);
- a word written right before ``*`` is a **prefix** (``elect*``), stemmed like a word;
- text in double quotes is a **phrase** (``"nuclear test"``); so is a run of words joined by
  punctuation (``Jong-un``, ``3.14``, ``example.org``); a quote left open runs to the end;
- ``OR`` (upper case, between two terms) means either; terms side by side must all match;
  ``OR`` binds tighter: ``kim parade OR congress`` is ``kim`` and (``parade`` or ``congress``);
- everything else (``(``, ``:``, ``^``, ``NEAR``, ``AND``, ``-``…) is plain text.

An event matches when every term (or one of each ``OR`` group) occurs in its title, its
summary or one of its claims' quotes; each may come from a different one. Text with no words
matches nothing. The parsed terms reach the database as bound strings built only from quoted
words, so no input can raise or inject.

Both backends answer each group from an index: on SQLite the FTS5 tables
``timeline_event_fts`` (title, summary) and ``timeline_claim_fts`` (quote), tokenized
``porter unicode61`` and kept in step by triggers; on PostgreSQL GIN indexes on
``to_tsvector('timeline_search', …)`` of the same text, its ASCII punctuation read as spaces
(so a word inside a URL, a tag or a number is found), with a gap between the title and the
summary (see :data:`GAP`). ``timeline_search`` is the ``simple`` configuration with its words
stemmed by the Snowball ``porter`` dictionary and no stop words, so both backends stem alike.
The PostgreSQL expressions are inline SQL, never bound parameters, so a generic plan still
matches the expression index (PERF-BASELINES, trap G3).
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
from sqlalchemy.types import Float, NullType
from sqlmodel import col

from .models import Claim, Event

#: At most this many words of a search are used (the rest are ignored).
MAX_WORDS = 32
#: Longer words are cut to this many characters.
MAX_WORD_LENGTH = 64
#: PostgreSQL's text search configuration of the indexes (made by the migration).
CONFIG = "timeline_search"

_fts = MetaData()
event_fts = Table(
    "timeline_event_fts",
    _fts,
    Column("rowid", Integer),
    Column("title", Text),
    Column("summary", Text),
)
claim_fts = Table("timeline_claim_fts", _fts, Column("rowid", Integer), Column("quote", Text))


def _spaced(text: str) -> str:
    """SQL: ``text`` with its ASCII punctuation read as spaces.

    PostgreSQL's parser keeps URLs, hosts, e-mails, paths, tags and signed or dotted numbers
    whole (``example.org/path`` is one token), where :func:`parse` splits them. ``translate``
    is used, not a regex class such as ``[^[:alnum:]]``, whose meaning follows the database
    collation (under ``C`` it would drop every non-ASCII letter).
    """
    marks = string.punctuation.replace("'", "''")
    return f"translate({text}, '{marks}', '{' ' * len(string.punctuation)}')"


#: A token set between the title and the summary, then deleted from the vector: it leaves a
#: gap of one position, so no phrase runs from the title into the summary (as on SQLite, where
#: they are two columns). No text can hold it: its dot is read as a space in every text.
GAP = "x.y"

_TITLE, _SUMMARY, _QUOTE = (
    _spaced(c) for c in ("title", "coalesce(summary, '')", "coalesce(quote, '')")
)
#: The indexed PostgreSQL expressions, exactly as in the migration.
EVENT_TSVECTOR = f"ts_delete(to_tsvector('{CONFIG}', {_TITLE} || ' {GAP} ' || {_SUMMARY}), '{GAP}')"
CLAIM_TSVECTOR = f"to_tsvector('{CONFIG}', {_QUOTE})"


def _is_word_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def _split(text: str) -> list[str]:
    """Every word of ``text`` in order (letters, digits, combining marks), long ones cut."""
    found: list[str] = []
    current: list[str] = []
    for char in f"{text} ":
        if _is_word_char(char):
            current.append(char)
        elif current:
            found.append("".join(current)[:MAX_WORD_LENGTH])
            current = []
    return found


@dataclass(frozen=True)
class Term:
    """One term of a search: a word or a phrase (its words in order), the last maybe a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


#: A group of terms, any one of which must match (``a OR b``); a search is a tuple of groups.
Group = tuple[Term, ...]


def _chunks(text: str) -> list[tuple[str, bool, bool]]:
    """``text`` cut into ``(text, quoted, starred)``: quoted phrases and whitespace-free runs.

    ``starred`` is whether a ``*`` follows the phrase's closing quote.
    """
    found: list[tuple[str, bool, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
        elif text[i] == '"':
            close = text.find('"', i + 1)
            end = n if close < 0 else close
            starred = close >= 0 and text.startswith("*", close + 1)
            found.append((text[i + 1 : end], True, starred))
            i = end + 1 + starred
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] != '"':
                j += 1
            found.append((text[i:j], False, False))
            i = j
    return found


def _term(chunk: str, quoted: bool, starred: bool) -> Term | None:
    """The term of one chunk (``None`` without words); a bare run's last word is a prefix when
    a ``*`` comes right after it."""
    found = _split(chunk)
    if not found:
        return None
    if not quoted:
        last = max(i for i, char in enumerate(chunk) if _is_word_char(char))
        starred = chunk.startswith("*", last + 1)
    return Term(tuple(found), starred)


def parse(text: str) -> tuple[Group, ...]:
    """The groups of ``text``: each a tuple of terms of which one must match; all groups must.

    At most :data:`MAX_WORDS` words are kept; repeated groups count once.
    """
    items: list[Term | None] = []  # None stands for the keyword OR
    for chunk, quoted, starred in _chunks(text):
        if not quoted and chunk == "OR":
            items.append(None)
        else:
            term = _term(chunk, quoted, starred)
            if term is not None:
                items.append(term)
    groups: list[list[Term]] = []
    joined = False  # the last item was an OR between two terms
    budget = MAX_WORDS
    for i, item in enumerate(items):
        if item is None:
            after = items[i + 1] if i + 1 < len(items) else None
            if groups and not joined and after is not None:
                joined = True
                continue
            item = Term(("OR",))  # an OR that joins nothing is the word "OR"
        if budget <= 0:
            break
        item = Term(item.words[:budget], item.prefix and len(item.words) <= budget)
        budget -= len(item.words)
        if joined:
            groups[-1].append(item)
        else:
            groups.append([item])
        joined = False
    return tuple(dict.fromkeys(tuple(dict.fromkeys(group)) for group in groups))


def fts5_query(terms: Iterable[Term]) -> str:
    """The FTS5 MATCH string of "any of ``terms``": each a double-quoted phrase (or prefix).

    Words hold no quote character, so FTS5 reads every word as a literal token.
    """
    return " OR ".join(f'"{" ".join(t.words)}"' + (" *" if t.prefix else "") for t in terms)


def ts_query(terms: Iterable[Term]) -> str:
    """The ``to_tsquery`` string of "any of ``terms``": quoted words, ``<->`` between the words
    of a phrase, ``:*`` on a prefix. Words hold no quote or backslash."""
    return " | ".join(
        " <-> ".join(f"'{w}'" for w in t.words) + (":*" if t.prefix else "") for t in terms
    )


def query_string(terms: Iterable[Term], dialect: str) -> str:
    """The backend's query string of "any of ``terms``" (FTS5 on SQLite, tsquery otherwise)."""
    return fts5_query(terms) if dialect == "sqlite" else ts_query(terms)


def _tsquery(group: BindParameter[str]) -> Any:
    return func.to_tsquery(literal_column(f"'{CONFIG}'"), group)


class _Ids(_Element[Any]):
    """The ids of the events whose text matches every group, as a subquery, per backend.

    One ``IN`` over an ``INTERSECT`` of the groups (each a ``UNION`` of text and quotes), used
    through a plain comparison operator so SQLite sees ``id IN (...)`` (a Boolean element
    would be rendered ``(...) = 1`` and lose the rowid lookups). Each group's query string is
    a bound parameter traversed as the element's child, so searches with as many groups share
    one compiled statement.
    """

    inherit_cache = True
    _traverse_internals = [("groups", InternalTraversal.dp_clauseelement_tuple)]  # noqa: RUF012
    type = NullType()

    def __init__(self, groups: tuple[BindParameter[str], ...]) -> None:
        self.groups = groups


def _ids_of_all(
    found: tuple[BindParameter[str], ...], ids: Callable[[Any], CompoundSelect[Any]]
) -> Any:
    if len(found) == 1:
        return ids(found[0])
    parts = []
    for i, group in enumerate(found):
        part = ids(group).subquery(f"timeline_word_{i}")
        parts.append(select(next(iter(part.c))))
    return intersect(*parts)


@compiles(_Ids)
def _ids_default(element: _Ids, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(_ids_of_all(element.groups, _postgres_ids), **kw)})"


@compiles(_Ids, "sqlite")
def _ids_sqlite(element: _Ids, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(_ids_of_all(element.groups, _sqlite_ids), **kw)})"


def _sqlite_ids(group: BindParameter[str]) -> CompoundSelect[Any]:
    in_events = select(event_fts.c.rowid).where(
        literal_column("timeline_event_fts").op("MATCH")(group)
    )
    quoted = select(claim_fts.c.rowid).where(
        literal_column("timeline_claim_fts").op("MATCH")(group)
    )
    in_quotes = select(col(Claim.event_id)).where(col(Claim.id).in_(quoted))
    return union(in_events, in_quotes)


def _postgres_ids(group: BindParameter[str]) -> CompoundSelect[Any]:
    tsquery = _tsquery(group)
    events = aliased(Event, name="timeline_event_text")
    claims = aliased(Claim, name="timeline_claim_text")
    in_events = select(col(events.id)).where(literal_column(EVENT_TSVECTOR).op("@@")(tsquery))
    in_quotes = select(col(claims.event_id)).where(literal_column(CLAIM_TSVECTOR).op("@@")(tsquery))
    return union(in_events, in_quotes)


def holding_all(groups: tuple[BindParameter[str], ...]) -> ColumnElement[bool]:
    """SQL: the event matches every one of ``groups`` (bound query strings, one per group)."""
    return _Holding(Event.__table__.c.id, groups)  # type: ignore[attr-defined]


class _Holding(_Element[Any]):
    """The event whose id is ``id`` matches every group: ``id IN (ids of the groups)``, except
    on PostgreSQL over the event table itself.

    There each group is a test on the row, ``its text @@ group OR id = ANY(ids quoting it)``:
    one bitmap scan of the text index (OR the primary key) reads the matching rows once,
    where ``id IN (...)`` reads them once to find them and again by id (half the time of a
    rare word). The ``id`` column is a child, so ``as_of`` can swap it for its own.
    """

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012
        ("id", InternalTraversal.dp_clauseelement),
        ("groups", InternalTraversal.dp_clauseelement_tuple),
    ]
    type = NullType()

    def __init__(self, id: ColumnElement[Any], groups: tuple[BindParameter[str], ...]) -> None:
        self.id = id
        self.groups = groups


@compiles(_Holding)
def _holding_default(element: _Holding, compiler: SQLCompiler, **kw: Any) -> str:
    if getattr(element.id, "table", None) is not Event.__table__:  # type: ignore[attr-defined]
        return _holding_ids(element, compiler, **kw)
    tests = []
    for group in element.groups:
        tsquery = _tsquery(group)
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
    return compiler.process(element.id.op("IN", is_comparison=True)(_Ids(element.groups)), **kw)


class Rank(_Element[Any]):
    """SQL: the relevance of the event with id ``id`` to ``terms`` (a bound query string of all
    the search's terms), as an ascending sort key: the best match first, 0 for no match.

    SQLite: FTS5's ``bm25`` of the title and summary (negative; more negative is better),
    read from a ``MATERIALIZED`` CTE by id, so each matching row is scored once.
    PostgreSQL: minus ``ts_rank`` of the indexed text, divided by 1 + the log of its length
    (normalization 1, as bm25 weighs length). Events found only through a quote score 0 and
    come after the ranked ones. ``id`` is a child, so ``as_of`` can swap it.
    """

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012
        ("id", InternalTraversal.dp_clauseelement),
        ("terms", InternalTraversal.dp_clauseelement),
    ]
    type = Float()

    def __init__(self, id: ColumnElement[Any], terms: BindParameter[str]) -> None:
        self.id = id
        self.terms = terms


@compiles(Rank)
def _rank_default(element: Rank, compiler: SQLCompiler, **kw: Any) -> str:
    events = aliased(Event, name="timeline_event_rank")
    score = func.ts_rank(literal_column(EVENT_TSVECTOR), _tsquery(element.terms), 1)
    ranked = select(-score).select_from(events).where(col(events.id) == element.id)
    return compiler.process(ranked.scalar_subquery(), **kw)


@compiles(Rank, "sqlite")
def _rank_sqlite(element: Rank, compiler: SQLCompiler, **kw: Any) -> str:
    scores = (
        select(
            event_fts.c.rowid.label("id"),
            func.bm25(literal_column("timeline_event_fts")).label("score"),
        )
        .where(literal_column("timeline_event_fts").op("MATCH")(element.terms))
        .cte("timeline_rank")
        .prefix_with("MATERIALIZED")
    )
    score = select(scores.c.score).where(scores.c.id == element.id).scalar_subquery()
    return compiler.process(func.coalesce(score, 0), **kw)
