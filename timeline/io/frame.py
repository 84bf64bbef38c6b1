"""A pandas ``DataFrame`` of events (needs ``pip install 'news-timeline[pandas]'``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import TimelineError
from ..when.value import BOUNDS
from .views import event_views

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline

#: The columns of :func:`to_dataframe`, in order.
COLUMNS = (
    "id",
    "title",
    "kind",
    "status",
    "edtf",
    "display",
    "span",
    "start_earliest",
    "start_latest",
    "end_earliest",
    "end_latest",
    "place",
    "lat",
    "lon",
    "actors",
    "tags",
    "external_ids",
    "sources",
)


def to_dataframe(tl: Timeline, query: EventQuery | None = None) -> Any:
    """One row per event of ``query`` (default: all): bounds as ``datetime64`` columns
    (``NaT`` for open or unknown ends), actors, tags and sources as lists.

    :raises TimelineError: if pandas is not installed.
    """
    from importlib import import_module

    try:
        pd = import_module("pandas")
    except ImportError as error:
        raise TimelineError(
            "to_dataframe needs pandas: pip install 'news-timeline[pandas]'"
        ) from error
    rows = []
    for view in event_views(tl, query):
        event, when = view.event, view.event.when
        coordinates = view.coordinates
        rows.append(
            (
                event.id,
                event.title,
                event.kind,
                str(event.status),
                event.edtf,
                when.display() if when else None,
                event.span,
                event.start_earliest,
                event.start_latest,
                event.end_earliest,
                event.end_latest,
                view.place.name if view.place else None,
                coordinates[1] if coordinates else None,
                coordinates[0] if coordinates else None,
                [f"{entity.name} ({role})" for entity, role in view.actors],
                list(view.tags),
                dict(view.external_ids),
                [s.url for s in view.sources if s.url],
            )
        )
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    for name in BOUNDS:
        frame[name] = pd.to_datetime(frame[name], errors="coerce")
    return frame
