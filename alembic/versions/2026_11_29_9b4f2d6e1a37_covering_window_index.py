"""covering window index: live marks and strict bounds in ``ix_timeline_event_window``

Every event query filters the live rows (``deleted_at IS NULL AND merged_into_id IS NULL``)
and certain/within windows test the strict bounds; with only the hull in the index each
candidate row cost a table lookup. The index keeps its name and its leading columns
(``span_class, search_start, search_end``) and gains the columns those filters read. Plain
``CREATE INDEX`` / ``DROP INDEX``: no table is recreated, so SQLite's full-text triggers stay.

Revision ID: 9b4f2d6e1a37
Revises: cbde73b6e8b6
Create Date: 2026-11-29 02:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9b4f2d6e1a37"
down_revision: str | None = "cbde73b6e8b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HULL = ["span_class", "search_start", "search_end"]
COVERED = [
    *HULL,
    "deleted_at",
    "merged_into_id",
    "start_earliest",
    "start_latest",
    "end_earliest",
    "end_latest",
]


def upgrade() -> None:
    op.drop_index("ix_timeline_event_window", table_name="timeline_event")
    op.create_index("ix_timeline_event_window", "timeline_event", COVERED)


def downgrade() -> None:
    op.drop_index("ix_timeline_event_window", table_name="timeline_event")
    op.create_index("ix_timeline_event_window", "timeline_event", HULL)
