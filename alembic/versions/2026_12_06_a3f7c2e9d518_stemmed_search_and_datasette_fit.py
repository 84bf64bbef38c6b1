"""stemmed full-text search; FTS tables Datasette and sqlite-utils detect; a readable view

Search stems words on both backends (``elections`` finds ``election``):

- SQLite: the FTS5 tables ``timeline_event_fts`` and ``timeline_claim_fts`` are recreated with
  the ``porter`` tokenizer around ``unicode61 remove_diacritics 0``, and with their options in
  double quotes (``content="timeline_event"``), the form Datasette's and sqlite-utils' full-text
  detection looks for. Their triggers are recreated and the tables rebuilt from the rows. A
  ``timeline_events`` view shows what a person reads first: id, title, when (EDTF), kind,
  status, place, actors and summary of the live events.
- PostgreSQL: a text search configuration ``timeline_search`` (``simple``, with words stemmed by
  the Snowball ``porter`` dictionary and no stop words, as FTS5's ``porter``) and the GIN indexes
  rebuilt on ``to_tsvector('timeline_search', ...)``, the event's with a gap between the title
  and the summary so that no phrase runs from one into the other (as in FTS5's two columns).

The downgrade restores the unstemmed tables, triggers and indexes. A later batch ALTER that
recreates ``timeline_event`` or ``timeline_claim`` on SQLite drops the triggers and the view;
recreate them (``_sqlite_search``, ``VIEW``) after it.

Revision ID: a3f7c2e9d518
Revises: 4c8e1f3a9d62
Create Date: 2026-12-06 05:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a3f7c2e9d518"
down_revision: str | None = "4c8e1f3a9d62"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STEMMED = "porter unicode61 remove_diacritics 0"
PLAIN = "unicode61 remove_diacritics 0"


def _sqlite_search(quote: str, tokenizer: str) -> list[str]:
    """The full-text tables with their options in ``quote``s, their triggers, and the rebuild."""

    def options(table: str) -> str:
        return (
            f"content={quote}{table}{quote}, content_rowid={quote}id{quote}, "
            f"tokenize={quote}{tokenizer}{quote}"
        )

    return [
        f"""CREATE VIRTUAL TABLE timeline_event_fts USING fts5(
            title, summary, {options("timeline_event")})""",
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
        f"""CREATE VIRTUAL TABLE timeline_claim_fts USING fts5(
            quote, {options("timeline_claim")})""",
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


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS timeline_claim_fts_update",
    "DROP TRIGGER IF EXISTS timeline_claim_fts_delete",
    "DROP TRIGGER IF EXISTS timeline_claim_fts_insert",
    "DROP TABLE IF EXISTS timeline_claim_fts",
    "DROP TRIGGER IF EXISTS timeline_event_fts_update",
    "DROP TRIGGER IF EXISTS timeline_event_fts_delete",
    "DROP TRIGGER IF EXISTS timeline_event_fts_insert",
    "DROP TABLE IF EXISTS timeline_event_fts",
]

# The live events as a person reads them: what they are first, the bookkeeping left out.
VIEW = """CREATE VIEW timeline_events AS
SELECT
    e.id,
    e.title,
    coalesce(e.edtf, e.date_phrase) AS "when",
    e.kind,
    e.status,
    p.name AS place,
    (
        SELECT group_concat(names.name, '; ')
        FROM (
            SELECT DISTINCT n.name
            FROM timeline_participation AS pa
            JOIN timeline_entity AS n ON n.id = pa.entity_id
            WHERE pa.event_id = e.id
            ORDER BY n.name
        ) AS names
    ) AS actors,
    e.summary
FROM timeline_event AS e
LEFT JOIN timeline_place AS p ON p.id = e.place_id
WHERE e.deleted_at IS NULL AND e.merged_into_id IS NULL"""

# PostgreSQL: the expressions must stay identical to the search module's (the planner matches
# them). ASCII punctuation is read as spaces, as in 9b4f2d6e1a37.
PUNCTUATION = r"""'!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~'"""
SPACES = "'" + " " * 32 + "'"


def _spaced(text: str) -> str:
    return f"translate({text}, {PUNCTUATION}, {SPACES})"


def _search_vectors(config: str) -> dict[str, tuple[str, str]]:
    """The full-text indexes: name to (table, indexed vector) in ``config``.

    Stemmed, the event's vector has the token ``x.y`` (which no text can hold: its dot is read
    as a space) set between the title and the summary and deleted again, leaving a gap, so no
    phrase runs from the title into the summary. The ``simple`` ones are 9b4f2d6e1a37's.
    """
    title, summary = _spaced("title"), _spaced("coalesce(summary, '')")
    quote = _spaced("coalesce(quote, '')")
    if config == "simple":
        event = "to_tsvector('simple', " + _spaced("title || ' ' || coalesce(summary, '')") + ")"
    else:
        event = f"ts_delete(to_tsvector('{config}', {title} || ' x.y ' || {summary}), 'x.y')"
    return {
        "ix_timeline_event_search": ("timeline_event", event),
        "ix_timeline_claim_search": ("timeline_claim", f"to_tsvector('{config}', {quote})"),
    }


# Every token type of the default parser that holds letters: stemmed. Numbers, URLs, hosts
# and the like stay as ``simple`` reads them (lower case).
WORD_TOKENS = (
    "asciiword, word, numword, asciihword, hword, hword_asciipart, hword_part, hword_numpart"
)
POSTGRES_CONFIG = [
    "CREATE TEXT SEARCH DICTIONARY timeline_porter (TEMPLATE = snowball, Language = porter)",
    "CREATE TEXT SEARCH CONFIGURATION timeline_search (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION timeline_search ALTER MAPPING FOR {WORD_TOKENS} "
    "WITH timeline_porter",
]


def _postgres_indexes(config: str) -> None:
    for name, (table, vector) in _search_vectors(config).items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({vector})")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*SQLITE_DROP, *_sqlite_search('"', STEMMED), VIEW]:
            op.execute(statement)
    else:
        for statement in POSTGRES_CONFIG:
            op.execute(statement)
        _postgres_indexes("timeline_search")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP VIEW IF EXISTS timeline_events")
        for statement in [*SQLITE_DROP, *_sqlite_search("'", PLAIN)]:
            op.execute(statement)
    else:
        _postgres_indexes("simple")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS timeline_search")
        op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS timeline_porter")
