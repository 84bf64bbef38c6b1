"""title index: matching an imported row by content no longer reads the whole table

An import matches a row without external ids to a stored event by its title, kind and date
(docs/identity.md). Each chunk of rows first asks which of its titles are stored
(``title IN (...)``), and a row whose title is stored asks for the event with that title, kind
and date. With no index on the title, the first read the whole table: about 1 s a chunk of
1,000 rows at 1M events, so a CSV of 1M rows took 4x its floor where 100k took 1.5x.

``ix_timeline_event_title`` is a B-tree on SQLite and a hash index on PostgreSQL, whose B-tree
refuses a key longer than about 2,700 bytes: a long title would then fail to insert.

Revision ID: f1c9a4d7b203
Revises: e5b8d31c6f07
Create Date: 2026-12-06 11:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f1c9a4d7b203"
down_revision: str | None = "e5b8d31c6f07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_timeline_event_title"


def upgrade() -> None:
    op.create_index(INDEX, "timeline_event", ["title"], postgresql_using="hash")


def downgrade() -> None:
    op.drop_index(INDEX, table_name="timeline_event")
