"""A large SQLite load builds the indexes that only queries read once, at its end.

Kept up to date row by row, the event table's time, kind and place indexes, the versions' time
indexes and the actors' index took a third of a GDELT import's time: each new row lands on a
random page of each of them. Built at the end, from the table in one sorted pass, they cost a
tenth of that. A load drops them once it has written :data:`DEFER_AFTER` events, and as many
as were stored before it began (so a small import into a large timeline never rebuilds it),
then builds them again, from the very statements that made them, before it commits.

All of this happens inside the load's transaction: SQLite's schema changes are transactional,
so a load that fails or is rolled back, or a process that dies, leaves the indexes as they
were, and other connections never see them missing. Indexes the load reads itself (titles,
external ids, claims and versions by event, names) are never dropped. PostgreSQL keeps its
indexes: dropping one there locks the whole table against readers until the load commits.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

#: The indexes a load never reads, deferred on SQLite (a database may lack some of them).
DEFERRED = (
    "ix_timeline_event_window",
    "ix_timeline_event_time",
    "ix_timeline_event_bounds",
    "ix_timeline_event_kind",
    "ix_timeline_event_place_id",
    "ix_timeline_event_version_window",
    "ix_timeline_event_version_bounds",
    "ix_timeline_participation_actor_window",
)

#: Events a load writes before it defers the indexes (and at least as many as were stored).
DEFER_AFTER = 10_000


class DeferredIndexes:
    """The deferred indexes of one write on ``connection``: a ``bulk`` one on SQLite (a no-op
    for any other)."""

    def __init__(self, connection: Connection, *, bulk: bool) -> None:
        self.connection = connection
        self.dropped: list[str] = []  # the statements that made the dropped indexes
        self.threshold: int | None = None  # events to write before dropping them
        if bulk and connection.dialect.name == "sqlite":
            stored = connection.execute(text("SELECT max(id) FROM timeline_event")).scalar()
            self.threshold = max(DEFER_AFTER, stored or 0)

    def written(self, events: int) -> None:
        """Note that the load has written ``events`` events so far; call it outside any
        savepoint (a savepoint rolled back would bring the indexes back)."""
        if self.threshold is None or events < self.threshold:
            return
        self.threshold = None  # once per load
        names = ", ".join(f"'{name}'" for name in DEFERRED)
        rows = self.connection.execute(
            text(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({names})")
        )
        for name, sql in rows.all():
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
            self.dropped.append(sql)

    def build(self) -> None:
        """Build the dropped indexes again (before the load commits)."""
        for sql in self.dropped:
            self.connection.exec_driver_sql(sql)
        self.dropped.clear()
