"""Sentences of running text, and which way the clause around a date looks in time.

"The leaders met in March" looks back; "Trump will visit China in April" and "talks are
scheduled for Friday" look forward. :func:`direction_at` reads the clause around the date (cut at
commas, semicolons and words such as "and", "that", "which"): the verb cue closest before the
date decides, unless an auxiliary or modal governs it ("would stay closed until Thursday");
without one, the first cue after the date; then the last auxiliary or modal earlier in the
sentence ("will spend six months aboard and return in the spring"). A date right
after a reporting verb ("officials said Monday") looks back; other reporting verbs do not count,
as they date the report, not the event. Nothing found: ``"nearest"``.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from timeline.when.periods import Direction

__all__ = ["Sentences", "direction_at", "reported_at"]

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


_STRONG = (
    r"had\s+been\s+(?:planned|scheduled|expected|set|slated|due)|"
    r"(?P<forward>(?:was|were|is|are)\s+(?:expected|scheduled|set|due|slated|planned|going|to)|"
    r"will|won't|'ll|shall|would|expected|expects?|plans?|planned|planning|scheduled|slated|"
    r"set\s+to|set\s+for|due|intends?|aims?|hopes?\s+to|going\s+to|upcoming|forthcoming|"
    r"to\s+(?:be\s+held|extend|return|resume|meet|visit|hold|begin|start|open|reopen|close|"
    r"launch|sign|vote|decide|release|complete|finish|raise|cut|build|introduce|end)|could|can|may|might|should|must|proposed|tomorrow|next|coming|starting)|"
    r"(?P<now>is|are|has|have|does|do|now|currently)|"
    r"was|were|had|did|ago|previously|yesterday|since|last"
)
_IRREGULAR = (
    "began|rose|fell|met|won|lost|took|made|came|went|gave|saw|left|held|found|became|struck|"
    "sent|grew|ran|brought|bought|sold|wrote|paid|kept|fought|drew|broke|chose|spoke|stood|"
    "threw|flew|fled|knew|thought|got|felt|built|spent|sought|taught|caught|shot|sank|sang|"
    "swore|won|wore|hid|bit|forgot|froze|rode|shook|stole|woke"
)
_CUE = re.compile(rf"\b(?:(?P<strong>{_STRONG})|(?P<weak>[a-z]{{2,}}ed|{_IRREGULAR}))\b")
_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2014]|\s(?:and|but|that|which|who|whom|whose|when|while|where|because|although|"
    r"though|as|after|before|than|if|or)\s"
)
_REPORTED = re.compile(
    r"\b(?:said|told|announced|reported|added|confirmed|disclosed|revealed|stated|"
    r"noted|wrote)\s+(?:on\s+)?$"
)

#: Words that end in -ed but do not put their clause in the past, and reporting verbs.
_NOT_PAST = frozenset(
    re.findall(
        r"\w+",
        "need indeed speed proceed exceed succeed feed breed seed bed red shed hundred united "
        "based "
        "limited related added reported announced noted stated claimed warned insisted confirmed "
        "declared argued explained asked replied tweeted posted quoted called named led "
        "disclosed revealed",
    )
)


_REACH = 400  # characters read on each side of a date


class _Cue:
    __slots__ = ("direction", "end", "start", "strong")

    def __init__(self, match: re.Match[str]) -> None:
        self.start, self.end = match.span()
        self.strong = match.group("strong") is not None
        self.direction: Direction = (
            "forward" if match.group("forward") else "nearest" if match.group("now")
            else "backward"
        )  # fmt: skip


def reported_at(text: str, sentence: tuple[int, int], start: int) -> bool:
    """Whether the date at ``start`` directly follows a reporting verb ("officials said Monday")."""
    return _REPORTED.search(text, max(sentence[0], start - 16), start) is not None


def direction_at(
    text: str, sentence: tuple[int, int], start: int, end: int, *, whole_sentence: bool = True
) -> Direction:
    """Which way the clause around ``text[start:end]`` looks (see the module docstring).

    ``whole_sentence=False`` reads the clause only, without the auxiliaries before it.
    """
    if reported_at(text, sentence, start):
        return "backward"
    # A clause is read within a bounded window: run-on "sentences" cost no more than others.
    sentence = (max(sentence[0], start - _REACH), min(sentence[1], end + _REACH))
    cues = [
        _Cue(m)
        for m in _CUE.finditer(text, sentence[0], sentence[1])
        if not start <= m.start() < end and m.group() not in _NOT_PAST
    ]
    if not cues:
        return "nearest"
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, sentence[0], sentence[1])]
    low = max((b for b in breaks if b < start), default=sentence[0])
    high = min((b for b in breaks if b >= end), default=sentence[1])
    before = [c for c in cues if low <= c.start and c.end <= start]
    if before:
        last = before[-1]
        if not last.strong:
            governing = [c for c in before if c.strong]
            return governing[-1].direction if governing else last.direction
        return last.direction
    after = [c for c in cues if end <= c.start < high]
    if after:
        strong = [c for c in after if c.strong]
        return (strong or after)[0].direction
    # "will spend six months aboard and return in the spring": an auxiliary earlier in the
    # sentence governs the conjoined verb.
    earlier = [c for c in cues if c.strong and c.end <= start and whole_sentence]
    return earlier[-1].direction if earlier else "nearest"
