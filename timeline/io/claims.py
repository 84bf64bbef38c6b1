"""How an import records a claim: through the provenance layer when it is there.

When :mod:`timeline.provenance` is available, a claim goes through ``record_claim``, which
re-derives the event's state and versions and logs the change, exactly as
:meth:`~timeline.Timeline.add_event` and :meth:`~timeline.Timeline.add_claim` do; otherwise the
claim row is added as it is.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..models import Claim, Event, Source, WhenColumns
from ..vocab import Status
from ..when import When


def store_claim(
    session: Session,
    event: Event,
    source_id: int | None,
    status: Status,
    when: When | None,
    quote: str | None,
    confidence: float | None,
    action: str = "claim",
) -> None:
    """Record that ``source_id`` (``None``: the import itself) says ``status`` and ``when``."""
    source = session.get(Source, source_id) if source_id is not None else None
    recorder: Any
    try:
        from ..provenance import record_claim as recorder
    except ImportError:  # a timeline without the provenance layer
        recorder = None
    if recorder is not None:
        recorder(
            session,
            event,
            source=source,
            status=status,
            when=when,
            quote=quote,
            confidence=confidence,
            action=action,
        )
        return
    columns = WhenColumns.when_columns(when) if when is not None else {}
    session.add(
        Claim.model_validate(
            {
                "event_id": event.id,
                "source_id": source_id,
                "status": status,
                "quote": quote,
                "confidence": confidence,
                "published": source.published if source is not None else None,
                **columns,
            }
        )
    )


def resync(session: Session, event: Event) -> None:
    """Re-derive ``event``'s state from its claims (after claims were copied in as rows)."""
    try:
        from ..knowledge import sync, utcnow
    except ImportError:
        return
    sync(session, event, utcnow())
