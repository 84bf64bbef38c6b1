"""Query plans: windows, actor timelines and search must use their indexes, on both backends.

SQLite: ``EXPLAIN QUERY PLAN`` with the real bound parameters, no ``ANALYZE`` (as most users'
files are). PostgreSQL: the statement is PREPAREd and explained under
``plan_cache_mode = force_generic_plan``, the plan psycopg reuses after five executions: an
expression index that only matched a literal (trap G3) would fall back to a scan here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.sql import CompoundSelect, Select

from timeline import EventQuery, Timeline
from timeline.query import ROW_COLUMNS


@pytest.fixture
def loaded(tl: Timeline) -> Timeline:
    tl.add_entity("Kim Jong Un", kind="person")
    tl.add_entity("Kim Ju Ae", kind="person")
    shapes = ["{y}-{m:02d}-{d:02d}", "{y}-{m:02d}", "[{y}-{m:02d}-01..{y}-{m:02d}-{d:02d}]", "{y}"]
    rows = (
        {
            "title": f"Parade number {i} word{i % 50}",
            "when": "1990/.."
            if i % 100 == 0
            else shapes[i % 4].format(y=1990 + i % 40, m=i % 12 + 1, d=i % 28 + 1),
            "kind": "military.parade",
            "actors": {"Kim Jong Un" if i % 3 else "Kim Ju Ae": "attendee"},
            "quote": f"quoted{i % 40} words",
        }
        for i in range(2000)
    )
    tl.add_events(rows)
    if tl.engine.dialect.name == "postgresql":  # as autovacuum would; SQLite files rarely are
        with tl.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM timeline_event")  # index-only scans need it
            connection.exec_driver_sql("ANALYZE")
    return tl


#: A PostgreSQL index-only range of a window (a certain window's may use its own index).
INDEX_ONLY = re.compile(r"Index Only Scan using ix_timeline_event_(window|certain)\b")


def plan(tl: Timeline, statement: Select[Any] | CompoundSelect[Any]) -> str:
    """The plan of ``statement`` as text (generic plan on PostgreSQL)."""
    compiled = statement.compile(tl.engine)
    raw: Any = tl.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if tl.engine.dialect.name == "sqlite":
            params = [compiled.params[name] for name in compiled.positiontup or []]
            params = [p.isoformat() if hasattr(p, "isoformat") else p for p in params]
            cursor.execute(f"EXPLAIN QUERY PLAN {compiled}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            names.append(match.group(1))
            kind = compiled.binds[match.group(1)].type.compile(tl.engine.dialect)
            return f"${len(names)}::{kind}"

        sql = re.sub(r"%\((\w+)\)s", number, str(compiled)).replace("%%", "%")  # pyformat
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("SET enable_seqscan = off")  # a small table: ask whether indexes serve
        cursor.execute(f"PREPARE timeline_plan AS {sql}")
        values = ", ".join(_literal(compiled.params[name]) for name in names)
        cursor.execute(
            f"EXPLAIN EXECUTE timeline_plan({values})" if names else "EXPLAIN EXECUTE timeline_plan"
        )
        text = "\n".join(str(row[0]) for row in cursor.fetchall())
        cursor.execute("DEALLOCATE timeline_plan")
        return text
    finally:
        raw.rollback()
        raw.close()


def _literal(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text.replace("'", "''") + "'"


def _windows(query: EventQuery) -> list[EventQuery]:
    return [
        query.between("2026-02", "2026-02"),
        query.between("2026-02", "2026-02", certainty="certain"),
        query.within("2026-02", "2026-02"),
        query.between("2026", "2026", ongoing=False),
    ]


def test_windows_use_the_bucketed_index(loaded: Timeline) -> None:
    for query in _windows(loaded.events()):
        text = plan(loaded, query.statement)
        if loaded.engine.dialect.name == "sqlite":
            assert "ix_timeline_event_window" in text, text
            assert not re.search(r"SCAN timeline_event(\s|$)", text), text
        else:
            assert re.search(r"ix_timeline_event_(window|bounds|certain)", text), text
            assert "Seq Scan on timeline_event" not in text, text


def test_window_count_and_first_page_use_the_index(loaded: Timeline) -> None:
    query = loaded.events().between("2026-02", "2026-02")
    from sqlalchemy import func, select

    counted = select(func.count()).select_from(query.statement.subquery())
    for statement in (counted, query.order_by_time().limit(100).statement):
        text = plan(loaded, statement)
        assert re.search(r"ix_timeline_event_(window|bounds|certain)", text), text
        assert "Seq Scan on timeline_event" not in text, text


def test_window_counts_read_only_the_window_index(loaded: Timeline) -> None:
    """count() of any window is one range per span class of a covering index: no table reads.

    The index holds the live marks (deleted_at, merged_into_id) and the strict bounds, so the
    live filter and the certain/within tests never look a row up.
    """
    for query in _windows(loaded.events()):
        text = plan(loaded, query._count_statement().params(query._bound()))
        if loaded.engine.dialect.name == "sqlite":
            ranges = re.findall(r"SEARCH timeline_event USING (.*?) \(", text)
            assert ranges == ["COVERING INDEX ix_timeline_event_window"] * 4, text
        else:
            assert len(INDEX_ONLY.findall(text)) == 4, text
            assert "Heap" not in text and "Seq Scan" not in text, text


def test_window_rows_read_one_range_per_span_class(loaded: Timeline) -> None:
    """rows() of a window in the default order reads each span class's range on its own, so
    the certain/within tests and the live marks are checked in the index before a row is read
    (on SQLite an OR of the classes would read every row of the hull first). PostgreSQL ORs
    the classes of a possible window into one bitmap scan, which also tests in the index and
    is faster for its many rows."""
    for query in _windows(loaded.events()):
        statement = query._columns_statement(ROW_COLUMNS, ordered=False).params(query._bound())
        text = plan(loaded, statement)
        if loaded.engine.dialect.name == "sqlite":
            ranges = re.findall(r"SEARCH timeline_event USING (.*?) \(", text)
            assert ranges == ["INDEX ix_timeline_event_window"] * 4, text
            assert "MULTI-INDEX OR" not in text, text
        elif query._window_test() == "possible":
            assert "BitmapOr" in text and "Seq Scan" not in text, text
        else:
            scans = re.findall(r"(?<!Bitmap )Index Scan using ix_timeline_event_\w+", text)
            assert len(scans) == 4 and "Bitmap" not in text, text


def test_certain_and_within_windows_filter_inside_the_index(loaded: Timeline) -> None:
    """Every column a window tests is in the window index, so the rows of certain/within
    windows are read from the table only when they match (SQLite's deferred seek)."""
    index = next(
        i
        for i in inspect(loaded.engine).get_indexes("timeline_event")
        if i["name"] == "ix_timeline_event_window"
    )
    tested = {"span_class", "search_start", "search_end", "deleted_at", "merged_into_id"}
    tested |= {"start_earliest", "start_latest", "end_earliest", "end_latest"}
    assert tested <= set(index["column_names"]), index


def test_certain_windows_on_postgresql_test_their_bounds_in_an_index(loaded: Timeline) -> None:
    """The COALESCE of the certain test is an index condition of ``ix_timeline_event_certain``,
    so the rows read are the matches, not every row of the hull."""
    if loaded.engine.dialect.name != "postgresql":
        pytest.skip("SQLite tests the strict bounds in its covering window index")
    query = loaded.events().between("2026-02", "2026-02", certainty="certain")
    text = plan(loaded, query._columns_statement(ROW_COLUMNS, ordered=False).params(query._bound()))
    conditions = re.findall(r"Index Cond: (.*)", text)
    assert conditions and all("COALESCE" in c for c in conditions), text
    assert "ix_timeline_event_certain" in text, text


def test_actor_timeline_uses_the_covering_participation_index(loaded: Timeline) -> None:
    query = loaded.events().involving("Kim Ju Ae").between("2026-02", "2026-02").order_by_time()
    text = plan(loaded, query.statement)
    assert "ix_timeline_participation_actor_window" in text, text
    if loaded.engine.dialect.name == "sqlite":
        assert "COVERING INDEX ix_timeline_participation_actor_window" in text, text
        assert not re.search(r"SCAN timeline_event(\s|$)", text), text
    else:
        assert "Seq Scan" not in text, text


def test_search_uses_the_full_text_indexes(loaded: Timeline) -> None:
    query = loaded.events().search("word7 quoted3")
    text = plan(loaded, query.statement)
    if loaded.engine.dialect.name == "sqlite":
        assert "VIRTUAL TABLE INDEX" in text and "timeline_event_fts" in text, text
        assert "timeline_claim_fts" in text, text
        assert not re.search(r"SCAN timeline_event(\s|$)", text), text
    else:
        assert "ix_timeline_event_search" in text, text
        assert "ix_timeline_claim_search" in text, text
        assert "Seq Scan" not in text, text


@pytest.mark.parametrize("text", ['"parade number" word7', "word7 OR quoted3* parade"])
def test_phrases_prefixes_or_and_ranking_use_the_full_text_indexes(
    loaded: Timeline, text: str
) -> None:
    for query in (loaded.events().search(text), loaded.events().search(text, rank=True)):
        plan_text = plan(loaded, query.statement)
        if loaded.engine.dialect.name == "sqlite":
            assert "VIRTUAL TABLE INDEX" in plan_text and "timeline_claim_fts" in plan_text
            assert not re.search(r"SCAN timeline_event(\s|$)", plan_text), plan_text
        else:
            assert "ix_timeline_event_search" in plan_text, plan_text
            assert "Seq Scan" not in plan_text, plan_text


def test_search_results_on_the_loaded_data(loaded: Timeline) -> None:
    assert loaded.events().search("word7").count() == 40
    assert loaded.events().search("word7 quoted7").count() == 10  # i = 7 (mod 200)
    assert loaded.events().search("quoted3").count() == 50
    assert loaded.events().search('"parade number" word7 OR word8').count() == 80
    quoted_3x = (3, *range(30, 40))  # quoted3*: quoted3 and quoted30 to quoted39
    expected = sum(1 for i in range(2000) if i % 50 == 7 or i % 40 in quoted_3x)
    assert loaded.events().search("word7 OR quoted3* parade").count() == expected


@pytest.mark.parametrize("period", ["month", "week"])
def test_per_month_counts_read_only_the_window_index(loaded: Timeline, period: str) -> None:
    """count_by of a window groups one covering-index range per span class: no table reads."""
    dialect = loaded.engine.dialect.name
    for query in _windows(loaded.events()):
        counts = query._count_by_statement(period, dialect).params(query._bound())
        text = plan(loaded, counts)
        if dialect == "sqlite":
            ranges = re.findall(r"SEARCH timeline_event USING (.*?) \(", text)
            assert ranges == ["COVERING INDEX ix_timeline_event_window"] * 4, text
        else:
            assert len(INDEX_ONLY.findall(text)) == 4, text
            assert "Heap" not in text and "Seq Scan" not in text, text


def test_no_lone_start_index_the_sqlite_planner_could_pick(tl: Timeline) -> None:
    """A start-only index on events makes SQLite walk every earlier start (PERF-BASELINES G1)."""
    starts = {"search_start", "start_earliest"}
    for index in inspect(tl.engine).get_indexes("timeline_event"):
        columns = [c for c in index["column_names"] if c]
        assert not (len(columns) == 1 and columns[0] in starts), index


def test_time_ordered_window_pages_find_their_ids_in_the_window_index(loaded: Timeline) -> None:
    """The first page of a window in time order ranks the candidates in the covering index and
    reads only the page's rows (by primary key)."""
    for query in _windows(loaded.events()):
        for descending in (False, True):
            page = query.order_by_time(descending=descending).limit(100)
            text = plan(loaded, page.statement)
            if loaded.engine.dialect.name == "sqlite":
                ranges = re.findall(r"SEARCH timeline_event USING (.*?) \(", text)
                covering = ["COVERING INDEX ix_timeline_event_window"] * 4
                assert sorted(ranges) == [*covering, "INTEGER PRIMARY KEY"], text
            else:
                assert len(INDEX_ONLY.findall(text)) == 4, text
                assert "Seq Scan" not in text, text


def test_the_first_page_of_the_listing_reads_the_time_index(loaded: Timeline) -> None:
    """``ls``: the first page of every live event in time order is read in index order, not
    sorted from the whole table (on SQLite only each run of equal starts is sorted)."""
    text = plan(loaded, loaded.events().order_by_time().limit(50).statement)
    if loaded.engine.dialect.name == "sqlite":
        assert "SCAN timeline_event USING INDEX ix_timeline_event_time" in text, text
        assert "USE TEMP B-TREE FOR ORDER BY" not in text, text
    else:
        assert "Index Scan using ix_timeline_event_time" in text, text
        assert not re.search(r"\bSort\b", text), text


def test_matching_an_imported_row_by_content_reads_the_title_index(loaded: Timeline) -> None:
    """An import asks which of a chunk's titles are stored, then for the event with a row's
    title, kind and date: both read the title index, never the whole table (1 s a chunk at
    1M events), nor the kind index (thousands of events a kind)."""
    from sqlmodel import col, select

    from timeline import Event

    stored = select(col(Event.title)).where(col(Event.title) == "Parade number 7 word7")
    same = select(col(Event.id)).where(
        col(Event.title) == "Parade number 7 word7", col(Event.kind) == "military.parade"
    )
    for statement in (stored, same):
        text = plan(loaded, statement)
        if loaded.engine.dialect.name == "sqlite":
            assert re.search(
                r"USING (COVERING )?INDEX ix_timeline_event_title \(title=\?\)", text
            ), text
        else:
            assert "ix_timeline_event_title" in text, text
