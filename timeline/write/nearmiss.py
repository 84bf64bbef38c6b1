"""Near misses: a write's new kinds and names that are one slip away from stored ones.

A write (``add_event``, ``add_events``, ``import_file``, ``add_claim`` and the commands over
them) notes where the tables end before it starts (:func:`mark`); before it commits,
:func:`check` looks at what it added after that point and warns
(:class:`~timeline.NearMissWarning`, inside the transaction, so that a warning turned into an
error rolls the whole write back) about

- each **kind** that no stored event used, when a stored kind is close: the same letters but
  for case, ``_``, ``-`` or ``.``; the same dotted segments in another order; or at most two
  letters added, dropped, changed or swapped (one for kinds shorter than 6 letters).
  ``militray.parade`` gets ``did you mean 'military.parade'?``. A new kind with no close
  stored kind is simply new: no warning.
- each new **entity** and **place** whose name is close to a stored name or alias of the same
  table: the same letters but for case, spaces and punctuation ("KimJong Un"); the same words
  in another order ("Trump Donald"); or one letter added, dropped, changed or two swapped, in
  names of at least 4 letters ("Donald Trum"). Names that differ only in their digits
  ("Apollo 11", "Apollo 13") are different names.

Cost: only what the write added is checked, a set per write, never a row at a time. Stored
names are looked up by the first two letters of each word of the new names (an index range on
the lookup key, at most :data:`BUCKET_LIMIT` rows each; a slip within the first two letters of
every word goes unnoticed), or read once when the new names are many; the comparison is by
hashing (each name and its one-letter deletions), so it grows with the number of names, not
with their square. At most :data:`MAX_WARNINGS` warnings are given per write.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from ..errors import NearMissWarning
from ..models import Entity, EntityAlias, Event, Place, PlaceAlias

#: Warnings given per write (the first is enough to refuse it in strict mode).
MAX_WARNINGS = 20
#: Stored names read per two-letter bucket.
BUCKET_LIMIT = 5000
#: Buckets looked up one by one; past this many the stored names are read in one query.
MAX_BUCKETS = 64
#: Stored names read in that one query (the rest are not compared).
STORED_LIMIT = 500_000
#: Stored kinds compared with a new one.
KIND_LIMIT = 10_000

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


@dataclass(frozen=True)
class Mark:
    """The highest event, entity and place ids before a write (0 when there are none)."""

    event: int
    entity: int
    place: int


#: Where the event, entity and place tables end (plain SQL on the driver: this runs twice in
#: every write, ``add_event`` included, and the ORM's statement machinery would cost more).
_ENDS = (
    f"SELECT (SELECT max(id) FROM {Event.__tablename__}),"
    f" (SELECT max(id) FROM {Entity.__tablename__}),"
    f" (SELECT max(id) FROM {Place.__tablename__})"
)


def mark(session: Session) -> Mark:
    """Where the event, entity and place tables end now (one query, on the primary keys)."""
    row = session.connection().exec_driver_sql(_ENDS).one()
    return Mark(*(int(value or 0) for value in row))


def check(session: Session, before: Mark) -> int:
    """Warn about each near miss among what was written since ``before``; how many there
    were (warnings past :data:`MAX_WARNINGS` are counted in one last warning)."""
    now = mark(session)
    found = near_kinds(session, before) if now.event > before.event else []
    if now.entity > before.entity:
        found += near_names(session, "entity", Entity, EntityAlias, "entity_id", before.entity)
    if now.place > before.place:
        found += near_names(session, "place", Place, PlaceAlias, "place_id", before.place)
    level = _caller_level()
    for what, name, suggestion in found[:MAX_WARNINGS]:
        warnings.warn(NearMissWarning(what, name, suggestion), stacklevel=level)
    if len(found) > MAX_WARNINGS:
        more = len(found) - MAX_WARNINGS
        warnings.warn(
            NearMissWarning("", "", "", message=f"{more:,} more near misses in this write"),
            stacklevel=level,
        )
    return len(found)


# -- kinds -----------------------------------------------------------------------------------


def near_kinds(session: Session, before: Mark) -> list[tuple[str, str, str]]:
    """``("kind", new kind, stored kind)`` for each kind first used since ``before`` that is
    close to a stored one."""
    if before.event == 0:
        return []
    table, last = Event.__tablename__, int(before.event)
    # The kinds of the new events that no event stored before them has (one query: the
    # distinct new kinds, each probed in the kind index; the mark is an int, written inline).
    new = sorted(
        str(kind)
        for (kind,) in session.connection().exec_driver_sql(
            f"SELECT kind FROM (SELECT DISTINCT kind FROM {table} WHERE id > {last}) AS used"
            f" WHERE NOT EXISTS (SELECT 1 FROM {table} AS stored"
            f" WHERE stored.kind = used.kind AND stored.id <= {last})"
        )
    )
    if not new:
        return []
    stored = [kind for kind in _distinct_kinds(session) if kind not in set(new)]
    found = []
    for kind in new:
        best = _closest_kind(kind, stored)
        if best is not None:
            found.append(("kind", kind, best))
    return found


def _distinct_kinds(session: Session) -> list[str]:
    """Every stored kind, one index probe each (a loose index scan, on both backends)."""
    table = Event.__tablename__
    rows = session.connection().exec_driver_sql(
        f"WITH RECURSIVE k(kind) AS ("
        f" SELECT min(kind) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT min(kind) FROM {table} WHERE kind > k.kind) FROM k"
        f" WHERE k.kind IS NOT NULL)"
        f" SELECT kind FROM k WHERE kind IS NOT NULL LIMIT {KIND_LIMIT}"
    )
    return [str(kind) for (kind,) in rows]


def _closest_kind(kind: str, stored: list[str]) -> str | None:
    """The stored kind closest to ``kind`` (see the module's rules), or ``None``."""
    flat = _flat_kind(kind)
    segments = sorted(kind.split("."))
    limit = 2 if len(kind) >= 6 else 1 if len(kind) >= 4 else 0
    best: tuple[int, str] | None = None
    for other in stored:
        if _flat_kind(other) == flat or sorted(other.split(".")) == segments:
            distance = 0
        elif limit and abs(len(other) - len(kind)) <= limit:
            distance = _distance(kind, other, limit)
            if distance > limit:
                continue
        else:
            continue
        if best is None or (distance, other) < best:
            best = (distance, other)
    return best[1] if best is not None else None


def _flat_kind(kind: str) -> str:
    return "".join(char for char in kind.casefold() if char not in "._- ")


def _distance(a: str, b: str, limit: int) -> int:
    """The Damerau-Levenshtein (optimal string alignment) distance of ``a`` and ``b``, or
    ``limit + 1`` once it is sure to exceed ``limit``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            cost = 0 if char == other else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


# -- names -----------------------------------------------------------------------------------


def _deletions(flat: str) -> list[str]:
    """``flat``, and ``flat`` with any one of its letters dropped."""
    return [flat, *(flat[:i] + flat[i + 1 :] for i in range(len(flat)))]


def _digits_only_differ(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ, but only in their digits ("apollo11", "apollo13")."""
    return a != b and any(c.isdigit() for c in a + b) and _letters(a) == _letters(b)


def _one_apart(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one letter added, dropped or changed, or two neighbours
    swapped (Damerau-Levenshtein distance 1), in one pass."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i, shortest = 0, min(len(a), len(b))
    while i < shortest and a[i] == b[i]:
        i += 1
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    if len(a) < len(b):
        return b[i + 1 :] == a[i:]
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
    return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])


def _letters(text: str) -> str:
    return "".join(c for c in text if not c.isdigit())


def near_names(
    session: Session,
    what: str,
    table: type[Entity] | type[Place],
    aliases: type[EntityAlias] | type[PlaceAlias],
    owner: str,
    before: int,
) -> list[tuple[str, str, str]]:
    """``(what, new name, stored name)`` for each row of ``table`` added since ``before``
    whose name (or an alias) is close to a stored name or alias (see the module's rules)."""
    if before == 0:
        return []
    owner_id = getattr(aliases, owner)
    rows = session.execute(
        select(owner_id, col(aliases.key), col(table.name))
        .join(table, col(table.id) == owner_id)
        .where(owner_id > before)
        .order_by(owner_id)
    )
    # The new names' lookup keys (already stored beside them), by each comparison's hash.
    new: list[tuple[int, str, str, str]] = []  # (row id, name, key, letters without spaces)
    by_flat: dict[str, list[int]] = {}
    by_words: dict[str, list[int]] = {}
    by_deletion: dict[str, list[int]] = {}
    lengths: set[int] = set()
    for ident, key, name in rows:
        flat = key.replace(" ", "")
        if not flat:
            continue
        index = len(new)
        new.append((int(ident), name, key, flat))
        by_flat.setdefault(flat, []).append(index)
        by_words.setdefault(" ".join(sorted(key.split())), []).append(index)
        if len(flat) >= 4:
            for variant in _deletions(flat):
                found = by_deletion.setdefault(variant, [])
                if len(found) < 64:  # a variant very many new names share is not followed
                    found.append(index)
        lengths.update(range(len(flat) - 2, len(flat) + 3))
    if not new:
        return []
    best: dict[int, tuple[int, str, str]] = {}  # row id -> (distance, stored name, new name)

    def consider(index: int, distance: int, stored: str) -> None:
        ident, name = new[index][0], new[index][1]
        if ident not in best or (distance, stored) < best[ident][:2]:
            best[ident] = (distance, stored, name)

    seen: set[str] = set()
    for key, stored_name in _stored(session, table, aliases, owner, before, new):
        if key in seen:
            continue
        seen.add(key)
        flat = key.replace(" ", "")
        if len(flat) not in lengths:  # every rule keeps the length within 2
            continue
        for index in by_flat.get(flat, ()):
            if new[index][2] != key:  # the very key: a namesake of another kind, on purpose
                consider(index, 0, stored_name)
        for index in by_words.get(" ".join(sorted(key.split())), ()):
            if new[index][2] != key:
                consider(index, 0, stored_name)
        if len(flat) < 4:
            continue
        for variant in _deletions(flat):
            for index in by_deletion.get(variant, ()):
                ident, _, _, other = new[index]
                if ident in best and best[ident][0] <= 1:
                    continue
                if _one_apart(other, flat) and not _digits_only_differ(other, flat):
                    consider(index, 1, stored_name)
    return [(what, best[ident][2], best[ident][1]) for ident in sorted(best)]


def _stored(
    session: Session,
    table: type[Entity] | type[Place],
    aliases: type[EntityAlias] | type[PlaceAlias],
    owner: str,
    before: int,
    new: list[tuple[int, str, str, str]],
) -> Iterable[tuple[str, str]]:
    """``(lookup key, own name)`` of the stored rows of ``table`` whose names (any alias) could
    be close to ``new``: those sharing the first two letters of a word, or all of them (up to
    :data:`STORED_LIMIT`) when the buckets are many."""
    owner_id = getattr(aliases, owner)
    statement = (
        select(col(aliases.key), col(table.name))
        .join(table, col(table.id) == owner_id)
        .where(owner_id <= before)
    )
    buckets = sorted({word[:2] for row in new for word in row[2].split() if len(word) >= 2})
    if len(buckets) > MAX_BUCKETS:
        for key, name in session.execute(statement.limit(STORED_LIMIT)):
            yield str(key), str(name)
        return
    for bucket in buckets:
        upper = bucket[:-1] + chr(ord(bucket[-1]) + 1)
        # An index range on the lookup key (in the column's own collation).
        ranged = statement.where(col(aliases.key) >= bucket, col(aliases.key) < upper)
        for key, name in session.execute(ranged.limit(BUCKET_LIMIT)):
            yield str(key), str(name)


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside the timeline package (the user's call)."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    return level
