"""Alembic environment for timeline's own tables (thin: the logic is in timeline.migrations)."""

from sqlalchemy import engine_from_config, pool
from sqlalchemy.engine import Connection

from alembic import context
from timeline.migrations import VERSION_TABLE, compare_type, include_name, render_item
from timeline.models import metadata

config = context.config
if config.config_file_name is not None:  # only when run through the alembic CLI
    from logging.config import fileConfig

    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        render_item=render_item,
        render_as_batch=True,
        compare_type=compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


connectable = config.attributes.get("connection")
if connectable is None:  # a plain `alembic ...` run: build an engine from alembic.ini
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
if isinstance(connectable, Connection):
    _run(connectable)
else:
    with connectable.connect() as connection:
        _run(connection)
