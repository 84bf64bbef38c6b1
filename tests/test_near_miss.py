"""Near misses: a write whose new kind, entity or place is one slip away from a stored one warns
(``NearMissWarning``), inside its transaction, so that strict mode keeps nothing."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.process import run
from sqlalchemy import func, select

import timeline
from timeline import NearMissWarning, NotFoundError, Timeline
from timeline.io import import_file
from timeline.models import Entity, Place, Source
from timeline.write import nearmiss


@pytest.fixture
def story(tl: Timeline) -> Timeline:
    """A timeline that knows a parade in Pyongyang with Kim Jong Un and Donald Trump."""
    tl.add_event(
        "Military parade",
        when="2026-02-25",
        kind="military.parade",
        place="Pyongyang",
        actors={"Kim Jong Un": "attendee", "Donald Trump": "subject"},
        new_actor_kind="person",
        new_place_kind="city",
    )
    return tl


def counts(tl: Timeline) -> tuple[int, ...]:
    with tl.session() as session:
        rows = [
            int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (Entity, Place, Source)
        ]
    return (*rows, tl.events().count())


@pytest.fixture
def strict() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", NearMissWarning)
        yield


def caught(action: object) -> list[NearMissWarning]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        action()  # type: ignore[operator]
    return [w.message for w in seen if isinstance(w.message, NearMissWarning)]


def test_a_misspelt_kind_name_and_place_warn_from_the_callers_line(story: Timeline) -> None:
    with pytest.warns(NearMissWarning) as record:
        story.add_event(
            "Second parade",
            when="2026-02-26",
            kind="militray.parade",
            place="Pyongyng",
            actors={"Donald Trum": "subject"},
            new_actor_kind="person",
            new_place_kind="city",
        )
    said = sorted(str(w.message) for w in record)
    assert said == [
        "entity 'Donald Trum' is new; did you mean 'Donald Trump'?",
        "kind 'militray.parade' is new; did you mean 'military.parade'?",
        "place 'Pyongyng' is new; did you mean 'Pyongyang'?",
    ]
    assert {w.filename for w in record} == {__file__}  # the user's call, not the library's
    first = next(w.message for w in record if "kind" in str(w.message))
    assert isinstance(first, NearMissWarning)
    assert (first.what, first.name, first.suggestion) == (
        "kind",
        "militray.parade",
        "military.parade",
    )
    assert issubclass(timeline.NearMissWarning, UserWarning)


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("KimJong Un", "Kim Jong Un"),  # spacing
        ("Jong Un Kim", "Kim Jong Un"),  # the same words in another order
        ("Kim Jong Um", "Kim Jong Un"),  # one letter changed
        ("Donald Trumpp", "Donald Trump"),  # one letter added
        ("Dnoald Trump", None),  # a slip within the first two letters of every word: unseen
        ("Donald Tusk", None),
        ("Kim Yo Jong", None),
    ],
)
def test_which_new_names_are_close(story: Timeline, name: str, meant: str | None) -> None:
    found = caught(
        lambda: story.add_event(
            "Talks",
            when="2026-03-01",
            kind="military.parade",
            actors={name: "host"},
            new_actor_kind="person",
        )
    )
    assert [w.suggestion for w in found] == ([meant] if meant else [])


@pytest.mark.parametrize(
    ("kind", "meant"),
    [
        ("militray.parade", "military.parade"),  # two letters swapped
        ("military.parades", "military.parade"),
        ("parade.military", "military.parade"),  # the segments in another order
        ("military.parade.night", None),  # a narrower kind is new, not a slip
        ("military", None),
        ("diplomacy.visit", None),  # new, and nothing close: no warning
    ],
)
def test_which_new_kinds_are_close(story: Timeline, kind: str, meant: str | None) -> None:
    found = caught(lambda: story.add_event("Drill", when="2026-03-01", kind=kind))
    assert [w.suggestion for w in found] == ([meant] if meant else [])


def test_a_write_using_the_kind_and_its_slip_still_warns(story: Timeline) -> None:
    rows = [
        {"title": "Drill", "when": "2026-03-02", "kind": "military.parade"},
        {"title": "Drill 2", "when": "2026-03-03", "kind": "military.parda"},
    ]
    assert [w.suggestion for w in caught(lambda: story.add_events(rows))] == ["military.parade"]


def test_names_differing_only_in_digits_are_different(tl: Timeline) -> None:
    tl.add_event(
        "Launch",
        when="1969-07-16",
        kind="space.launch",
        actors={"Apollo 11": "subject"},
        new_actor_kind="mission",
    )
    found = caught(
        lambda: tl.add_event(
            "Launch",
            when="1970-04-11",
            kind="space.launch",
            actors={"Apollo 13": "subject"},
            new_actor_kind="mission",
        )
    )
    assert found == []


def test_the_first_write_and_known_names_do_not_warn(tl: Timeline) -> None:
    assert (
        caught(
            lambda: tl.add_event(
                "A", when="2026", kind="a.b", actors={"Bo Bo": "host"}, new_actor_kind="person"
            )
        )
        == []
    )
    assert (
        caught(lambda: tl.add_event("B", when="2026", kind="a.b", actors={"BO-BO": "host"})) == []
    )


def test_strict_add_event_keeps_nothing(story: Timeline, strict: None) -> None:
    before = counts(story)
    source = {"title": "Report", "publisher": "Wire", "published": "2026-02-27"}
    with pytest.raises(NearMissWarning, match="did you mean 'Donald Trump'"):
        story.add_event(
            "Visit",
            when="2026-03-01",
            kind="diplomacy.visit",
            actors={"Donald Trum": "visitor"},
            new_actor_kind="person",
            source=source,
            place="Beijing",
            new_place_kind="city",
        )
    assert counts(story) == before
    with pytest.raises(NotFoundError):
        story.entity("Donald Trum")


def test_add_events_and_import_file_warn_and_strict_keeps_nothing(
    story: Timeline, tmp_path: Path
) -> None:
    rows = [{"title": "Drill", "when": "2026-03-02", "kind": "militray.parade"}]
    assert [w.name for w in caught(lambda: story.add_events(rows))] == ["militray.parade"]
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "title,when,kind,actors,place\n"
        "Summit,2026-03-03,diplomacy.summit,Kim Jong Um,Pyongyan\n"
        "Summit 2,2026-03-04,diplomacy.summit,Kim Jong Um,Pyongyan\n",
        encoding="utf-8",
    )
    before = counts(story)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NearMissWarning)
        with pytest.raises(NearMissWarning):
            import_file(story, sheet)
    assert counts(story) == before
    found = caught(lambda: import_file(story, sheet))
    assert sorted(w.suggestion for w in found) == ["Kim Jong Un", "Pyongyang"]  # once each
    assert counts(story)[-1] == before[-1] + 2


def test_a_new_publisher_of_a_claim(story: Timeline, strict: None) -> None:
    event = story.add_event("Visit", when="2026-04", kind="diplomacy.visit")
    story.add_source("First report", publisher="Yonhap News", published="2026-02-26")
    before = counts(story)
    source = {"title": "Second report", "publisher": "Yonhap Newz", "published": "2026-03-01"}
    with pytest.raises(NearMissWarning, match="did you mean 'Yonhap News'"):
        story.add_claim(event, source=source, status="postponed")
    assert counts(story) == before
    assert len(story.claims(event)) == 1


def _sheet(path: Path, names: list[str]) -> Path:
    lines = [f"E{i},2026-03-05,military.parade,{name}" for i, name in enumerate(names)]
    path.write_text("title,when,kind,actors\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_many_new_names_at_once(story: Timeline, tmp_path: Path) -> None:
    # More word buckets than are looked up one by one: the stored names are read in one query.
    names = [
        f"{chr(97 + i % 26)}{chr(97 + i // 26)}x Person{i}" for i in range(2 * nearmiss.MAX_BUCKETS)
    ]
    sheet = _sheet(tmp_path / "many.csv", [*names, "Donald Trumq"])
    found = caught(lambda: import_file(story, sheet))
    assert [w.name for w in found] == ["Donald Trumq"]


def test_warnings_are_capped_per_write(story: Timeline, tmp_path: Path) -> None:
    names = [f"Donald Trump{chr(97 + i)}" for i in range(nearmiss.MAX_WARNINGS + 5)]
    found = caught(lambda: import_file(story, _sheet(tmp_path / "capped.csv", names)))
    assert len(found) == nearmiss.MAX_WARNINGS + 1
    assert str(found[-1]) == "5 more near misses in this write"


def test_distance() -> None:
    assert nearmiss._distance("militray", "military", 2) == 1
    assert nearmiss._distance("kitten", "sitting", 5) == 3
    assert nearmiss._distance("abc", "xyz", 1) == 2  # stops past the limit


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "t.db")
    done = run(
        "--db",
        path,
        "add",
        "Parade",
        "--when",
        "2026-02-25",
        "--kind",
        "military.parade",
        "--actor",
        "Donald Trump=subject",
        "--place",
        "Pyongyang",
    )
    assert done.returncode == 0, done.stderr
    return path


def listed(db: str) -> str:
    done = run("--db", db, "ls", "--all", "--tsv")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_add_warns_on_one_line_and_strict_refuses(db: str) -> None:
    done = run(
        "--db",
        db,
        "add",
        "Drill",
        "--when",
        "2026-03-01",
        "--kind",
        "militray.parade",
        "--actor",
        "Donald Trum=host",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "Warning: kind 'militray.parade' is new; did you mean 'military.parade'?",
        "Warning: entity 'Donald Trum' is new; did you mean 'Donald Trump'?",
    ]
    before = listed(db)
    done = run(
        "--db",
        db,
        "add",
        "Talks",
        "--when",
        "2026-03-02",
        "--kind",
        "diplomacy.talks",
        "--place",
        "Pyongyng",
        "--strict",
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Error: place 'Pyongyng' is new; did you mean 'Pyongyang'? (--strict: nothing was written)"
    ]
    assert listed(db) == before
    done = run(
        "--db",
        db,
        "add",
        "Talks",
        "--when",
        "2026-03-02",
        "--kind",
        "diplomacy.talks",
        "--place",
        "Seoul",
        "--strict",
    )
    assert done.returncode == 0 and done.stderr == ""


def test_cli_import_and_claim_strict(db: str, tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("title,when,kind\nDrill,2026-03-01,military.parad\n", encoding="utf-8")
    before = listed(db)
    done = run("--db", db, "import", str(sheet), "--strict")
    assert done.returncode == 1 and "did you mean 'military.parade'" in done.stderr
    assert listed(db) == before
    done = run("--db", db, "import", str(sheet))
    assert done.returncode == 0
    assert "Warning: kind 'military.parad' is new" in done.stderr
    done = run(
        "--db",
        db,
        "claim",
        "1",
        "--publisher",
        "Donald Trum",
        "--published",
        "2026-03-01",
        "--status",
        "postponed",
        "--strict",
    )
    assert done.returncode == 1 and "did you mean 'Donald Trump'" in done.stderr
    history = run("--db", db, "history", "1", "--json")
    assert "postponed" not in history.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["ls", "--reference", "2026-02-26"], "--reference applies only with --between"),
        (["export", "-f", "json", "--reference", "2026-02-26"], "--reference applies only"),
        (["add", "X", "--when", "2026", "--kind", "a", "--place-kind", "city"], "--place-kind"),
        (["add", "X", "--when", "2026", "--kind", "a", "--actor-kind", "org"], "--actor-kind"),
        (["import", "x.csv", "--report", "r.csv"], "--report applies only with --skip-invalid"),
        (["import", "x.json", "--format", "json", "--mapping", "{m}"], "--mapping applies only"),
    ],
)
def test_options_that_do_not_apply_are_usage_errors(
    db: str, tmp_path: Path, args: list[str], said: str
) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text("{}", encoding="utf-8")
    before = listed(db)
    done = run("--db", db, *(arg.format(m=mapping) for arg in args))
    assert done.returncode == 2, done.stderr
    assert said in done.stderr.splitlines()[-1]
    assert listed(db) == before


@pytest.mark.parametrize(
    ("a", "b", "one"),
    [
        ("trump", "trum", True),
        ("trum", "trump", True),
        ("trump", "trunp", True),
        ("militray", "military", True),
        ("abc", "cab", False),
        ("abc", "abc", False),
        ("abcd", "abdc", True),
        ("abcd", "badc", False),
        ("kimjongun", "kimjongum", True),
    ],
)
def test_one_apart_agrees_with_the_distance(a: str, b: str, one: bool) -> None:
    assert nearmiss._one_apart(a, b) is one
    assert (nearmiss._distance(a, b, 3) == 1) is one
