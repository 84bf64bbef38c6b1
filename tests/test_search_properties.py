"""Search properties on both backends: any text is safe, and the events found are exactly those
that match the parsed search, checked against a plain-Python reading of the same terms."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import Timeline
from timeline.search import Group, Term, parse

#: Words that Porter stemming leaves alone, as it does every prefix of them (checked on both
#: backends when the list was chosen), so plain string comparison is the database's answer.
VOCABULARY = [
    "alpha",
    "bravo",
    "delta",
    "echo",
    "kilo",
    "lima",
    "tango",
    "zulu",
    "papa",
    "sierra",
    "romeo",
    "hotel",
    "india",
    "victor",
]
SEPARATORS = [" ", " ", ", ", " - ", ": ", "/"]
NOISE = ["(", ")", ":", "^", "-", "&", "|", "!", "'", "NEAR", "AND", "NOT", "+", "{", "}"]
PROPERTY_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(1, 5))]
    words = [
        w.upper() if rng.random() < 0.2 else w.capitalize() if rng.random() < 0.3 else w
        for w in words
    ]
    text = words[0]
    for word in words[1:]:
        text += rng.choice(SEPARATORS) + word
    return text


@pytest.fixture
def corpus(tl: Timeline) -> dict[int, tuple[str, str | None]]:
    """40 events: a title of vocabulary words and, for some, a claim quoting more of them."""
    rng = random.Random(20261206)
    source = tl.add_source("Wire", publisher="Agency", published="2026-01-31")
    texts: dict[int, tuple[str, str | None]] = {}
    for i in range(40):
        title = _sentence(rng)
        quote = _sentence(rng) if i % 3 == 0 else None
        extra = {"source": source, "quote": quote} if quote else {}
        event = tl.add_event(title, when=f"2026-01-{i % 28 + 1:02d}", kind="test.sample", **extra)
        assert event.id is not None
        texts[event.id] = (title, quote)
    return texts


def _tokens(text: str | None) -> list[str]:
    """The words of an event's text, lower case (the corpus is ASCII words and separators)."""
    return [w.lower() for w in re.findall(r"[^\W_]+", text or "")]


def _term_in(term: Term, tokens: list[str]) -> bool:
    wanted = [w.lower() for w in term.words]
    for start in range(len(tokens) - len(wanted) + 1):
        window = tokens[start : start + len(wanted)]
        if window[:-1] != wanted[:-1]:
            continue
        last, want = window[-1], wanted[-1]
        if last == want or (term.prefix and last.startswith(want)):
            return True
    return False


def _matches(groups: tuple[Group, ...], title: str, quote: str | None) -> bool:
    fields = [_tokens(title), _tokens(quote)]
    return bool(groups) and all(
        any(_term_in(term, tokens) for term in group for tokens in fields) for group in groups
    )


def _piece() -> st.SearchStrategy[str]:
    word = st.sampled_from(VOCABULARY)
    cased = st.tuples(word, st.sampled_from([str.lower, str.upper, str.capitalize])).map(
        lambda p: p[1](p[0])
    )
    prefix = st.tuples(word, st.integers(1, 6)).map(lambda p: p[0][: p[1]] + "*")
    phrase = st.lists(word, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"')
    joined = st.lists(word, min_size=2, max_size=3).map("-".join)
    return st.one_of(
        cased, cased, prefix, phrase, joined, st.just("OR"), st.just("OR"), st.sampled_from(NOISE)
    )


queries = st.lists(_piece(), min_size=0, max_size=6).map(" ".join)


@PROPERTY_SETTINGS
@given(text=queries)
def test_search_finds_exactly_the_matching_events(
    tl: Timeline, corpus: dict[int, tuple[str, str | None]], text: str
) -> None:
    groups = parse(text)
    expected = sorted(i for i, (title, quote) in corpus.items() if _matches(groups, title, quote))
    assert tl.events().search(text).ids() == expected, (text, groups)
    assert sorted(tl.events().search(text, rank=True).ids()) == expected


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=60)
    | st.lists(st.sampled_from(['"', "*", "OR", " ", "a", "é"])).map("".join)
)
def test_any_text_is_safe_and_finds_only_matching_events(
    tl: Timeline, corpus: dict[int, tuple[str, str | None]], text: str
) -> None:
    groups = parse(text)
    found = tl.events().search(text, rank=True).ids()
    assert set(found) <= set(corpus)
    words = {w.lower() for group in groups for term in group for w in term.words}
    if words and not words & {w[:k] for w in VOCABULARY for k in range(1, len(w) + 1)}:
        assert found == []  # no word of the corpus, nor a prefix of one: nothing found
