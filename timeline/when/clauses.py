"""Sentences of running text, and which way the clause around a date looks in time.

"The leaders met in March" looks back; "Trump will visit China in April" and "talks are
scheduled for Friday" look forward. :func:`direction_at` finds the tense or modal cue nearest to
the date in its sentence (reporting verbs such as "said" do not count: they date the report, not
the event) and returns ``"backward"``, ``"forward"`` or ``"nearest"`` when nothing says.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from timeline.when.periods import Direction

__all__ = ["Sentences", "direction_at"]

_END = re.compile(r"(?:[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])|\n\s*\n)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Gen|Sen|Rep|"
    r"Inc|Corp|Co|Ltd|Jr|Sr|Lt|Col|Capt|Prof|Gov|Mt|Ft|vs|U\.S|U\.K|U\.N|e\.g|i\.e|a\.m|p\.m)"
    r"|\b[A-Z])\.$"
)


class Sentences:
    """The sentences of a text, found once: ``bounds(offset)`` is the one holding ``offset``."""

    def __init__(self, text: str) -> None:
        self._text = text
        starts, ends = [0], []
        for match in _END.finditer(text):
            if _ABBREVIATION.search(text, max(0, match.start() - 5), match.start() + 1):
                continue
            ends.append(match.end())
            starts.append(match.end())
        ends.append(len(text))
        self._starts, self._ends = starts, ends

    def bounds(self, offset: int) -> tuple[int, int]:
        """``(start, end)`` of the sentence holding ``offset``, without surrounding space."""
        index = bisect_right(self._starts, offset) - 1
        start, end = self._starts[index], self._ends[index]
        text = self._text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end


_CUE = re.compile(
    r"\b(?:(?P<forward>(?:was|were|is|are)\s+(?:expected|scheduled|set|due|slated|planned|going)|"
    r"will|won't|'ll|shall|would|expected|expects?|plans?|planned|planning|"
    r"scheduled|slated|set\s+to|set\s+for|due\s+to|is\s+due|are\s+due|intends?|aims?|"
    r"hopes?\s+to|going\s+to|upcoming|forthcoming|to\s+be\s+held|could|may|might|should|"
    r"proposed|ahead|tomorrow|next|coming)|"
    r"(?P<backward>was|were|had|did|ago|earlier|previously|former|yesterday|since|last|"
    r"[a-z]{2,}ed)|"
    r"(?P<nearest>is|are|has|have|does|do|now|currently))\b"
)

#: Words that end in -ed but do not put their clause in the past, and reporting verbs.
_NOT_PAST = frozenset(
    [
        "need",
        "indeed",
        "speed",
        "proceed",
        "exceed",
        "succeed",
        "feed",
        "breed",
        "seed",
        "bed",
        "red",
        "shed",
        "hundred",
        "united",
        "based",
        "limited",
        "related",
        "added",
        "reported",
        "announced",
        "noted",
        "stated",
        "claimed",
        "warned",
        "insisted",
        "confirmed",
        "declared",
        "argued",
        "explained",
        "asked",
        "replied",
        "tweeted",
        "posted",
        "quoted",
        "called",
        "named",
        "led",
    ]
)


def direction_at(text: str, sentence: tuple[int, int], start: int, end: int) -> Direction:
    """Which way the clause around ``text[start:end]`` looks: the nearest cue in its sentence."""
    best: tuple[float, Direction] | None = None
    for match in _CUE.finditer(text, sentence[0], sentence[1]):
        if start <= match.start() < end:
            continue
        kind = match.lastgroup
        if kind == "backward" and match.group() in _NOT_PAST:
            continue
        if match.end() <= start:
            distance: float = start - match.end()
        else:
            distance = (match.start() - end) * 1.5  # a cue after the date weighs less
        if best is None or distance < best[0]:
            best = (distance, "forward" if kind == "forward" else
                    "backward" if kind == "backward" else "nearest")  # fmt: skip
    return "nearest" if best is None else best[1]
