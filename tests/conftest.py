"""Fixtures: every ``tl`` test runs on SQLite and, when a server is configured, PostgreSQL.

Set ``TIMELINE_TEST_POSTGRES_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
to run the PostgreSQL half; each run creates its own database and each test its own schema,
so reruns and parallel runs never collide. ``TIMELINE_REQUIRE_POSTGRES=1`` (set by CI) turns
a missing or unreachable server from a skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from timeline import Timeline

POSTGRES_URL = os.environ.get("TIMELINE_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("TIMELINE_REQUIRE_POSTGRES") == "1"


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return f"timeline: PostgreSQL tests run against {make_url(POSTGRES_URL).render_as_string()}"
    return "timeline: PostgreSQL tests skipped (set TIMELINE_TEST_POSTGRES_URL to run them)"


def _unavailable(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL is required (TIMELINE_REQUIRE_POSTGRES=1): {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database for this test run, dropped afterwards."""
    if not POSTGRES_URL:
        _unavailable("set TIMELINE_TEST_POSTGRES_URL to run the PostgreSQL tests")
    assert POSTGRES_URL is not None
    name = f"timeline_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # server down, driver missing, no rights
        admin.dispose()
        _unavailable(f"cannot create a database on {POSTGRES_URL}: {error}")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """An engine whose connections work in a schema of their own, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield engine
    finally:
        engine.dispose()
        with create_engine(postgres_url).begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the backend a test runs on."""
    return str(request.param)


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Engine]:
    """An empty database on the backend: a SQLite file, or a fresh PostgreSQL schema."""
    if backend == "postgresql":
        yield request.getfixturevalue("postgres_engine")
        return
    from timeline.database import make_engine

    engine = make_engine(f"{tmp_path}/test.db")
    yield engine
    engine.dispose()


@pytest.fixture
def tl(engine: Engine) -> Iterator[Timeline]:
    """A migrated, empty timeline on each backend."""
    with Timeline(engine) as timeline:
        yield timeline
