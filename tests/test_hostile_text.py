"""Hostile text is only text: every string parameter, on both backends and through the CLI.

SQL metacharacters, LIKE wildcards, full-text syntax, markup, spreadsheet formulas and tricky
Unicode are stored and returned verbatim, or refused with a documented ``TimelineError``; they
never run, never widen a filter, and leave the schema as it was. The rules are in
docs/reliability.md ("Hostile text is only text") and :mod:`timeline.text`.
"""

from __future__ import annotations

import csv
import json
import unicodedata
import warnings
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fixtures.csvtext import csv_text
from fixtures.process import run as _cli
from fixtures.story import db_address
from sqlalchemy import Engine, func, inspect, select

from timeline import (
    ConfusableNameWarning,
    Event,
    InvalidEventError,
    NotFoundError,
    Timeline,
    TimelineError,
)
from timeline.io import export_file, import_file
from timeline.models import Entity, Place
from timeline.text import MAX_INDEXED_BYTES, MAX_TEXT_LENGTH

#: Text that means something to SQL, LIKE, driver parameter styles, HTML, spreadsheets or
#: terminals; each holds a letter, so each can also be a name, and no two share a lookup key.
HOSTILE = [
    "'; DROP TABLE timeline_event; --",
    '" OR 1=1 --',
    "x' OR 'a'='a",
    "Robert'); DELETE FROM timeline_entity WHERE ('1'='1",
    "1; SELECT pg_sleep(5); --",
    "back\\slash\\' quote\\",
    "100% sure_thing",
    "%percent%",
    "_under_score_",
    "esc\\%aped\\_like",
    "$1 :name ? %s %(title)s {0}",
    "<script>alert(1)</script>",
    "</script><!-- <img src=x onerror=alert(2)>",
    "]]> & &amp; &lt;",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "term \x1b[31mred\x1b]0;pwned\x07",
    "line\nbreak\r\nand\ttab",
    "NULL",
    "None",
    "Ñuñoa 김정은 😀",
    "sep\u2028line\u2029para",
]

#: Texts whose words PostgreSQL's text-search parser reads as other tokens (a tag, a URL, an
#: e-mail, a signed or decimal number) unless their punctuation is read as spaces first.
PARSER_GAPS = [
    *HOSTILE[11:18],
    "see example.org/path",
    "mail user@mail.com",
    "pi 3.14",
    "<b>bold</b> claim",
    "v1.2.3 release",
]

#: Full-text syntax of SQLite FTS5 and PostgreSQL tsquery (none of it may raise or inject).
FTS_SYNTAX = [
    '"',
    '"alpha',
    'alpha"',
    "alpha*",
    "*",
    "NEAR(alpha gamma)",
    "alpha AND OR NOT gamma",
    "alpha OR gamma",
    "^alpha",
    "title:gamma",
    "summary : alpha",
    "-gamma",
    "(alpha",
    "alpha)",
    "gamma & !delta",
    "gamma | alpha",
    "gamma <-> delta",
    "gamma <2> delta",
    "alpha:*",
    "!",
    "''",
    "",
    "   ",
    "\t\n",
    "{alpha gamma}",
    "alpha + gamma",
    "\\",
]


def _schema(engine: Engine) -> dict[str, list[str]]:
    inspector = inspect(engine)
    return {
        t: sorted(c["name"] for c in inspector.get_columns(t))
        for t in sorted(inspector.get_table_names())
    }


def _counts(tl: Timeline) -> tuple[int, int, int]:
    with tl.session() as session:
        return (
            tl.events().count(),
            int(session.scalar(select(func.count()).select_from(Entity)) or 0),
            int(session.scalar(select(func.count()).select_from(Place)) or 0),
        )


def _refused_or_nothing(call: Callable[[], Any]) -> Any:
    """The call's result, or ``None`` when it raised a documented ``TimelineError``."""
    try:
        return call()
    except TimelineError:
        return None


# -- every string parameter --------------------------------------------------------------------


def test_every_text_parameter_is_stored_and_returned_verbatim(tl: Timeline) -> None:
    schema = _schema(tl.engine)
    for i, text in enumerate(HOSTILE):
        entity = tl.add_entity(
            text, kind="person", aliases=[f"{text} alias"], external_ids={text: text}
        )
        place = tl.add_place(text, kind="city", aliases=[f"{text} alias"])
        url = f"https://example.org/{i}?q={text}"
        source = tl.add_source(text, publisher=text, published="2026-02-01", url=url)
        event = tl.add_event(
            text,
            when="2026-02-26",
            kind="hostile.text",
            summary=text,
            place=text,
            actors={text: "speaker"},
            tags=[text],
            external_ids={"hostile": text},
            source=source,
            quote=text,
        )
        tl.add_claim(event, source=source, quote=f"{text} again")
        statement = tl.add_statement(text, text, source=source, event=event, about=[text])

        stored = tl.get_event(event.id or 0)
        assert stored.title == text.strip() and stored.summary == text
        assert tl.entity(text).name == text and tl.entity(f"{text} alias").id == entity.id
        assert tl.entity(text).external_ids == {text: text}
        assert tl.place(text).name == text and tl.place(f"{text} alias").id == place.id
        assert [c.quote for c in tl.claims(event)] == [text, f"{text} again"]
        assert [s.text for s in tl.statements(speaker=text)] == [statement.text] == [text.strip()]
        assert [s.text for s in tl.statements(about=text)] == [text.strip()]
        queries = [
            tl.events().involving(text),
            tl.events().involving(f"{text} alias", role="speaker"),
            tl.events().at(text),
            tl.events().tagged(text),
            tl.events().from_source(url),
        ]
        queries.append(tl.events().search(text))
        for query in queries:
            assert query.ids() == [event.id], (text, query)
    assert _counts(tl) == (len(HOSTILE),) * 3  # each publisher is the entity of that name
    assert _schema(tl.engine) == schema


def test_add_events_stores_hostile_rows_verbatim(tl: Timeline) -> None:
    for text in HOSTILE:
        tl.add_entity(text, kind="person")
        tl.add_place(text, kind="city")
    rows = [
        {
            "title": text,
            "when": "2026",
            "kind": "hostile.bulk",
            "summary": text,
            "quote": text,
            "place": text,
            "actors": {text: "speaker"},
            "tags": [text],
            "external_ids": {"hostile": text},
        }
        for text in HOSTILE
    ]
    assert tl.add_events(rows) == len(HOSTILE)
    for text in HOSTILE:
        [event] = tl.events().tagged(text).all()
        assert event.title == text.strip() and event.summary == text.strip()
        assert tl.events().involving(text).at(text).ids() == [event.id]


def test_every_query_filter_treats_hostile_text_as_a_value(tl: Timeline) -> None:
    tl.add_entity("Kim Jong Un", kind="person")
    tl.add_place("Pyongyang", kind="city")
    tl.add_event(
        "Military parade",
        when="2026-02-26",
        kind="military.parade",
        place="Pyongyang",
        actors={"Kim Jong Un": "host"},
        tags=["parade"],
    )
    schema, counts = _schema(tl.engine), _counts(tl)
    filters: list[Callable[[str], Any]] = [
        lambda t: tl.events().involving(t),
        lambda t: tl.events().involving("Kim Jong Un", role=t),
        lambda t: tl.events().at(t),
        lambda t: tl.events().tagged(t),
        lambda t: tl.events().from_source(t),
        lambda t: tl.events().search(t),
        lambda t: tl.events().of_kind(t),
        lambda t: tl.events().with_status(t),
        lambda t: tl.events().between(t, t),
        lambda t: tl.events().related(1, t),
        lambda t: tl.events().rows(t),
        lambda t: tl.events().count_by(t),
        lambda t: tl.entity(t),
        lambda t: tl.place(t),
        lambda t: tl.statements(speaker=t),
        lambda t: tl.related(1, t),
        lambda t: tl.relate(1, t, 1),
        lambda t: tl.add_claim(1, source=None, status=t),
    ]
    tried = 0
    for text in [*HOSTILE, *FTS_SYNTAX, "nul\0byte", "x" * (MAX_TEXT_LENGTH + 1)]:
        for make in filters:
            found = _refused_or_nothing(lambda make=make, text=text: make(text))
            if hasattr(found, "all"):
                found = _refused_or_nothing(found.all)
            assert not found, (text, found)  # nothing matched: no filter was widened
            tried += 1
    assert tried == 18 * (len(HOSTILE) + len(FTS_SYNTAX) + 2)
    assert _schema(tl.engine) == schema and _counts(tl) == counts


def test_nul_and_oversized_text_are_refused_on_both_backends(tl: Timeline) -> None:
    tl.add_entity("Kim", kind="person")
    source = tl.add_source("Report", publisher="KCNA", published="2026-01-01")
    event = tl.add_event("Parade", when="2026", kind="military.parade")
    counts = _counts(tl)
    huge = "word " * (MAX_TEXT_LENGTH // 5) + "x"
    wide = "名" * (MAX_INDEXED_BYTES // 3 + 1)  # few characters, too many bytes for an index
    writes: list[Callable[[str], Any]] = [
        lambda t: tl.add_event(t, when="2026", kind="a"),
        lambda t: tl.add_event("ok", when="2026", kind="a", summary=t),
        lambda t: tl.add_event("ok", when="2026", kind="a", source=source, quote=t),
        lambda t: tl.add_event("ok", when="2026", kind="a", tags=[t]),
        lambda t: tl.add_event("ok", when="2026", kind="a", external_ids={"x": t}),
        lambda t: tl.add_events([{"title": t, "when": "2026", "kind": "a"}]),
        lambda t: tl.add_events([{"title": "ok", "when": "2026", "kind": "a", "tags": [t]}]),
        lambda t: tl.add_entity(t, kind="person"),
        lambda t: tl.add_entity("Kim", kind="person", aliases=[t]),
        lambda t: tl.add_place(t, kind="city"),
        lambda t: tl.add_source(t, publisher="KCNA", published="2026-01-02"),
        lambda t: tl.add_source("ok", publisher="KCNA", published="2026-01-02", url=t),
        lambda t: tl.add_claim(event, source=source, quote=t),
        lambda t: tl.add_statement("Kim", t, source=source),
    ]
    for text in ("nul\0byte", "\0", huge, wide):
        for write in writes:
            if text is huge and write in (
                writes[3],
                writes[4],
                writes[6],
                writes[7],
                writes[8],
                writes[9],
            ):
                continue  # indexed text: covered by ``wide``
            if text is wide and write in (
                writes[0],
                writes[1],
                writes[2],
                writes[5],
                writes[10],
                writes[12],
                writes[13],
            ):
                continue  # free text may be that long
            with pytest.raises(InvalidEventError, match=r"NUL|longer than"):
                write(text)
    assert _counts(tl) == counts
    assert tl.add_event("x" * MAX_TEXT_LENGTH, when="2026", kind="a").title == "x" * MAX_TEXT_LENGTH


# -- LIKE wildcards and kinds --------------------------------------------------------------------


def test_kind_filters_match_literally(tl: Timeline) -> None:
    for kind in ("military", "militaryx", "military.parade", "military_x", "mil_tary", "milxtary"):
        tl.add_event(kind, when="2026", kind=kind)

    def titles(prefix: str) -> list[str]:
        return sorted(e.title for e in tl.events().of_kind(prefix))

    assert titles("military") == ["military", "military.parade"]
    assert titles("mil_tary") == ["mil_tary"]  # "_" is a letter of the kind, not a wildcard
    assert titles("military_x") == ["military_x"]
    assert titles("military.parade") == ["military.parade"]
    assert titles("militar") == []  # a prefix is a whole dotted word, not a string prefix
    for hostile in (
        "military%",
        "%",
        "mil%tary",
        "military.*",
        "military'",
        "military--",
        "MILITARY%",
    ):
        with pytest.raises(InvalidEventError, match="kind prefix"):
            tl.events().of_kind(hostile)


def test_name_lookups_have_no_wildcards(tl: Timeline) -> None:
    tl.add_entity("Kim Jong Un", kind="person")
    tl.add_entity("100% Kim", kind="person")
    tl.add_place("Pyongyang", kind="city")
    tl.add_event(
        "a",
        when="2026",
        kind="a",
        place="Pyongyang",
        actors={"Kim Jong Un": "host"},
        tags=["parade"],
    )
    for pattern in (
        "Kim%",
        "%",
        "K_m Jong Un",
        "Kim Jong U_",
        "Pyong%",
        "P_ongyang",
        "par%",
        "parad_",
    ):
        assert tl.events().involving(pattern).all() == []
        assert tl.events().at(pattern).all() == []
        assert tl.events().tagged(pattern).all() == []
        assert _refused_or_nothing(lambda: tl.entity(pattern)) in (None,)  # noqa: B023
    assert tl.entity("100 kim").name == "100% Kim"  # punctuation is not part of a name's key


# -- full-text syntax -----------------------------------------------------------------------------


def test_search_syntax_is_only_our_grammar(tl: Timeline) -> None:
    """Phrases, ``prefix*`` and an upper-case ``OR`` are the grammar (docs/queries.md); every
    other database syntax is plain text."""
    ab = tl.add_event("alpha beta", when="2026", kind="a").id
    gd = tl.add_event("gamma delta", when="2026", kind="a").id
    literal = tl.add_event("alpha or gamma", when="2026", kind="a", summary="title near").id
    expected = {
        "alpha OR gamma": [ab, gd, literal],  # upper case: the operator
        "alpha or gamma": [literal],  # lower case: "or" is a word to find
        "gamma | alpha": [literal],
        "alpha": [ab, literal],
        '"alpha': [ab, literal],
        "alpha*": [ab, literal],
        "alpha:*": [ab, literal],
        "^alpha": [ab, literal],
        "title: gamma": [literal],  # not a column filter: both words, anywhere
        "title:gamma": [],  # not a column filter: the phrase "title gamma", found nowhere
        "-gamma": [gd, literal],  # not a negation
        "gamma & !delta": [gd],  # not "gamma and not delta": both words
        "gamma <-> delta": [gd],
        "NEAR( alpha gamma )": [literal],  # "near" is a word of its summary
        "alpha AND OR NOT gamma": [],
        "": [],
        "   ": [],
        "*": [],
        '"': [],
        "!": [],
    }
    for text, ids in expected.items():
        assert sorted(tl.events().search(text).ids()) == sorted(ids), text
    for text in FTS_SYNTAX:
        tl.events().search(text).count()  # never an engine error


def test_search_finds_words_inside_markup_urls_and_numbers(tl: Timeline) -> None:
    for text in PARSER_GAPS:
        event = tl.add_event(text, when="2026", kind="a")
        assert tl.events().search(text).ids() == [event.id], text


# -- HTML, TimelineJS, CSV exports ----------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs).get("id") or "code"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.data[self._script] = self.data.get(self._script, "") + data


def _hostile_story(tl: Timeline) -> list[str]:
    texts = [*HOSTILE, "javascript:alert(3)", "<!--", "a\u2028b\u2029c"]
    for i, text in enumerate(texts):
        tl.add_entity(f"{text} #{i}", kind="person")
        tl.add_place(f"{text} @{i}", kind="city")
        source = tl.add_source(
            f"{text} report",
            publisher=f"{text} news",
            published="2026-01-01",
            url=text if ":" in text else None,
        )
        tl.add_event(
            text,
            when=f"2026-02-{i % 28 + 1:02d}",
            kind="hostile.text",
            summary=text,
            place=f"{text} @{i}",
            actors={f"{text} #{i}": "speaker"},
            source=source,
            quote=text,
            tags=[text],
        )
    return texts


def test_html_page_embeds_every_text_as_inert_data(tl: Timeline, tmp_path: Path) -> None:
    texts = _hostile_story(tl)
    page = tl.events().order_by_time().to_html(tmp_path / "p.html", title=HOSTILE[11]).read_text()
    parser = _Tags()
    parser.feed(page)
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "timeline-data"}, {}]
    for tag, attrs in parser.tags:
        assert (
            tag not in {"img", "iframe", "object", "embed", "svg"} or attrs.get("id") == "tl-chart"
        )
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not str(attrs.get("href") or "").lower().startswith("javascript")
    for raw in ("</script", "<!--", "\u2028", "\u2029"):
        assert raw not in parser.data["timeline-data"]
    events = json.loads(parser.data["timeline-data"])["events"]
    assert sorted(e["t"] for e in events) == sorted(t.strip() for t in texts)
    by_title = {e["t"]: e for e in events}
    for text in texts:
        record = by_title[text.strip()]
        assert record["sum"] == text and record["c"][0][5] == text
    assert parser.data["code"].count("</script") == 0


def test_timelinejs_links_only_web_urls(tl: Timeline, tmp_path: Path) -> None:
    texts = _hostile_story(tl)
    export_file(tl, tmp_path / "t.json", format="timelinejs")
    slides = json.loads((tmp_path / "t.json").read_text())["events"]
    assert len(slides) == len(texts)
    for slide in slides:
        for html in (slide["text"]["headline"], slide["text"]["text"]):
            parser = _Tags()
            parser.feed(html)
            assert {tag for tag, _ in parser.tags} <= {"a", "br"}, html
            for _, attrs in parser.tags:
                assert str(attrs.get("href", "https://")).startswith("https://"), html


FORMULAS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",
    "  @x",
    "'=1",
    "''+1",
    "'",
    "'x",
    "-",
]


def test_csv_export_neutralises_formulas_and_reads_back(tl: Timeline, tmp_path: Path) -> None:
    titles = [*FORMULAS, *HOSTILE]
    for text in titles:
        tl.add_event(text, when="2026", kind="a", summary=text, tags=[text])
    export_file(tl, tmp_path / "out.csv", format="csv")
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    for row in rows[1:]:
        for cell in row:
            first = cell.lstrip(" ")[:1]
            assert first not in {"=", "+", "-", "@", "\t", "\r", "\n"} or cell.startswith("'"), cell
    with Timeline(tmp_path / "copy.db") as copy:
        import_file(copy, tmp_path / "out.csv", format="csv")
        back = {e.title: e.summary for e in copy.events()}
    assert back == {t.strip(): t.strip() for t in titles if t.strip()}


def test_importers_apply_the_same_text_rules(tl: Timeline, tmp_path: Path) -> None:
    rows = [
        ("kept", "Pyongyang", "t", "1"),
        ("nul\0title", "Pyongyang", "t", "2"),
        ("disguised place", "\u202emiK", "t", "3"),
        ("long tag", "Seoul", "x" * (MAX_INDEXED_BYTES + 1), "4"),
        (HOSTILE[0], HOSTILE[1], HOSTILE[6], "5"),
    ]
    path = tmp_path / "hostile.csv"
    header = ["title", "when", "kind", "place", "tags", "external_id"]
    cells = [[title, "2026", "a", place, tag, key] for title, place, tag, key in rows]
    path.write_bytes(csv_text([header, *cells]).encode("utf-8"))
    summary = import_file(tl, path, format="csv", skip_invalid=True)
    assert [(e.line, e.field) for e in summary.errors] == [
        (3, "title"),
        (4, "place name"),
        (5, "tag"),
    ]
    assert sorted(e.title for e in tl.events()) == sorted(["kept", HOSTILE[0]])
    assert tl.events().at(HOSTILE[1]).tagged(HOSTILE[6]).count() == 1


# -- Unicode --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "looked_up"),
    [
        ("김정은", unicodedata.normalize("NFD", "김정은")),
        (unicodedata.normalize("NFD", "김정은"), "김정은"),
        ("Ñuñoa", "Nun\u0303oa"),
        ("Nun\u0303oa", "Ñuñoa"),
        ("Kim", "Ki\u200bm"),
        ("Kim", "\ufeffKim\u2060"),
        ("Kim Jong Un", "Kim\u200c Jong\u200d Un"),
        ("Kim", "Kim\u200f"),
        ("Kim", "K\u061cim"),
        ("\uff4b\uff49\uff4d", "Kim"),  # fullwidth,
    ],
)
def test_equivalent_spellings_are_one_name(tl: Timeline, stored: str, looked_up: str) -> None:
    entity = tl.add_entity(stored, kind="person")
    place = tl.add_place(stored, kind="city")
    tl.add_event("e", when="2026", kind="a", place=stored, actors={stored: "host"})
    assert tl.add_entity(looked_up, kind="person").id == entity.id  # get, not create
    assert tl.add_place(looked_up, kind="city").id == place.id
    assert tl.entity(looked_up).id == entity.id and tl.place(looked_up).id == place.id
    assert tl.events().involving(looked_up).count() == 1
    assert tl.events().at(looked_up).count() == 1
    assert (
        tl.add_events([{"title": "b", "when": "2026", "kind": "a", "actors": {looked_up: "host"}}])
        == 1
    )
    assert _counts(tl) == (2, 1, 1)


@pytest.mark.parametrize(
    "control",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_controls_cannot_disguise_a_name(tl: Timeline, control: str) -> None:
    tl.add_entity("Kim", kind="person")
    disguised = f"{control}miK"  # displays as "Kim" under U+202E
    for add in (
        lambda: tl.add_entity(disguised, kind="person"),
        lambda: tl.add_entity("Kim", kind="person", aliases=[disguised]),
        lambda: tl.add_place(disguised, kind="city"),
        lambda: tl.add_source("r", publisher=disguised, published="2026-01-01"),
    ):
        with pytest.raises(InvalidEventError, match="bidirectional"):
            add()
    assert _counts(tl) == (0, 1, 0)
    title = tl.add_event(f"title {disguised}", when="2026", kind="a").title
    assert title == f"title {disguised}"  # a title is only text: kept verbatim


def test_lookalike_alphabets_are_not_merged_and_are_flagged(tl: Timeline) -> None:
    latin = tl.add_entity("Kim", kind="person")
    with pytest.warns(ConfusableNameWarning, match="mixes alphabets"):
        cyrillic = tl.add_entity("\u041aim", kind="person")  # Cyrillic Ka + Latin "im"
    assert cyrillic.id != latin.id
    assert tl.entity("Kim").id == latin.id and tl.entity("\u041aim").id == cyrillic.id
    with pytest.warns(ConfusableNameWarning):
        tl.add_place("Pyongy\u0430ng", kind="city")  # Cyrillic a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in (
            "Москва",
            "Κύπρος",
            "김정은",
            "金正恩",
            "キム・ジョンウン",
            "Kim 金正恩",
            "Hawai\u02bbi",
            "O'Brien",
        ):
            tl.add_entity(name, kind="person")  # one script per word: no warning
        warnings.simplefilter("error", ConfusableNameWarning)
        with pytest.raises(ConfusableNameWarning):
            tl.add_entity("Ki\u043c", kind="person")


@pytest.mark.parametrize("name", ["\u200b", "\u202c\u200f", "%", "_", "---", "'", "\ufeff", " \t"])
def test_a_name_needs_something_to_look_it_up_by(tl: Timeline, name: str) -> None:
    with pytest.raises(InvalidEventError):
        tl.add_entity(name, kind="person")
    with pytest.raises(InvalidEventError):
        tl.add_place(name, kind="city")
    assert _counts(tl) == (0, 0, 0)


# -- the command line -----------------------------------------------------------------------------


def test_cli_stores_hostile_text_and_prints_it_inert(engine: Engine, tmp_path: Path) -> None:
    with Timeline(engine):
        pass
    db = db_address(engine)
    title = "'; DROP TABLE timeline_event; -- \x1b[31mred\x1b]0;pwned\x07 [bold]b[/bold]"
    added = _cli(
        "--db",
        db,
        "add",
        title,
        "--when",
        "2026",
        "--kind",
        "a",
        "--actor",
        f"{HOSTILE[1]}=host",
        "--tag",
        "100%",
        "--place",
        HOSTILE[6],
    )
    assert added.returncode == 0, added.stderr
    listed = _cli(
        "--db", db, "ls", "--json", "--involving", HOSTILE[1], "--tag", "100%", "--at", HOSTILE[6]
    )
    assert [row["title"] for row in json.loads(listed.stdout)] == [title]
    for args in (
        ["--kind", "a%"],
        ["--involving", "%"],
        ["--tag", "%"],
        ["--at", "_"],
        ["--search", 'a" OR 1=1'],
        ["--search", "NEAR("],
        ["--status", "occurred' OR 1=1"],
    ):
        result = _cli("--db", db, "ls", "--json", *args)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.returncode == 1 or json.loads(result.stdout) == []
    table, shown = _cli("--db", db, "ls").stdout, _cli("--db", db, "show", "1").stdout
    assert "\x1b" not in table + shown and "\x07" not in table + shown
    assert "\\x1b[31mred\\x1b]0;pwned\\x07 [bold]b[/bold]" in shown  # escaped, markup not applied
    with Timeline(engine) as tl:
        assert [e.title for e in tl.events()] == [title]
        assert isinstance(tl.get_event(1), Event)
        with pytest.raises(NotFoundError):
            tl.entity("%")
