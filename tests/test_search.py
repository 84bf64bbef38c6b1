"""Full-text search: title, summary and quotes, every word, on both backends; hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import Timeline
from timeline.search import MAX_WORD_LENGTH, MAX_WORDS, Term, parse


@pytest.fixture
def texts(tl: Timeline) -> Timeline:
    source = tl.add_source("Dispatch", publisher="KCNA", published="2026-02-27")
    tl.add_event(
        "Congress closes in Pyongyang",
        when="2026-02-26",
        kind="politics.congress",
        summary="The ninth party congress ends after eight days",
        source=source,
        quote='Kim called it a "historic" turning point',
    )
    tl.add_event("Military parade", when="2026-02-25", kind="military.parade")
    tl.add_event("Kim Jong-un visits a factory", when="2026-03-02", kind="economy.visit")
    tl.add_event("Café opening in Zürich", when="2026-03-03", kind="economy.opening")
    tl.add_event("김정은 위원장 연설", when="2026-03-04", kind="politics.speech")
    return tl


def found(tl: Timeline, text: str) -> list[str]:
    return sorted(event.title for event in tl.events().search(text))


def test_search_covers_title_summary_and_quotes(texts: Timeline) -> None:
    assert found(texts, "pyongyang") == ["Congress closes in Pyongyang"]
    assert found(texts, "ninth") == ["Congress closes in Pyongyang"]
    assert found(texts, "historic") == ["Congress closes in Pyongyang"]
    assert found(texts, "PARADE") == ["Military parade"]


def test_every_word_must_occur_but_may_come_from_different_fields(texts: Timeline) -> None:
    assert found(texts, "historic congress") == ["Congress closes in Pyongyang"]
    assert found(texts, "historic parade") == []
    assert found(texts, "kim") == ["Congress closes in Pyongyang", "Kim Jong-un visits a factory"]
    assert found(texts, "Jong-un") == ["Kim Jong-un visits a factory"]


def test_other_scripts_and_accents(texts: Timeline) -> None:
    assert found(texts, "김정은") == ["김정은 위원장 연설"]
    assert found(texts, "zürich café") == ["Café opening in Zürich"]


def test_search_composes_with_other_filters(texts: Timeline) -> None:
    query = texts.events().search("kim").between("2026-03", "2026-03")
    assert [e.title for e in query] == ["Kim Jong-un visits a factory"]
    assert texts.events().search("kim").count() == 2
    # Every result path, and as_of (which reads version rows, not the event table).
    both = texts.events().search("historic congress")
    assert [r.title for r in both.rows()] == ["Congress closes in Pyongyang"]
    assert both.dicts("id") == [{"id": 1}] and both.count() == 1
    assert both.as_of("2026-03-01").ids() == [1]
    for day in ("2026-02-26", "2026-02-28", "2026-03-03"):
        known = set(texts.events().as_of(day).ids())
        expected = [i for i in texts.events().search("kim").ids() if i in known]
        assert texts.events().search("kim").as_of(day).ids() == expected, day


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        "*",
        "kim*",
        "NEAR(kim congress)",
        "kim AND NOT congress",
        "title:kim",
        "^kim",
        "(((",
        "a & b | !c",
        "kim:*",
        "'; DROP TABLE timeline_event; --",
        "",
        "   ",
        "\x00",
        "😀",
    ],
)
def test_syntax_characters_never_raise_or_inject(texts: Timeline, text: str) -> None:
    result = texts.events().search(text).all()
    assert all(isinstance(e.title, str) for e in result)
    assert texts.events().count() == 5


def test_text_without_words_matches_nothing(texts: Timeline) -> None:
    assert found(texts, "!!!") == []
    assert found(texts, "") == []


def test_search_follows_edits_and_deletes(texts: Timeline) -> None:
    from sqlalchemy import text

    with texts.engine.begin() as connection:
        connection.execute(
            text("UPDATE timeline_event SET title = 'Army parade' WHERE title = 'Military parade'")
        )
    assert found(texts, "military") == []
    assert found(texts, "army") == ["Army parade"]


def test_words_are_letters_digits_and_marks() -> None:
    def terms(text: str) -> list[tuple[str, ...]]:
        return [term.words for group in parse(text) for term in group]

    assert terms('Kim "historic" NEAR(x) 2026') == [
        ("Kim",),
        ("historic",),
        ("NEAR", "x"),
        ("2026",),
    ]
    assert terms("Jong-un's") == [("Jong", "un", "s")]
    assert terms("a_b") == [("a", "b")]
    assert terms("w " * 100) == [("w",)]
    assert sum(map(len, terms(" ".join(f"w{i}" for i in range(100))))) == MAX_WORDS
    assert terms("x" * 100) == [("x" * MAX_WORD_LENGTH,)]


def test_the_grammar() -> None:
    assert parse("kim parade OR congress") == (
        (Term(("kim",)),),
        (Term(("parade",)), Term(("congress",))),
    )
    assert parse('elect* "nuclear te"* a*b') == (
        (Term(("elect",), prefix=True),),
        (Term(("nuclear", "te"), prefix=True),),
        (Term(("a", "b")),),
    )
    # An OR that joins nothing is the word "OR" (once: repeated groups count once).
    assert parse("OR kim OR") == ((Term(("OR",)),), (Term(("kim",)),))
    assert parse('"open phrase') == ((Term(("open", "phrase")),),)
    assert parse('"" * ( )') == ()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_safe_on_sqlite(text: str) -> None:
    with Timeline() as tl:
        tl.add_event("Parade in Pyongyang", when="2026-02-25", kind="military.parade")
        tl.events().search(text).all()


# -- stemming, prefixes, phrases, OR, ranking -----------------------------------------------


@pytest.fixture
def news(tl: Timeline) -> Timeline:
    source = tl.add_source("Dispatch", publisher="Yonhap", published="2026-03-10")
    tl.add_event("Parliamentary election held", when="2026-03-01", kind="politics.election")
    tl.add_event("Electoral reform debated", when="2026-03-02", kind="politics.reform")
    tl.add_event(
        "Nuclear test site reopens",
        when="2026-03-03",
        kind="military.test",
        summary="The talk of a test of nuclear arms returns",
    )
    tl.add_event(
        "Summit in Hanoi",
        when="2026-03-04",
        kind="diplomacy.summit",
        source=source,
        quote="The leaders' talks covered the elections",
    )
    tl.add_event("Military parade", when="2026-03-05", kind="military.parade")
    return tl


def test_words_are_stemmed_in_text_and_quotes(news: Timeline) -> None:
    assert found(news, "elections") == ["Parliamentary election held", "Summit in Hanoi"]
    assert found(news, "election") == found(news, "elections")
    assert found(news, "talks") == ["Nuclear test site reopens", "Summit in Hanoi"]
    assert found(news, "reopened") == ["Nuclear test site reopens"]
    assert found(news, "electorate") == ["Electoral reform debated"]  # both stem to "elector"
    assert found(news, "electric") == []  # a stem of its own, not a prefix


def test_a_trailing_star_is_a_prefix(news: Timeline) -> None:
    assert found(news, "elect") == ["Parliamentary election held", "Summit in Hanoi"]
    assert found(news, "elect*") == [
        "Electoral reform debated",
        "Parliamentary election held",
        "Summit in Hanoi",
    ]
    assert found(news, "parad* milit*") == ["Military parade"]
    assert found(news, "elect*reform") == []  # a star inside a word is punctuation
    assert found(news, "electio*") == []  # stemmed first: "electio" starts no stem ("elect")


def test_quoted_text_is_a_phrase(news: Timeline) -> None:
    assert found(news, '"nuclear test"') == ["Nuclear test site reopens"]
    assert found(news, '"test nuclear"') == []
    assert found(news, '"test of nuclear arms"') == ["Nuclear test site reopens"]
    assert found(news, '"covered the elections') == ["Summit in Hanoi"]  # left open: to the end
    assert found(news, '"summit talks"') == []  # words of title and quote are no phrase
    assert found(news, '"reopens the talk"') == []  # nor the title's end and the summary's start
    assert found(news, '"reopens" "the talk"') == ["Nuclear test site reopens"]
    assert found(news, '"parliamentary elect"*') == ["Parliamentary election held"]


def test_or_joins_the_terms_beside_it(news: Timeline) -> None:
    assert found(news, "parade OR summit") == ["Military parade", "Summit in Hanoi"]
    assert found(news, "nuclear parade OR test") == ["Nuclear test site reopens"]
    assert found(news, "parade OR test military") == ["Military parade"]
    assert found(news, "nuclear parade OR reform") == []
    assert found(news, "parade or summit") == []  # lower case: the word "or"
    assert found(news, "OR parade") == []  # an OR that joins nothing is the word "OR"


def test_rank_puts_the_best_match_first_and_quotes_last(news: Timeline) -> None:
    news.add_event("Elections, elections: the election year", when="2026", kind="politics")
    default = news.events().search("election").ids()
    assert default == sorted(default)
    ranked = news.events().search("election", rank=True)
    titles = [e.title for e in ranked]
    assert titles == [
        "Elections, elections: the election year",
        "Parliamentary election held",
        "Summit in Hanoi",  # found through its quote only
    ]
    assert [r.title for r in ranked.rows()] == titles
    assert ranked.ids() == [e.id for e in ranked]
    assert ranked.count() == 3
    assert ranked.limit(1).offset(1).ids() == ranked.ids()[1:2]
    assert ranked.as_of("2026-12-31").ids() == ranked.ids()
    by_time = ranked.order_by_time()
    assert [e.title for e in by_time] == [
        e.title for e in news.events().search("election").order_by_time()
    ]


def test_rank_with_or_and_other_filters(news: Timeline) -> None:
    news.add_event("Missile test over the sea", when="2026-03-06", kind="military.test")
    query = news.events().search("nuclear OR test", rank=True).of_kind("military")
    assert [e.title for e in query] == ["Nuclear test site reopens", "Missile test over the sea"]
    assert query.between("2026-03-06", "2026-03-06").ids() == [6]


def test_keyset_pages_refuse_a_ranked_search(news: Timeline) -> None:
    from timeline import InvalidEventError

    ranked = news.events().search("election", rank=True)
    with pytest.raises(InvalidEventError, match="offset"):
        ranked.after(ranked.ids()[0])
