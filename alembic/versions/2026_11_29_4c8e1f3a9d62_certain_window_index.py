"""certain window index (PostgreSQL): the certain test as an index condition

A certain window tests ``coalesce(start_latest, end_latest) <= last`` and
``coalesce(end_earliest, start_earliest) >= first``. On PostgreSQL an expression is an index
condition only when the index holds that very expression; without it a bitmap scan of the
window index read every row of the hull (about 10,000 for a month at a million events) to
keep the ~1,900 that match. This partial index holds the hull and both expressions for the
live rows, so the scan reads only the matches. SQLite needs none: its covering window index
already tests the strict bounds before a row is read.

Revision ID: 4c8e1f3a9d62
Revises: 9b4f2d6e1a37
Create Date: 2026-11-29 07:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "4c8e1f3a9d62"
down_revision: str | None = "9b4f2d6e1a37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Identical to the query module's certain test (the planner must match the expressions).
CERTAIN_INDEX = (
    "CREATE INDEX ix_timeline_event_certain ON timeline_event (span_class, search_start, "
    "search_end, (coalesce(start_latest, end_latest)), (coalesce(end_earliest, start_earliest))) "
    "INCLUDE (id) WHERE deleted_at IS NULL AND merged_into_id IS NULL"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CERTAIN_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_timeline_event_certain")
