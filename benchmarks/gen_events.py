"""Seeded events shaped like PERF-BASELINES' data, as ``add_events`` rows and as raw tuples.

Dates uniform over 1990-2030: 70 % single days, 20 % months, 8 % years, 1 % decades, 1 %
open-ended. 1 (60 %), 2 (25 %), 3 (14 %) or 5 (1 %) actors from a pool of N/20 with Zipf
(s = 0.7) popularity; titles of 3-7 words drawn Zipf-style from a 1,000-word vocabulary; 20
kinds. Each ``when`` is a pre-parsed :class:`~timeline.When` (parsing is not what the load
measures); values are cached by text, so generating 1M rows takes seconds.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from timeline import When

FIRST = date(1990, 1, 1)
DAYS = (date(2030, 12, 31) - FIRST).days
KINDS = [f"kind{k:02d}.sub" for k in range(20)]


def _zipf_table(n: int, s: float) -> list[float]:
    weights = [1 / (rank**s) for rank in range(1, n + 1)]
    return list(itertools.accumulate(weights))


class Generator:
    """Deterministic rows for ``n`` events (the same seed gives the same rows)."""

    def __init__(self, n: int, seed: int = 42) -> None:
        self.n = n
        self.seed = seed
        self.actors = max(20, n // 20)
        self.actor_cdf = _zipf_table(self.actors, 0.7)
        self.word_cdf = _zipf_table(1000, 1.0)
        vocabulary = random.Random(seed + 1)
        self.vocabulary = [
            "".join(
                vocabulary.choice("bcdfghjklmnpqrstvwz") + vocabulary.choice("aeiou")
                for _ in range(vocabulary.randint(2, 4))
            )
            + str(i)
            for i in range(1000)
        ]
        self._whens: dict[str, When] = {}

    def actor_name(self, rank: int) -> str:
        return f"actor{rank:06d}"

    def _pick(self, rng: random.Random, cdf: list[float]) -> int:
        return bisect.bisect_left(cdf, rng.random() * cdf[-1])

    def _when_text(self, rng: random.Random) -> str:
        day = FIRST + timedelta(days=rng.randrange(DAYS))
        shape = rng.random()
        if shape < 0.70:
            return day.isoformat()
        if shape < 0.90:
            return f"{day.year}-{day.month:02d}"
        if shape < 0.98:
            return str(day.year)
        if shape < 0.99:
            return f"{str(day.year)[:3]}X"
        return f"{day.isoformat()}/.."

    def when(self, text: str) -> When:
        found = self._whens.get(text)
        if found is None:
            found = self._whens[text] = When.parse(text)
        return found

    def rows(self) -> Iterator[dict[str, Any]]:
        """``add_events`` rows, streamed."""
        rng = random.Random(self.seed)
        for _ in range(self.n):
            text = self._when_text(rng)
            draw = rng.random()
            count = 1 if draw < 0.60 else 2 if draw < 0.85 else 3 if draw < 0.99 else 5
            ranks = {self._pick(rng, self.actor_cdf) for _ in range(count)}
            words = [
                self.vocabulary[self._pick(rng, self.word_cdf)] for _ in range(rng.randint(3, 7))
            ]
            yield {
                "title": " ".join(words),
                "when": self.when(text),
                "kind": KINDS[rng.randrange(20)],
                "actors": {self.actor_name(r): "participant" for r in sorted(ranks)},
            }

    def word_by_rank(self, rank: int) -> str:
        """A vocabulary word by popularity (0: the most common)."""
        return self.vocabulary[rank]
