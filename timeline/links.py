"""Recorded relations between events (``part_of``, ``follows``, ``causes``, ``responds_to``,
``same_as``), their consistency rules, and the queries over them.

Rules, checked when a relation is recorded (``tl.relate`` or ``add_event(part_of=...)``); a
relation that breaks one is refused with :class:`~timeline.InvalidEventError`, nothing written:

- an event is never related to itself;
- ``part_of`` has no cycles: the parent may not be the part, nor (transitively) inside it;
- a part's ``When`` may not be *certainly outside* its parent's: certainly entirely before or
  entirely after it (a part that may overlap its parent, however little, is accepted);
- ``same_as`` is recorded by :meth:`~timeline.Timeline.merge`, which also moves the claims.

Claims that later move a part's ``When`` are not refused: a report is a report.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from .errors import InvalidEventError
from .knowledge import live
from .models import Event, Relation
from .vocab import RelationKind
from .when import Certainty, When


def ancestors(session: Session, event_id: int) -> list[int]:
    """The ids of the events ``event_id`` is (transitively) part of, nearest first."""
    found: list[int] = []
    frontier = [event_id]
    while frontier:
        parents = list(
            session.exec(
                select(col(Relation.target_event_id)).where(
                    col(Relation.source_event_id).in_(frontier),
                    col(Relation.kind) == RelationKind.PART_OF.value,
                )
            )
        )
        frontier = [p for p in parents if p not in found and p != event_id]
        found.extend(frontier)
    return found


def check(session: Session, source: Event, kind: RelationKind, target: Event) -> None:
    """Refuse ``source kind target`` if it breaks a rule (see the module doc)."""
    assert source.id is not None and target.id is not None
    if source.id == target.id:
        raise InvalidEventError(
            f"event {source.id} cannot be {kind} itself", field="relation", value=source.id
        )
    if kind is RelationKind.SAME_AS:
        raise InvalidEventError(
            "record duplicates with merge(a, b), which also moves their claims",
            field="relation",
            value=kind.value,
        )
    if kind is not RelationKind.PART_OF:
        return
    if source.id in ancestors(session, target.id):
        raise InvalidEventError(
            f"event {source.id} ({source.title!r}) cannot be part of event {target.id} "
            f"({target.title!r}): that event is already part of it (a part_of cycle)",
            field="part_of",
            value=target.id,
        )
    check_part_dates(source.id, source.title, source.when, target)


def check_part_dates(part_id: int, title: str, part: When | None, whole: Event) -> None:
    """Refuse a part (event ``part_id``, with ``title`` and ``part`` dates) certainly outside
    the dates of ``whole``."""
    if (
        part is not None
        and whole.when is not None
        and (part.relation(whole.when, ("before", "after")) is Certainty.CERTAIN)
    ):
        raise InvalidEventError(
            f"event {part_id} ({title!r}, {part}) cannot be part of event "
            f"{whole.id} ({whole.title!r}, {whole.when}): it is certainly outside its dates",
            field="part_of",
            value=whole.id,
        )


def parts(session: Session, event_id: int, *, recursive: bool = False) -> list[Event]:
    """The live events recorded as part of ``event_id`` (and their parts, if ``recursive``)."""
    found: list[Event] = []
    seen = {event_id}
    frontier = [event_id]
    while frontier:
        rows = list(
            session.exec(
                select(Event)
                .join(Relation, col(Relation.source_event_id) == col(Event.id))
                .where(
                    col(Relation.target_event_id).in_(frontier),
                    col(Relation.kind) == RelationKind.PART_OF.value,
                    live(),
                )
                .order_by(col(Event.start_earliest).nulls_first(), col(Event.id))
            )
        )
        rows = [row for row in rows if row.id not in seen]
        seen.update(row.id for row in rows if row.id is not None)
        found.extend(rows)
        frontier = [row.id for row in rows if row.id is not None] if recursive else []
    return found


def related(
    session: Session, event_id: int, kind: RelationKind | None, *, inverse: bool = False
) -> list[tuple[RelationKind, Event]]:
    """``(kind, other)`` for each relation ``event kind other`` (``inverse``: ``other kind
    event``), live events only, in time order."""
    mine, theirs = (
        (Relation.target_event_id, Relation.source_event_id)
        if inverse
        else (Relation.source_event_id, Relation.target_event_id)
    )
    query = (
        select(col(Relation.kind), Event)
        .join(Event, col(Event.id) == col(theirs))
        .where(col(mine) == event_id, live())
        .order_by(col(Event.start_earliest).nulls_first(), col(Event.id))
    )
    if kind is not None:
        query = query.where(col(Relation.kind) == kind.value)
    return [(RelationKind(k), other) for k, other in session.exec(query)]
