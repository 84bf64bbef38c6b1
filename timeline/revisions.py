"""The audit log: every change to an event, append-only; deletion leaves a tombstone.

Each :class:`Revision` row says what changed (``field``, ``old``, ``new``), when it was recorded,
and why: a claim (``claim_id``), a manual edit, a deletion, a merge or an unmerge (``action``).
Rows are only ever inserted; the log keeps no foreign key to the event so that it outlives
whatever it records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, Session, col, select

from .errors import EventDeletedError
from .knowledge import sync
from .models import Event, TimelineModel
from .types import UTCDateTime

#: What caused a revision.
ACTIONS = ("create", "claim", "edit", "delete", "restore", "merge", "unmerge")


class Revision(TimelineModel, table=True):
    """One recorded change to an event (append-only)."""

    __tablename__ = "timeline_revision"
    __table_args__ = (Index("ix_timeline_revision_event", "event_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int
    action: str = Field(max_length=16)
    field: str | None = Field(default=None, max_length=32)
    old: str | None = None
    new: str | None = None
    claim_id: int | None = None
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))

    def __str__(self) -> str:
        what = f" {self.field}: {self.old} → {self.new}" if self.field else ""
        cause = f" (claim {self.claim_id})" if self.claim_id is not None else ""
        return f"{self.recorded_at:%Y-%m-%d %H:%M:%S} {self.action}{what}{cause}"


def log(
    session: Session,
    event_id: int,
    action: str,
    now: datetime,
    *,
    changes: Sequence[tuple[str, Any, Any]] = (),
    claim_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one revision per changed field (or one without a field if nothing changed)."""
    assert action in ACTIONS, action
    rows: list[tuple[str | None, Any, Any]] = [*changes] or [(None, None, None)]
    for field, old, new in rows:
        session.add(
            Revision(
                event_id=event_id,
                action=action,
                field=field,
                old=None if old is None else str(old),
                new=None if new is None else str(new),
                claim_id=claim_id,
                recorded_at=now,
                detail=detail or {},
            )
        )


def revisions(session: Session, event_id: int) -> list[Revision]:
    """The revisions of an event, oldest first."""
    return list(
        session.exec(
            select(Revision).where(col(Revision.event_id) == event_id).order_by(col(Revision.id))
        )
    )


def check_live(event: Event) -> None:
    """Refuse a change to a deleted event (its tombstone stays readable)."""
    if event.deleted_at is not None:
        raise EventDeletedError(event.id, event.deleted_at)


def delete(session: Session, event: Event, now: datetime, reason: str | None = None) -> None:
    """Delete ``event``, leaving a tombstone: the row, its claims and its history stay, and
    queries (including ``as_of`` for any later recorded time) no longer see it."""
    check_live(event)
    assert event.id is not None
    event.deleted_at = now
    session.add(event)
    sync(session, event, now)
    log(session, event.id, "delete", now, detail={"reason": reason} if reason else None)


def restore(session: Session, event: Event, now: datetime) -> None:
    """Bring a deleted event back; its state is derived again from its claims."""
    assert event.id is not None
    if event.deleted_at is None:
        return
    event.deleted_at = None
    session.add(event)
    changes = sync(session, event, now)
    log(session, event.id, "restore", now, changes=changes)
