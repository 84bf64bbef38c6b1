"""covering window index: live marks and strict bounds in ``ix_timeline_event_window``

Every event query filters the live rows (``deleted_at IS NULL AND merged_into_id IS NULL``)
and certain/within windows test the strict bounds; with only the hull in the index each
candidate row cost a table lookup (and on PostgreSQL, without the id, so did every candidate
of a time-ordered page). The index keeps its name and its leading columns
(``span_class, search_start, search_end``) and gains the columns those filters read. Plain
``CREATE INDEX`` / ``DROP INDEX``: no table is recreated, so SQLite's full-text triggers stay.

On PostgreSQL the event ``kind`` also gets ``COLLATE "C"``: ``of_kind("military")`` is the
range ``['military.', 'military/')``, which holds ``military.parade`` only in byte order (a
database collation that ignores punctuation, such as glibc ``en_US`` or ICU ``shifted``, sorts
it after ``military/``). Its full-text indexes read ASCII punctuation as spaces, so that
PostgreSQL's parser no longer keeps URLs, hosts, e-mails, paths, tags and numbers whole.

Revision ID: 9b4f2d6e1a37
Revises: cbde73b6e8b6
Create Date: 2026-11-29 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

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

# PostgreSQL full text: the ``simple`` tsvector with ASCII punctuation read as spaces, so a word
# inside a URL, a tag or a number is found; identical to the search module's expressions (the
# planner must match them).
PUNCTUATION = r"""'!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~'"""
SPACES = "'" + " " * 32 + "'"
SEARCH_INDEXES = {
    "ix_timeline_event_search": ("timeline_event", "title || ' ' || coalesce(summary, '')"),
    "ix_timeline_claim_search": ("timeline_claim", "coalesce(quote, '')"),
}


def _search_indexes(spaced: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, text) in SEARCH_INDEXES.items():
        if spaced:
            text = f"translate({text}, {PUNCTUATION}, {SPACES})"
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (to_tsvector('simple', {text}))")


def _kind_collation(collation: str | None) -> None:
    """PostgreSQL: the event kind in byte order (``of_kind`` is a range on it), or back."""
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "timeline_event",
            "kind",
            type_=sa.String(128, collation=collation),
            existing_type=sa.String(128),
            existing_nullable=False,
        )


def _precision_width(width: int) -> None:
    """PostgreSQL: precision columns wide enough for ``quadrimester`` (SQLite has no widths)."""
    if op.get_bind().dialect.name == "postgresql":
        for table in ("timeline_event", "timeline_event_version", "timeline_claim"):
            for column in ("start_precision", "end_precision"):
                op.alter_column(table, column, type_=sa.String(width))


def upgrade() -> None:
    op.drop_index("ix_timeline_event_window", table_name="timeline_event")
    # PostgreSQL also carries the id (SQLite's rowid is in every index already), so the top of
    # a time-ordered window is found in the index alone.
    op.create_index(
        "ix_timeline_event_window", "timeline_event", COVERED, postgresql_include=["id"]
    )
    _kind_collation("C")
    _search_indexes(spaced=True)
    _precision_width(12)


def downgrade() -> None:
    _precision_width(10)
    _search_indexes(spaced=False)
    _kind_collation(None)
    op.drop_index("ix_timeline_event_window", table_name="timeline_event")
    op.create_index("ix_timeline_event_window", "timeline_event", HULL)
