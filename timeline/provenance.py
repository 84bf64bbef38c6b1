"""Claims, history, and merging duplicate events (reversibly).

A claim is what one document says about one event: the status and/or ``When`` it asserts, the
quote, the date phrase and the reference day it was resolved against (kept in the ``When``
columns), a confidence, the day the document was published and the time this database recorded
it. The event's current state follows from its claims by the rule in :mod:`timeline.knowledge`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from .errors import InvalidEventError
from .knowledge import fold, sync, utcnow
from .models import (
    Claim,
    Entity,
    Event,
    EventTag,
    Participation,
    Relation,
    Source,
    Statement,
    WhenColumns,
)
from .revisions import check_live, log, revisions
from .text import check_text
from .vocab import RelationKind, Status
from .when import When


def resolve(session: Session, event: Event) -> Event:
    """The event itself or, for a merged duplicate, the survivor it was merged into."""
    seen = {event.id}
    while event.merged_into_id is not None:
        survivor = session.get(Event, event.merged_into_id)
        if survivor is None or survivor.id in seen:
            break
        seen.add(survivor.id)
        event = survivor
    return event


def record_claim(
    session: Session,
    event: Event,
    *,
    source: Source | None,
    status: Status | None = None,
    when: When | None = None,
    quote: str | None = None,
    confidence: float | None = None,
    action: str = "claim",
    now: datetime | None = None,
) -> Claim:
    """Record a claim about ``event``, re-derive its state, and log what changed.

    Without a ``source`` the claim is a manual edit, published on the day it is recorded;
    except the one that creates an event (``action="create"``): that is the event's baseline,
    with no published day, which every sourced claim overrides.
    """
    check_live(event)
    if quote is not None:
        check_text(quote, "quote")
    if confidence is not None and not 0 <= confidence <= 1:
        raise InvalidEventError(
            f"claim confidence must be between 0 and 1, not {confidence!r}",
            field="confidence",
            value=confidence,
        )
    now = now or utcnow()
    columns = WhenColumns.when_columns(when) if when is not None else {}
    claim = Claim(
        event_id=event.id,  # type: ignore[arg-type]
        source_id=source.id if source is not None else None,
        status=status,
        quote=quote,
        confidence=confidence,
        published=_published(source, action, now),
        recorded_at=now,
        **columns,
    )
    session.add(claim)
    session.flush()
    changes = sync(session, event, now)
    if source is None and action == "claim":
        action = "edit"
    log(session, event.id, action, now, changes=changes, claim_id=claim.id)  # type: ignore[arg-type]
    return claim


def _published(source: Source | None, action: str, now: datetime) -> date | None:
    if source is not None:
        return source.published
    return None if action == "create" else now.date()


@dataclass(frozen=True)
class HistoryEntry:
    """One claim in an event's history."""

    claim: Claim
    source: Source | None
    publisher: str | None
    published: date | None
    recorded_at: datetime
    status: Status | None
    when: When | None
    quote: str | None
    confidence: float | None

    @property
    def said_by(self) -> str:
        """Who made the claim: the publisher (else the document's title), or "manual edit"."""
        if self.source is None:
            return "manual edit" if self.published is not None else "first entry (no source)"
        return self.publisher or self.source.title

    def line(self) -> str:
        """A compact one-line rendering: published day, status, ``When``, who, quote."""
        day = self.published.isoformat() if self.published else "----------"
        status = str(self.status) if self.status is not None else "·"
        when = str(self.when) if self.when is not None else "·"
        phrase = self.claim.date_phrase
        if phrase and self.when is not None and phrase != when:
            when = f"{when} ({phrase!r})"
        text = f"{day}  {status:<9}  {when:<30}  {self.said_by}"
        return text + (f": “{self.quote}”" if self.quote else "")


class History(tuple[HistoryEntry, ...]):
    """The claims about an event in published order (a tuple of :class:`HistoryEntry`).

    ``str(history)`` is a compact text rendering, one claim a line, for the CLI and examples.
    """

    event: Event

    def __new__(cls, event: Event, entries: Sequence[HistoryEntry]) -> History:
        self = super().__new__(cls, entries)
        self.event = event
        return self

    def text(self) -> str:
        """The event's title and current state, then one line per claim."""
        head = f"{self.event.title} — now {self.event.status}, {self.event.when}"
        return "\n".join([head, *(f"  {entry.line()}" for entry in self)])

    def __str__(self) -> str:
        return self.text()


def history(session: Session, event: Event) -> History:
    """The claims about ``event`` (or its survivor), in published then recorded order."""
    event = resolve(session, event)
    rows = session.execute(
        select(Claim, Source, Entity)
        .outerjoin(Source, col(Source.id) == col(Claim.source_id))
        .outerjoin(Entity, col(Entity.id) == col(Source.publisher_id))
        .where(col(Claim.event_id) == event.id)
        .order_by(col(Claim.published).nulls_first(), col(Claim.recorded_at), col(Claim.id))
    ).all()
    entries = [
        HistoryEntry(
            claim=claim,
            source=source,
            publisher=publisher.name if publisher is not None else None,
            published=claim.published,
            recorded_at=claim.recorded_at,
            status=claim.status,
            when=claim.when,
            quote=claim.quote,
            confidence=claim.confidence,
        )
        for claim, source, publisher in rows
    ]
    return History(event, entries)


def state_as_of(session: Session, event: Event, day: date) -> dict[str, Any] | None:
    """The status and ``When`` columns of ``event`` from the claims published by ``day``."""
    claims = session.exec(select(Claim).where(col(Claim.event_id) == event.id)).all()
    known = [state for first, state in fold(claims) if first <= day]
    return known[-1] if known else None


# -- duplicates ----------------------------------------------------------------------------


def merge(session: Session, survivor: Event, duplicate: Event) -> None:
    """Merge ``duplicate`` into ``survivor``: see :meth:`timeline.Timeline.merge`."""
    for event in (survivor, duplicate):
        check_live(event)
        if event.merged_into_id is not None:
            raise InvalidEventError(
                f"event {event.id} was already merged into event {event.merged_into_id}",
                field="event",
                value=event.id,
            )
    if survivor.id == duplicate.id:
        raise InvalidEventError(f"cannot merge event {survivor.id} into itself", field="event")
    now = utcnow()
    a, b = survivor.id, duplicate.id
    assert a is not None and b is not None
    claims = list(session.exec(select(col(Claim.id)).where(col(Claim.event_id) == b)))
    session.execute(update(Claim).where(col(Claim.event_id) == b).values(event_id=a))
    statements = list(session.exec(select(col(Statement.id)).where(col(Statement.event_id) == b)))
    session.execute(update(Statement).where(col(Statement.event_id) == b).values(event_id=a))
    held = {
        (p.entity_id, p.role)
        for p in session.exec(select(Participation).where(col(Participation.event_id) == a))
    }
    moved: list[list[Any]] = []
    dropped: list[list[Any]] = []
    for part in session.exec(select(Participation).where(col(Participation.event_id) == b)).all():
        key = [part.entity_id, part.role]
        (dropped if (part.entity_id, part.role) in held else moved).append(key)
    for entity_id, role in dropped:
        session.execute(_participation_delete(b, entity_id, role))
    for entity_id, role in moved:
        session.execute(
            update(Participation)
            .where(*_participation_key(b, entity_id, role))
            .values(event_id=a, search_start=survivor.search_start, search_end=survivor.search_end)
        )
    tags_held = set(session.exec(select(col(EventTag.tag)).where(col(EventTag.event_id) == a)))
    tags = [
        tag
        for tag in session.exec(select(col(EventTag.tag)).where(col(EventTag.event_id) == b))
        if tag not in tags_held
    ]
    for tag in tags:
        session.add(EventTag(event_id=a, tag=tag))
    same_as = session.exec(
        select(Relation).where(
            col(Relation.source_event_id) == b,
            col(Relation.target_event_id) == a,
            col(Relation.kind) == RelationKind.SAME_AS.value,
        )
    ).first()
    if same_as is None:
        session.add(Relation(source_event_id=b, target_event_id=a, kind=RelationKind.SAME_AS))
    duplicate.merged_into_id = a
    session.add(duplicate)
    session.flush()
    detail = {
        "survivor": a,
        "duplicate": b,
        "claims": claims,
        "statements": statements,
        "participations_moved": moved,
        "participations_dropped": dropped,
        "tags_added": tags,
        "same_as_added": same_as is None,
    }
    sync(session, duplicate, now)
    log(session, b, "merge", now, changes=[("merged_into", None, a)], detail=detail)
    session.flush()
    session.expire(survivor)
    log(session, a, "merge", now, changes=sync(session, survivor, now), detail=detail)


def unmerge(session: Session, duplicate: Event) -> Event:
    """Undo the last merge of ``duplicate``; returns the survivor it is taken out of."""
    if duplicate.merged_into_id is None:
        raise InvalidEventError(
            f"event {duplicate.id} is not merged into another event", field="event"
        )
    assert duplicate.id is not None
    merges = [r for r in revisions(session, duplicate.id) if r.action == "merge"]
    detail = merges[-1].detail
    a, b = int(detail["survivor"]), duplicate.id
    survivor = session.get(Event, a)
    assert survivor is not None
    if survivor.merged_into_id is not None:
        raise InvalidEventError(
            f"event {a} was itself merged into event {survivor.merged_into_id} since; "
            f"unmerge event {a} first",
            field="event",
            value=b,
        )
    now = utcnow()
    if detail["claims"]:
        session.execute(
            update(Claim)
            .where(col(Claim.id).in_(detail["claims"]), col(Claim.event_id) == a)
            .values(event_id=b)
        )
    if detail["statements"]:
        session.execute(
            update(Statement)
            .where(col(Statement.id).in_(detail["statements"]), col(Statement.event_id) == a)
            .values(event_id=b)
        )
    for entity_id, role in detail["participations_moved"]:
        session.execute(
            update(Participation).where(*_participation_key(a, entity_id, role)).values(event_id=b)
        )
    for entity_id, role in detail["participations_dropped"]:
        session.add(Participation(event_id=b, entity_id=entity_id, role=role))
    for tag in detail["tags_added"]:
        session.execute(delete(EventTag).where(col(EventTag.event_id) == a, EventTag.tag == tag))
    if detail.get("same_as_added"):
        session.execute(
            delete(Relation).where(
                col(Relation.source_event_id) == b,
                col(Relation.target_event_id) == a,
                col(Relation.kind) == RelationKind.SAME_AS.value,
            )
        )
    duplicate.merged_into_id = None
    session.add(duplicate)
    session.flush()
    session.expire(duplicate)
    session.expire(survivor)
    # The duplicate gets its state back from its own claims, and its participations its hull.
    changes = sync(session, duplicate, now)
    session.execute(
        update(Participation)
        .where(col(Participation.event_id) == b)
        .values(search_start=duplicate.search_start, search_end=duplicate.search_end)
    )
    log(session, b, "unmerge", now, changes=[("merged_into", a, None), *changes], detail=detail)
    log(session, a, "unmerge", now, changes=sync(session, survivor, now), detail=detail)
    return survivor


def _participation_key(event_id: int, entity_id: int, role: str) -> tuple[Any, ...]:
    return (
        col(Participation.event_id) == event_id,
        col(Participation.entity_id) == entity_id,
        col(Participation.role) == role,
    )


def _participation_delete(event_id: int, entity_id: int, role: str) -> Any:
    return delete(Participation).where(*_participation_key(event_id, entity_id, role))
