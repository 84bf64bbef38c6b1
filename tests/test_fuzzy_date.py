"""FuzzyDate: a host model's own fuzzy-date columns, windows and migrations."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, String, delete, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry
from sqlmodel import Field, SQLModel

from alembic import command
from tests.test_query_plans import plan
from timeline import Timeline, When
from timeline.embed import COLUMN_TYPES, FuzzyDate
from timeline.errors import InvalidEventError
from timeline.when import Conventions


class HostModel(SQLModel, registry=registry()):
    """A host application's own SQLModel base (its own metadata, as a test's must be)."""


class Article(FuzzyDate("covered"), HostModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_type=String)


class Base(DeclarativeBase):
    """A plain SQLAlchemy declarative host."""


class Note(FuzzyDate("noted"), Base):
    __tablename__ = "host_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]


VALUES: list[Any] = [
    "2026-21",  # spring 2026
    "2026-02-26",
    date(2026, 2, 26),
    "[2026-02-01..2026-02-26]",
    "2026-02/..",
    "../2026-02",
    "2026-02~/2026-06?",
    "202X",
    "2026-02-26T10:30:00+09:00",
    When.parse("later this spring", "2026-02-26"),
    When.parse("2020/..", "2026-02-26"),  # still going on the day it was said
    When.parse("tonight", "2026-02-26", conventions=Conventions(default_tz=ZoneInfo("Asia/Seoul"))),
]


@pytest.fixture
def host(engine: Engine) -> Engine:
    HostModel.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    return engine


def test_the_columns_and_index_are_on_the_host_table() -> None:
    table = Article.__table__  # type: ignore[attr-defined]
    assert {"covered_span_class", "covered_search_start", "covered_edtf"} <= set(table.c.keys())
    assert {index.name for index in table.indexes} == {"ix_article_covered_window"}
    assert {index.name for index in Note.__table__.indexes} == {"ix_host_note_noted_window"}
    assert Article.covered_start_at.type.__module__.startswith("sqlalchemy.")


@pytest.mark.parametrize("value", VALUES, ids=str)
def test_a_value_round_trips(host: Engine, value: Any) -> None:
    article = Article(title="a")
    article.covered = value
    note = Note(body="n")
    note.noted = value  # type: ignore[attr-defined]
    with Session(host) as session:
        session.add_all([article, note])
        session.commit()
    with Session(host) as session:
        assert session.scalars(select(Article)).one().covered == When.parse(value)
        assert session.scalars(select(Note)).one().noted == When.parse(value)  # type: ignore[attr-defined]


def test_the_constructor_takes_the_date(host: Engine) -> None:
    """SQLModel drops keywords that are no pydantic field; the mixin takes its own."""
    with Session(host) as session:
        session.add(Article(id=1, title="a", covered="2026-21"))
        session.add(Note(id=1, body="n", noted=date(2026, 2, 26)))
        session.commit()
        assert session.scalars(select(Article)).one().covered == When.parse("2026-21")
        assert session.scalars(select(Note)).one().noted == When.parse("2026-02-26")  # type: ignore[attr-defined]


def test_none_clears_the_columns(host: Engine) -> None:
    article = Article(title="a")
    assert article.covered is None
    article.covered = "2026"
    article.covered = None
    with Session(host) as session:
        session.add(article)
        session.commit()
        found = session.scalars(select(Article)).one()
        assert found.covered is None and found.covered_search_start is None


def test_a_bad_certainty_or_window_is_refused() -> None:
    with pytest.raises(InvalidEventError, match="certainty"):
        Article.covered_overlaps("2026", "2026", certainty="maybe")  # type: ignore[arg-type]
    with pytest.raises(InvalidEventError, match="ends before"):
        Article.covered_within("2027", "2026")


SHAPES = ["{y}", "{y}-{m:02d}", "{y}-{m:02d}-{d:02d}", "{y}-{s}", "{y}-{m:02d}~", "{y}?"]


@st.composite
def when_text(draw: st.DrawFn) -> str:
    def one() -> str:
        return draw(st.sampled_from(SHAPES)).format(
            y=draw(st.integers(2024, 2028)),
            m=draw(st.integers(1, 12)),
            d=draw(st.integers(1, 28)),
            s=draw(st.integers(21, 24)),
        )

    kind = draw(st.sampled_from(["date", "interval", "one_of", "time"]))
    if kind == "interval":
        return f"{draw(st.one_of(st.just('..'), st.builds(one)))}/{one()}"
    if kind == "one_of":
        return f"[{one()}..{one()}]"
    if kind == "time":
        day = draw(st.dates(date(2024, 1, 1), date(2028, 12, 31)))
        return f"{day.isoformat()}T23:30:00{draw(st.sampled_from(['Z', '+09:00', '-05:00']))}"
    return one()


def _valid(text: str) -> bool:
    try:
        When.parse(text)
    except Exception:
        return False
    return True


WINDOW = st.tuples(st.dates(date(2024, 1, 1), date(2028, 12, 31)), st.integers(0, 800)).map(
    lambda pair: (pair[0], date.fromordinal(pair[0].toordinal() + pair[1]))
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(when_text().filter(_valid), min_size=1, max_size=6), WINDOW)
def test_windows_agree_with_event_query(
    tl: Timeline, texts: list[str], window: tuple[date, date]
) -> None:
    """On the same Whens, a host's windows return what ``tl.events()`` returns."""
    HostModel.metadata.create_all(tl.engine)
    whens = [When.parse(text) for text in texts]
    events = {tl.add_event(f"e{i}", when=w, kind="test").id: i for i, w in enumerate(whens)}
    with Session(tl.engine) as session:
        session.execute(delete(Article))
        for i, when in enumerate(whens):
            article = Article(id=i, title=f"a{i}")
            article.covered = when
            session.add(article)
        session.commit()

        def hosted(condition: Any) -> set[int]:
            return set(session.scalars(select(Article.id).where(condition)))

        def evented(query: Any) -> set[int]:
            return {events[i] for i in query.ids() if i in events}

        start, end = window
        for certainty in ("possible", "certain"):
            assert hosted(Article.covered_overlaps(start, end, certainty=certainty)) == evented(
                tl.events().between(start, end, certainty=certainty)
            ), certainty
        assert hosted(Article.covered_within(start, end)) == evented(tl.events().within(start, end))


def test_windows_keep_their_meaning(host: Engine) -> None:
    """Hand-checked: a spring possibly, not certainly, overlaps March; it is within the year."""
    article = Article(id=1, title="a")
    article.covered = "2026-21"  # 1 Mar - 31 May 2026
    with Session(host) as session:
        session.add(article)
        session.commit()

        def ids(condition: Any) -> list[int]:
            return list(session.scalars(select(Article.id).where(condition)))

        assert ids(Article.covered_overlaps("2026-03", "2026-03")) == [1]
        assert ids(Article.covered_overlaps("2026-03", "2026-03", certainty="certain")) == []
        assert ids(Article.covered_overlaps("2026-03", "2026-05", certainty="certain")) == [1]
        assert ids(Article.covered_within("2026", "2026")) == [1]
        assert ids(Article.covered_within("2026-03", "2026-04")) == []
        assert ids(Article.covered_overlaps("2026-06", "2027")) == []


def test_an_open_end_is_certain_up_to_the_day_it_was_said(host: Engine) -> None:
    """As on events: "since 2020", said on 26 Feb 2026, certainly overlaps 2024; an unknown
    end (``2020/``) may have come right after the start."""
    with Session(host) as session:
        session.add(Article(id=1, title="going", covered=When.parse("since 2020", "2026-02-26")))
        session.add(Article(id=2, title="ended", covered=When.parse("2020/", "2026-02-26")))
        session.commit()

        def ids(condition: Any) -> list[int]:
            return sorted(session.scalars(select(Article.id).where(condition)))

        assert ids(Article.covered_overlaps("2024", "2024")) == [1, 2]
        assert ids(Article.covered_overlaps("2024", "2024", certainty="certain")) == [1]
        assert ids(Article.covered_overlaps("2026-02-27", "2027", certainty="certain")) == []
        assert ids(Article.covered_within("2020", "2030")) == []
        going = session.get(Article, 1)
        assert going is not None and going.covered_end_earliest == date(2026, 2, 26)
        assert going.covered is not None and going.covered.ongoing_until == date(2026, 2, 26)


def test_windows_use_the_host_window_index(host: Engine) -> None:
    with Session(host) as session:
        for i in range(2000):
            article = Article(id=i + 1, title=f"a{i}")
            article.covered = f"{1990 + i % 40}-{i % 12 + 1:02d}"
            session.add(article)
        session.commit()
    if host.dialect.name == "postgresql":
        with host.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("ANALYZE")
    windows = [
        Article.covered_overlaps("2026-02", "2026-02"),
        Article.covered_overlaps("2026-02", "2026-02", certainty="certain"),
        Article.covered_within("2026-02", "2026-02"),
    ]
    for condition in windows:
        text = plan(SimpleNamespace(engine=host), select(Article.id).where(condition))  # type: ignore[arg-type]
        assert "ix_article_covered_window" in text, text
        assert "SCAN article" not in text, text


HOST_ENV = """
from alembic import context
def run():
    context.configure(
        connection=context.config.attributes["connection"],
        target_metadata=context.config.attributes["target"],
    )
    with context.begin_transaction():
        context.run_migrations()
run()
"""


@pytest.mark.parametrize("metadata", [HostModel.metadata, Base.metadata], ids=["sqlmodel", "sa"])
def test_host_autogenerate_renders_plain_sqlalchemy(
    engine: Engine, tmp_path: Path, metadata: Any
) -> None:
    scripts = tmp_path / "migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "env.py").write_text(HOST_ENV)
    (scripts / "script.py.mako").write_text(
        Path(command.__file__).parent.joinpath("templates/generic/script.py.mako").read_text()
    )
    config = Config()
    config.set_main_option("script_location", str(scripts))
    with engine.begin() as connection:
        config.attributes.update(connection=connection, target=metadata)
        command.revision(config, message="host", autogenerate=True)
    rendered = next((scripts / "versions").glob("*.py")).read_text()
    assert "timeline" not in rendered
    prefix = "covered_" if metadata is HostModel.metadata else "noted_"
    columns = [line.strip() for line in rendered.splitlines() if f"Column('{prefix}" in line]
    assert len(columns) == len(COLUMN_TYPES)
    assert all(re.match(rf"sa\.Column\('{prefix}\w+', sa\.\w+\(", line) for line in columns)
    assert "sa.DateTime(timezone=True)" in rendered
    table = "article" if metadata is HostModel.metadata else "host_note"
    assert f"op.create_index('ix_{table}_" in rendered
    with engine.begin() as connection:
        config.attributes.update(connection=connection, target=metadata)
        command.upgrade(config, "head")
        names = {index["name"] for index in inspect(connection).get_indexes(table)}
    assert any(name and name.endswith("_window") for name in names)


def test_a_time_keeps_its_instant_and_zone(host: Engine) -> None:
    article = Article(id=1, title="a")
    article.covered = datetime(2026, 2, 26, 1, 30, tzinfo=timezone.utc)
    with Session(host) as session:
        session.add(article)
        session.commit()
        found = session.scalars(select(Article)).one().covered
    assert found is not None and found.start_earliest == datetime(
        2026, 2, 26, 1, 30, tzinfo=timezone.utc
    )
