"""GDELT 2.0 event exports and mention files (tab-separated, no header, read by position).

Events (61 columns, ``*.export.CSV``): ``GLOBALEVENTID`` is the external id (scheme ``gdelt``);
``SQLDATE`` the day; the CAMEO ``EventCode`` is kept as text (leading zeros intact) in the kind
``cameo.<root>.<base>.<code>`` (so ``of_kind("cameo.04")`` finds every "consult" event) and in
the tag ``cameo:<code>``; Actor1 and Actor2 (name, CAMEO code, country and type codes) take part
as ``initiator`` and ``target``; ActionGeo is the place; ``SOURCEURL`` is a document (published
at ``DATEADDED``) claiming the event. Goldstein scale, tone and counts go in the summary.

Mentions (16 columns, ``*.mentions.CSV``): each row is one article mentioning an event: a
document (``MentionIdentifier``, from ``MentionSourceName``, published at ``MentionTimeDate``)
and its claim on the event with ``GLOBALEVENTID``, with GDELT's ``Confidence`` (as 0 to 1). The
same story syndicated on several sites is one event with one claim per site; an article already
recorded (the event's own ``SOURCEURL``) is not recorded twice.

**Mentions of an event that is not in the database** are skipped: counted in
``summary.skipped`` and listed in ``summary.notes``, never an error and never a placeholder
event. Import the events file first (GDELT publishes both every 15 minutes).

A header row, if present, is recognised and skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, timezone
from functools import lru_cache
from urllib.parse import urlparse

from ..errors import InvalidDateError
from ..when import When
from ..write.draft import ClaimDraft, ClaimRecord, EntityRef, EventDraft, PlaceRef, SourceRef
from .base import (
    BadRow,
    Item,
    Progress,
    RowError,
    explain,
    float_or_none,
    open_text,
)

EVENT_COLUMNS = 61
MENTION_COLUMNS = 16

#: The 20 CAMEO root codes.
CAMEO_ROOTS = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}

#: CAMEO actor type codes -> entity kinds (others: ``country`` for a bare country code, else
#: ``actor``).
ACTOR_KINDS = {
    "GOV": "government",
    "MIL": "military",
    "COP": "police",
    "JUD": "judiciary",
    "LEG": "legislature",
    "OPP": "opposition",
    "REB": "rebels",
    "INS": "insurgents",
    "SEP": "separatists",
    "UAF": "armed_group",
    "SPY": "intelligence",
    "BUS": "business",
    "MED": "media",
    "CVL": "civilians",
    "EDU": "education",
    "LAB": "labor",
    "HLH": "health",
    "REF": "refugees",
    "NGO": "ngo",
    "IGO": "igo",
    "CRM": "criminals",
    "ELI": "elites",
    "AGR": "agriculture",
    "ENV": "environment",
    "RAD": "radicals",
    "MOD": "moderates",
    "REL": "religious",
    "SET": "settlers",
}

#: ActionGeo_Type -> place kind.
GEO_KINDS = {"1": "country", "2": "state", "3": "city", "4": "city", "5": "state"}

# Column positions (GDELT 2.0 event codebook).
_ID, _SQLDATE = 0, 1
_A1, _A2 = 5, 15  # Code, Name, CountryCode, KnownGroup, Ethnic, Religion1, Religion2, Type1..3
_IS_ROOT, _CODE, _BASE, _ROOT, _QUAD, _GOLDSTEIN = 25, 26, 27, 28, 29, 30
_MENTIONS, _SOURCES, _ARTICLES, _TONE = 31, 32, 33, 34
_ACTION_GEO = 51  # Type, FullName, CountryCode, ADM1, ADM2, Lat, Long, FeatureID
_DATEADDED, _SOURCEURL = 59, 60


def _rows(
    path: str | os.PathLike[str], progress: Progress | None, width: int
) -> Iterator[tuple[int, list[str] | RowError]]:
    with open_text(path, progress, newline="") as stream:
        for number, raw in enumerate(stream, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            cells = line.split("\t")
            if number == 1 and not cells[0].strip().isdigit():
                continue  # a header row
            if len(cells) != width:
                yield number, RowError(number, f"{len(cells)} tab-separated columns, not {width}")
                continue
            yield number, cells


def _timestamp(text: str, field: str) -> datetime:
    """``YYYYMMDDHHMMSS`` (UTC) as an aware datetime."""
    text = text.strip()
    try:
        if len(text) != 14 or not text.isdigit():
            raise ValueError(text)
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
        hour, minute, second = int(text[8:10]), int(text[10:12]), int(text[12:])
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        raise BadRow(f"{field} {text!r} is not YYYYMMDDHHMMSS", field) from None


def _day(text: str, field: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%Y%m%d").date()
    except ValueError:
        raise BadRow(f"{field} {text!r} is not YYYYMMDD", field) from None


@lru_cache(maxsize=1 << 14)
def _on(text: str) -> When:
    """The day ``YYYYMMDD`` as a ``When`` (cached: a file holds few distinct days)."""
    return When.on(_day(text, "SQLDATE"))


def _source(url_or_name: str, published: datetime, publisher: str | None = None) -> SourceRef:
    text = url_or_name.strip()
    host = urlparse(text).hostname if "://" in text else None
    return SourceRef(text, publisher or host or text, published, text if host else None)


def read_events(path: str | os.PathLike[str], progress: Progress | None = None) -> Iterator[Item]:
    """Events of a GDELT 2.0 event export."""
    for number, cells in _rows(path, progress, EVENT_COLUMNS):
        if isinstance(cells, RowError):
            yield cells
            continue
        try:
            yield _event(number, cells)
        except (BadRow, InvalidDateError) as error:
            yield RowError(number, *explain(error))


def _actor(cells: list[str], at: int) -> EntityRef | None:
    code, name, country = cells[at].strip(), cells[at + 1].strip(), cells[at + 2].strip()
    types = [cells[at + i].strip() for i in (7, 8, 9) if cells[at + i].strip()]
    if not (name or code):
        return None
    if types and types[0] in ACTOR_KINDS:
        kind = ACTOR_KINDS[types[0]]
    elif code and code == country:
        kind = "country"
    else:
        kind = "actor"
    ids = {"cameo": code} if code else {}
    if types:
        ids["cameo_types"] = ",".join(types)
    return EntityRef(name or code, None, country or None, ids, new_kind=kind)


def _event(number: int, cells: list[str]) -> EventDraft:
    identifier = cells[_ID].strip()
    if not identifier.isdigit():
        raise BadRow(f"GLOBALEVENTID {identifier!r} is not a number", "GLOBALEVENTID")
    code, base, root = (cells[i].strip() for i in (_CODE, _BASE, _ROOT))
    if not code.isdigit():
        raise BadRow(f"EventCode {code!r} is not a CAMEO code", "EventCode")
    root = root if root.isdigit() else code[:2]
    base = base if base.isdigit() else code[:3]
    path = list(dict.fromkeys(part for part in (root, base, code) if part))
    label = CAMEO_ROOTS.get(root, "Event")
    first, second = _actor(cells, _A1), _actor(cells, _A2)
    actors = [(a, role) for a, role in ((first, "initiator"), (second, "target")) if a]
    names = " → ".join(a.name for a, _ in actors)
    title = f"{names}: {label} (CAMEO {code})" if names else f"{label} (CAMEO {code})"
    geo_type, geo_name = cells[_ACTION_GEO].strip(), cells[_ACTION_GEO + 1].strip()
    place = None
    if geo_name and geo_type not in ("", "0"):
        feature = cells[_ACTION_GEO + 7].strip()
        place = PlaceRef(
            geo_name,
            None,
            cells[_ACTION_GEO + 2].strip() or None,
            float_or_none(cells[_ACTION_GEO + 5], "ActionGeo_Lat"),
            float_or_none(cells[_ACTION_GEO + 6], "ActionGeo_Long"),
            external_ids={"gdelt_feature": feature} if feature else {},
            new_kind=GEO_KINDS.get(geo_type, "place"),
        )
    added = _timestamp(cells[_DATEADDED], "DATEADDED")
    url = cells[_SOURCEURL].strip()
    claims = [ClaimDraft(_source(url, added))] if url else []
    facts = [
        f"CAMEO {code} ({label})",
        f"quad class {cells[_QUAD].strip()}",
        f"Goldstein {cells[_GOLDSTEIN].strip()}",
        f"tone {cells[_TONE].strip()}",
        f"{cells[_MENTIONS].strip()} mentions in {cells[_SOURCES].strip()} sources",
    ]
    tags = [f"cameo:{code}", f"quad:{cells[_QUAD].strip()}"]
    if cells[_IS_ROOT].strip() == "1":
        tags.append("root_event")
    return EventDraft(
        line=number,
        title=title,
        when=_on(cells[_SQLDATE].strip()),
        kind="cameo." + ".".join(path),
        summary="; ".join(facts) + ".",
        place=place,
        actors=actors,
        tags=tags,
        external_ids={"gdelt": identifier},
        claims=claims,
    )


def read_mentions(path: str | os.PathLike[str], progress: Progress | None = None) -> Iterator[Item]:
    """Claims of a GDELT 2.0 mentions file, each on the event with its GLOBALEVENTID."""
    for number, cells in _rows(path, progress, MENTION_COLUMNS):
        if isinstance(cells, RowError):
            yield cells
            continue
        try:
            identifier = cells[0].strip()
            if not identifier.isdigit():
                raise BadRow(f"GLOBALEVENTID {identifier!r} is not a number", "GLOBALEVENTID")
            published = _timestamp(cells[2], "MentionTimeDate")
            document = cells[5].strip()
            if not document:
                raise BadRow("MentionIdentifier is empty", "MentionIdentifier")
            confidence = float_or_none(cells[11], "Confidence")
            if confidence is not None and not 0 <= confidence <= 100:
                raise BadRow(f"Confidence {confidence} is not 0-100", "Confidence")
            source = _source(document, published, cells[4].strip() or None)
            claim = ClaimDraft(
                source, confidence=confidence / 100 if confidence is not None else None
            )
            yield ClaimRecord(number, "gdelt", identifier, claim)
        except (BadRow, InvalidDateError) as error:
            yield RowError(number, *explain(error))
