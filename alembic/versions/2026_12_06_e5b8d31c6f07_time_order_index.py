"""time order index: the first page of ``ls`` (``order_by_time``) read in index order

``events().order_by_time()`` (the ``ls`` command, ``export`` without a window) orders every live
event by ``start_earliest NULLS FIRST, start_latest NULLS FIRST, end_latest NULLS LAST, id``.
With no index in that order the first page of 50 was a sort of the whole table (0.3-0.4 s at
1M events). ``ix_timeline_event_time`` follows the order:

- SQLite: ``(start_earliest, start_latest, end_latest, id)``. Ascending is NULLS FIRST there,
  but an index cannot say ``NULLS LAST``, so SQLite reads the index in order and sorts only each
  run of equal starts ("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"): a page reads a few rows.
- PostgreSQL: ``(start_earliest NULLS FIRST, start_latest NULLS FIRST, end_latest, id)``, the
  order itself (ascending is NULLS LAST there).

On SQLite it is partial, ``WHERE deleted_at IS NULL AND merged_into_id IS NULL``: every event
query reads only live events, so the page never looks up a deleted or merged row. On PostgreSQL
it is not: a partial index answers the live filter of every query for free, and on a small
table the planner then took it for window queries too.

The two forms differ, so the index is raw SQL, unknown to the models (``RAW_INDEXES``). It leads
with the start alone, like the lone start index trap G1 of the performance baselines, so the
query-plan tests check that windows still use ``ix_timeline_event_window``.

Revision ID: e5b8d31c6f07
Revises: e4b81c5f2a07
Create Date: 2026-12-06 07:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e5b8d31c6f07"
down_revision: str | None = "e4b81c5f2a07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_timeline_event_time"
LIVE = "deleted_at IS NULL AND merged_into_id IS NULL"
COLUMNS = {
    "sqlite": "start_earliest, start_latest, end_latest, id",
    "postgresql": "start_earliest NULLS FIRST, start_latest NULLS FIRST, end_latest, id",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    columns = COLUMNS.get(dialect, COLUMNS["sqlite"])
    # SQLite: partial, on the live events. PostgreSQL: whole, or its planner takes it for the
    # window queries too (it answers their live filter for free) when the table is small.
    where = f" WHERE {LIVE}" if dialect == "sqlite" else ""
    op.execute(f"CREATE INDEX {INDEX} ON timeline_event ({columns}){where}")


def downgrade() -> None:
    op.execute(f"DROP INDEX {INDEX}")
