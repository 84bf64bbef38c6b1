"""Embedding: a host application's engine, tables, metadata and Alembic history are untouched."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, inspect, text
from sqlmodel import Field, SQLModel

from alembic import command
from timeline import Timeline
from timeline.migrations import VERSION_TABLE

HOST_ENV = """
from alembic import context
from sqlalchemy import MetaData
target = MetaData()
def run():
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target)
    with context.begin_transaction():
        context.run_migrations()
run()
"""

HOST_REVISION = """
import sqlalchemy as sa
from alembic import op
revision = "host0001"
down_revision = None
branch_labels = None
depends_on = None
def upgrade():
    op.create_table(
        "host_note", sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.String)
    )
def downgrade():
    op.drop_table("host_note")
"""


def _host_alembic(tmp_path: Path, engine: Engine) -> Config:
    scripts = tmp_path / "host_migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "env.py").write_text(HOST_ENV)
    (scripts / "versions" / "host0001.py").write_text(HOST_REVISION)
    config = Config()
    config.set_main_option("script_location", str(scripts))
    return config


def test_host_tables_and_alembic_history_are_untouched(engine: Engine, tmp_path: Path) -> None:
    config = _host_alembic(tmp_path, engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.execute(text("INSERT INTO host_note (id, body) VALUES (1, 'mine')"))

    with Timeline(engine) as tl:
        tl.add_event("Parade", when="2026-02-25", kind="military.parade")

    with engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM host_note")).scalar_one() == "mine"
        host = MigrationContext.configure(connection).get_current_heads()
        assert host == ("host0001",)
    tables = set(inspect(engine).get_table_names())
    assert {"host_note", "alembic_version", VERSION_TABLE} <= tables
    assert all(t.startswith("timeline_") for t in tables - {"host_note", "alembic_version"})

    # The host's own autogenerate sees none of timeline's tables as its business... and
    # timeline's check ignores the host's table.
    with engine.begin() as connection:
        from timeline.migrations import alembic_config

        command.check(alembic_config(connection))


def test_importing_timeline_leaves_sqlmodel_metadata_alone() -> None:
    import timeline

    assert not [name for name in SQLModel.metadata.tables if name.startswith("timeline_")]
    assert timeline.metadata is not SQLModel.metadata


HOST_METADATA = MetaData()


class HostNote(SQLModel, table=True):
    """A host application's own SQLModel table, on its own metadata."""

    __tablename__ = "host_sqlmodel_note"
    metadata = HOST_METADATA
    id: int | None = Field(default=None, primary_key=True)


def test_host_sqlmodel_models_coexist(engine: Engine) -> None:
    host_metadata = MetaData()
    HostNote.__table__.to_metadata(host_metadata)
    Table("host_plain", host_metadata, Column("id", Integer, primary_key=True), Column("x", String))
    host_metadata.create_all(engine)
    with Timeline(engine) as tl:
        tl.add_entity("KCNA", kind="media")
    assert {"host_sqlmodel_note", "host_plain"} <= set(inspect(engine).get_table_names())


def test_the_engine_passed_in_stays_usable_after_close(engine: Engine) -> None:
    Timeline(engine).close()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
