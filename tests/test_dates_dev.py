"""``find_dates`` against the hand-annotated development and held-out texts.

The scorer is ``benchmarks/score_dates.py`` (TempEval-3 Task A style). The thresholds are a little
under what the current rules reach, so that any regression in spans, types or values fails.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests._seed import load_script

scorer = load_script("benchmarks/score_dates.py", "timeline_score_dates")


@pytest.fixture(scope="module")
def dev() -> Any:
    return scorer.score(scorer.load(scorer.DEV))


@pytest.fixture(scope="module")
def held_out() -> Any:
    return scorer.score(scorer.load(scorer.HELD_OUT))


def test_the_development_set_covers_every_kind() -> None:
    documents = scorer.load(scorer.DEV)
    gold = [g for d in documents for g in d.gold]
    assert len(gold) >= 300
    kinds = Counter(g.type for g in gold)
    assert kinds["date"] >= 200 and kinds["duration"] >= 40
    assert kinds["set"] >= 10 and kinds["time"] >= 10
    values = {g.value for g in gold}
    assert {"PAST", "PRESENT", "FUTURE", "-"} <= values
    for document in documents:  # the markup is consistent with the plain text
        for g in document.gold:
            assert document.text[g.start : g.end] == g.text


def test_development_scores(dev: Any) -> None:
    assert dev.f1(dev.strict) >= 99.0
    assert dev.f1(dev.relaxed) >= 99.0
    assert dev.typed / dev.relaxed >= 0.99
    assert dev.f1(dev.valued) >= 98.0


def test_held_out_scores(held_out: Any) -> None:
    assert held_out.f1(held_out.strict) >= 99.0
    assert held_out.f1(held_out.valued) >= 96.0


def test_when_parse_resolves_gold_spans(dev: Any) -> None:
    assert dev.spans >= 200
    assert dev.spans_resolved / dev.spans >= 0.90  # 0.816 before the second pass
