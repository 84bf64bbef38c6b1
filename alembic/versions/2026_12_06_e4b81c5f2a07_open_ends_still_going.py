"""open ends: a span still going lasted at least until it was said

An open end (EDTF ``2020/..``, "since 2020") says the thing had not ended on the day the value
was said: its reference date (``date_reference``), or its latest start when it has none or
when the reference comes before its earliest start. ``end_earliest`` of such a span now holds
that day (``When.ongoing_until``) instead of NULL, so a certain window from the latest start up
to that day finds it, through the window indexes that already read ``end_earliest`` (and on
PostgreSQL ``coalesce(end_earliest, start_earliest)`` in ``ix_timeline_event_certain``).
``end_latest`` stays NULL and an unknown end (``2020/``) is unchanged.

The upgrade fills the day in on the events, their versions and the claims; the downgrade
empties it again. Only values change, not the schema.

Revision ID: e4b81c5f2a07
Revises: a3f7c2e9d518
Create Date: 2026-12-06 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "e4b81c5f2a07"
down_revision: str | None = "a3f7c2e9d518"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("timeline_event", "timeline_event_version", "timeline_claim")


def _table(name: str) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("span", sa.Boolean()),
        sa.column("end_state", sa.String()),
        sa.column("start_earliest", sa.Date()),
        sa.column("start_latest", sa.Date()),
        sa.column("end_earliest", sa.Date()),
        sa.column("date_reference", sa.Date()),
    )


def _still_going(table: sa.TableClause) -> sa.ColumnElement[bool]:
    return sa.and_(table.c.span == sa.true(), table.c.end_state == "open")


def upgrade() -> None:
    for name in TABLES:
        table = _table(name)
        said = table.c.date_reference
        # As When.ongoing_until: the reference, unless missing or before the earliest start.
        until = sa.case(
            (
                sa.and_(
                    said.is_not(None),
                    sa.or_(table.c.start_earliest.is_(None), said >= table.c.start_earliest),
                ),
                said,
            ),
            else_=table.c.start_latest,
        )
        op.execute(table.update().where(_still_going(table)).values(end_earliest=until))


def downgrade() -> None:
    for name in TABLES:
        table = _table(name)
        op.execute(table.update().where(_still_going(table)).values(end_earliest=None))
