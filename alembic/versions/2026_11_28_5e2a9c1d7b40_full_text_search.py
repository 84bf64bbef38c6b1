"""full-text search over event titles, summaries and claim quotes

SQLite: two FTS5 external-content tables (``timeline_event_fts`` over title and summary,
``timeline_claim_fts`` over quotes) kept in step by triggers. PostgreSQL: GIN indexes on the
``simple`` tsvector of the same text. Written by hand: autogenerate cannot see these objects,
and the library's ``include_name`` filter keeps it from proposing to drop them.

Note for later migrations: a batch ALTER that recreates ``timeline_event`` or
``timeline_claim`` on SQLite drops these triggers; recreate them (``_sqlite_up``) after it.

Revision ID: 5e2a9c1d7b40
Revises: c7310745a5c8
Create Date: 2026-11-28 23:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5e2a9c1d7b40"
down_revision: str | None = "c7310745a5c8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE timeline_event_fts USING fts5(
        title, summary, content='timeline_event', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER timeline_event_fts_insert AFTER INSERT ON timeline_event BEGIN
        INSERT INTO timeline_event_fts(rowid, title, summary)
        VALUES (new.id, new.title, new.summary);
    END""",
    """CREATE TRIGGER timeline_event_fts_delete AFTER DELETE ON timeline_event BEGIN
        INSERT INTO timeline_event_fts(timeline_event_fts, rowid, title, summary)
        VALUES ('delete', old.id, old.title, old.summary);
    END""",
    """CREATE TRIGGER timeline_event_fts_update AFTER UPDATE OF title, summary
    ON timeline_event BEGIN
        INSERT INTO timeline_event_fts(timeline_event_fts, rowid, title, summary)
        VALUES ('delete', old.id, old.title, old.summary);
        INSERT INTO timeline_event_fts(rowid, title, summary)
        VALUES (new.id, new.title, new.summary);
    END""",
    """CREATE VIRTUAL TABLE timeline_claim_fts USING fts5(
        quote, content='timeline_claim', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER timeline_claim_fts_insert AFTER INSERT ON timeline_claim
    WHEN new.quote IS NOT NULL BEGIN
        INSERT INTO timeline_claim_fts(rowid, quote) VALUES (new.id, new.quote);
    END""",
    """CREATE TRIGGER timeline_claim_fts_delete AFTER DELETE ON timeline_claim
    WHEN old.quote IS NOT NULL BEGIN
        INSERT INTO timeline_claim_fts(timeline_claim_fts, rowid, quote)
        VALUES ('delete', old.id, old.quote);
    END""",
    """CREATE TRIGGER timeline_claim_fts_update AFTER UPDATE OF quote ON timeline_claim BEGIN
        INSERT INTO timeline_claim_fts(timeline_claim_fts, rowid, quote)
        SELECT 'delete', old.id, old.quote WHERE old.quote IS NOT NULL;
        INSERT INTO timeline_claim_fts(rowid, quote)
        SELECT new.id, new.quote WHERE new.quote IS NOT NULL;
    END""",
    "INSERT INTO timeline_event_fts(timeline_event_fts) VALUES ('rebuild')",
    """INSERT INTO timeline_claim_fts(rowid, quote)
        SELECT id, quote FROM timeline_claim WHERE quote IS NOT NULL""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS timeline_claim_fts_update",
    "DROP TRIGGER IF EXISTS timeline_claim_fts_delete",
    "DROP TRIGGER IF EXISTS timeline_claim_fts_insert",
    "DROP TABLE IF EXISTS timeline_claim_fts",
    "DROP TRIGGER IF EXISTS timeline_event_fts_update",
    "DROP TRIGGER IF EXISTS timeline_event_fts_delete",
    "DROP TRIGGER IF EXISTS timeline_event_fts_insert",
    "DROP TABLE IF EXISTS timeline_event_fts",
]

# The expressions must stay identical to the search module's (the planner matches them).
POSTGRES_UP = [
    """CREATE INDEX ix_timeline_event_search ON timeline_event
        USING gin (to_tsvector('simple', title || ' ' || coalesce(summary, '')))""",
    """CREATE INDEX ix_timeline_claim_search ON timeline_claim
        USING gin (to_tsvector('simple', coalesce(quote, '')))""",
]

POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_timeline_claim_search",
    "DROP INDEX IF EXISTS ix_timeline_event_search",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_UP if sqlite else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_DOWN if sqlite else POSTGRES_DOWN:
        op.execute(statement)
