"""Article → event drafts: one draft per dated mention of a news article (see docs/text.md).

:func:`draft_events` reads an article with :func:`~timeline.find_dates` and turns every mention
that denotes a calendar interval into a dict of :meth:`~timeline.Timeline.add_event` keywords,
ready for review in a text editor (as JSON Lines) and for ``add_events`` or
``import_file(..., format="drafts")``:

- ``quote``: the sentence; ``source``: the article; ``title``: the clause around the date;
- ``when``: the phrase with the publication day as ``reference`` when the phrase alone resolves
  to the same interval, else the EDTF text of what the text around it says;
- ``status``: ``expected`` in a future or modal clause or after the publication day;
- ``actors`` and ``place``: the entities and places the timeline knows that the sentence names
  (any alias). A name that means several is not used: it goes into ``notes``, as does anything
  else a reviewer should check. The write ignores ``notes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from .errors import AmbiguousNameError, InvalidDateError, TimelineError
from .models import EntityAlias, PlaceAlias
from .text import name_key
from .when import When
from .when.clauses import direction_at
from .when.mentions import DateMention, find_dates
from .when.periods import Direction
from .write.names import Known, Names

if TYPE_CHECKING:
    from .timeline import Timeline

__all__ = ["TITLE_LENGTH", "draft_events"]

#: The longest title a draft gets (the clause around its date, cut at a word).
TITLE_LENGTH = 120
#: The role of an actor a draft names.
ROLE = "participant"

_WORD = re.compile(r"\w+")
_CLAUSE = re.compile(r"[,;:()\u2014]|\s[\u2013-]\s")
_WHO = re.compile(r"who\s+", re.IGNORECASE)
_CONJUNCTION = re.compile(r"^(?:and|but|or|so|then)\s+", re.IGNORECASE)
_TRIM = " \t\n\"'\u201c\u201d\u2018\u2019.!?"


def draft_events(
    tl: Timeline, text: str, article: dict[str, Any], kind: str = "unclassified"
) -> list[dict[str, Any]]:
    """One draft (a dict of ``add_event`` keywords, plus ``notes``) per dated mention in
    ``text``, an ``article`` of ``published`` (a day), ``publisher``, ``title`` and ``url``
    (each ``None`` when not known); see the module docstring."""
    published = article["published"]
    mentions = find_dates(text, reference=published, conventions=tl.conventions)
    day = _day(published)
    source = {
        "title": article.get("title") or f"Article of {day.isoformat()}",
        "published": day.isoformat(),
        **{key: article[key] for key in ("publisher", "url") if article.get(key) is not None},
    }
    with tl.session() as session:
        names = _NameScanner(session)
        drafts = []
        for mention in mentions:
            if mention.type != "date" or mention.when is None:
                continue
            drafts.append(_draft(text, mention, day, names, tl, kind=kind, source=source))
    return drafts


def _day(published: date | datetime | str) -> date:
    when = When.parse(published)
    if when.span or when.start_earliest is None or when.start_earliest != when.end_latest:
        raise InvalidDateError(published, "a publication date must be a single day or moment")
    return when.start_earliest


def _draft(
    text: str,
    mention: DateMention,
    day: date,
    names: _NameScanner,
    tl: Timeline,
    *,
    kind: str,
    source: dict[str, str],
) -> dict[str, Any]:
    assert mention.when is not None
    sentence = text[mention.sentence[0] : mention.sentence[1]]
    ahead = direction_at(text, mention.sentence, mention.start, mention.end) == "forward"
    after = mention.when.start_earliest is not None and mention.when.start_earliest > day
    status = "expected" if ahead or after else "occurred"
    found = names.scan(sentence)
    title = _title(text, mention, found.entities)
    draft: dict[str, Any] = {"title": title, "kind": kind, "status": status}
    draft.update(_when(mention, day, status, tl))
    actors = {known.name: ROLE for known in _unique(found.entities)}
    if actors:
        draft["actors"] = actors
    notes = list(found.notes)
    places = _unique(sorted(found.places, key=lambda pair: _distance(pair[0], mention)))
    if places:
        draft["place"] = places[0].name
        if len(places) > 1:
            others = ", ".join(place.name for place in places[1:])
            notes.append(
                f"place: {places[0].name} is the one named nearest the date; also named: {others}"
            )
    draft["source"] = dict(source)
    draft["quote"] = " ".join(sentence.split())
    notes = [*draft.pop("notes", []), *notes]
    if notes:
        draft["notes"] = notes
    return draft


def _when(mention: DateMention, day: date, status: str, tl: Timeline) -> dict[str, Any]:
    """The draft's ``when``: the phrase and the publication day when they alone give the
    mention's interval (the write resolves them as this status does), else its notation,
    with a note (the text around the phrase decided it)."""
    assert mention.when is not None
    direction: Direction = "forward" if status == "expected" else "nearest"

    def gives(text: str | None, reference: date | None) -> bool:
        try:
            return text is not None and mention.when == When.parse(
                text, reference, conventions=tl.conventions, direction=direction
            )
        except TimelineError:
            return False

    if gives(mention.text, day):
        return {"when": mention.text, "reference": day.isoformat()}
    notation = mention.when.notation
    said = f"{mention.text!r} means {mention.when.display()} after the text before it"
    if notation is not None and gives(notation, None):
        return {"when": notation, "notes": [f"when: {said}; check it"]}
    return {
        "when": mention.text,
        "reference": day.isoformat(),
        "notes": [f"when: {said}, which no date text says exactly; check it"],
    }


def _title(text: str, mention: DateMention, entities: list[tuple[tuple[int, int], Known]]) -> str:
    """The clause around the mention (with its neighbour when it says little more than the
    date), cut at a word to :data:`TITLE_LENGTH` characters. A clause that opens with "who"
    right after a known name takes the name instead ("Donald Trump, who is expected to…")."""
    low, high = mention.sentence
    breaks = list(_CLAUSE.finditer(text, low, high))
    starts = [low, *(m.end() for m in breaks)]
    stops = [*(m.start() for m in breaks), high]
    start = max(s for s in starts if s <= mention.start)
    stop = min(s for s in stops if s >= mention.end)
    if len(_WORD.findall(text, start, stop)) - len(_WORD.findall(mention.text)) < 3:
        later = [s for s in stops if s > stop]
        if later:
            stop = later[0]
        else:
            start = max((s for s in starts if s < start), default=start)
    clause = _CONJUNCTION.sub("", " ".join(text[start:stop].split()).strip(_TRIM))
    who = _WHO.match(clause)
    if who:
        before = text[low:start].rstrip(" ,")
        named = [known for (_, end), known in entities if end == len(before)]
        if named:
            clause = f"{named[0].name} {clause[who.end() :]}"
    if len(clause) > TITLE_LENGTH:
        clause = clause[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
    return clause[:1].upper() + clause[1:]


def _distance(span: tuple[int, int], mention: DateMention) -> int:
    start, end = span[0] + mention.sentence[0], span[1] + mention.sentence[0]
    return max(mention.start - end, start - mention.end, 0)


def _unique(found: list[tuple[tuple[int, int], Known]]) -> list[Known]:
    seen: dict[int, Known] = {}
    for _, known in found:
        seen.setdefault(known.id, known)
    return list(seen.values())


@dataclass
class _Named:
    """What one sentence names: entities and places (with their spans), and notes."""

    entities: list[tuple[tuple[int, int], Known]] = field(default_factory=list)
    places: list[tuple[tuple[int, int], Known]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _NameScanner:
    """Finds the names of known entities and places in sentences: the lookup keys of every
    alias are loaded once; word n-grams are matched on their key, longest first."""

    def __init__(self, session: Session) -> None:
        self.names = Names(session)
        self.entity_keys = _keys(session, EntityAlias)
        self.place_keys = _keys(session, PlaceAlias)
        self.longest = max(
            (key.count(" ") + 1 for key in self.entity_keys | self.place_keys), default=0
        )
        self._scanned: dict[str, _Named] = {}

    def scan(self, sentence: str) -> _Named:
        """The known names ``sentence`` holds (each sentence is scanned once)."""
        if sentence not in self._scanned:
            named = _Named()
            for span, name in self._matches(sentence, self.entity_keys):
                self._resolve(name, span, named.entities, named.notes, self.names.find_entity)
            for span, name in self._matches(sentence, self.place_keys):
                self._resolve(name, span, named.places, named.notes, self.names.find_place)
            self._scanned[sentence] = named
        return self._scanned[sentence]

    def _matches(self, sentence: str, keys: set[str]) -> Iterator[tuple[tuple[int, int], str]]:
        """Leftmost-longest runs of words whose key is in ``keys``; a name starts with a
        character that is not lower case ("us" is not "U.S.")."""
        words = [match.span() for match in _WORD.finditer(sentence)]
        index = 0
        while index < len(words):
            for size in range(min(self.longest, len(words) - index), 0, -1):
                start, end = words[index][0], words[index + size - 1][1]
                name = sentence[start:end]
                if not name[0].islower() and name_key(name) in keys:
                    yield (start, end), name
                    index += size
                    break
            else:
                index += 1

    @staticmethod
    def _resolve(
        name: str,
        span: tuple[int, int],
        found: list[tuple[tuple[int, int], Known]],
        notes: list[str],
        find: Any,
    ) -> None:
        try:
            known = find(name)
        except AmbiguousNameError as error:
            listed = ", ".join(f"{n} ({kind}, id {ident})" for n, kind, ident in error.candidates)
            notes.append(f"ambiguous name {name!r}, not used: it may be {listed}")
            return
        if known is not None:
            found.append((span, known))


def _keys(session: Session, model: type[EntityAlias] | type[PlaceAlias]) -> set[str]:
    return set(session.scalars(select(func.distinct(col(model.key)))))
