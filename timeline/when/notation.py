"""The text form of a :class:`~timeline.When` that :meth:`When.parse` reads back to it.

It is the value's EDTF, extended where EDTF has no form, so that exports keep every value:

* a time's zone is named after its offset, as RFC 9557 writes it:
  ``2026-02-26T18:00:00+09:00[Asia/Pyongyang]`` (EDTF keeps only the offset);
* an instant known to lie in a window of times ("this evening") is the set of the two times,
  ``[2026-02-26T18:00:00+09:00..2026-02-26T23:59:59+09:00]`` (EDTF's sets hold dates only).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, tzinfo

from timeline.errors import InvalidDateError
from timeline.when.conventions import Conventions, named_zone
from timeline.when.edtf import looks_like_edtf, parse_edtf
from timeline.when.edtf_date import parse_date
from timeline.when.edtf_write import format_datetime
from timeline.when.endpoint import Endpoint
from timeline.when.enums import Precision
from timeline.when.value import BOUNDS, When

__all__ = ["notation", "read_notation", "zone_name"]

#: A time with its offset, then a zone name in brackets (RFC 9557).
_NAMED = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)"
    r"\[([^\[\]]*)\]"
)


def zone_name(zone: tzinfo | None) -> str | None:
    """The IANA name of ``zone`` (``"Asia/Seoul"``), ``None`` for a fixed offset."""
    key = getattr(zone, "key", None)  # zoneinfo.ZoneInfo, dateutil's zones
    return str(key) if key else None


def _named(value: date | None) -> str:
    """``[Zone/Name]`` for a time in a named zone, else nothing."""
    name = zone_name(value.tzinfo) if isinstance(value, datetime) else None
    return f"[{name}]" if name else ""


def notation(when: When) -> str | None:
    """The text :meth:`When.parse` reads back to ``when``, ``None`` when none says it."""
    first, last = when.start_earliest, when.start_latest
    if isinstance(first, datetime) and isinstance(last, datetime) and first != last:
        # an instant's window of times (the timed start of a span is one time)
        texts = (format_datetime(first), format_datetime(last))
        if texts[0] is None or texts[1] is None:
            return None
        return f"[{texts[0]}{_named(first)}..{texts[1]}{_named(last)}]"
    if when.edtf is None:
        return None
    parts = when.edtf.split("/")  # an interval's two ends, else one text
    ends = (first, when.end_latest)[: len(parts)]
    return "/".join(part + _named(end) for part, end in zip(parts, ends, strict=True))


def read_notation(source: str, text: str, conventions: Conventions) -> When | None:
    """The value ``source`` writes in the extended forms; ``None`` when it uses neither.

    :raises InvalidDateError: naming ``text`` when the form is malformed.
    """
    if "[" not in source or "T" not in source:
        return None
    zones: dict[datetime, datetime] = {}  # each named time, in its zone

    def unnamed(match: re.Match[str]) -> str:
        stamp, offset, name = match.groups()
        if offset is None:
            raise InvalidDateError(text, "a zone name follows a time's Z or offset", part=stamp)
        moment = parse_date(stamp, text, conventions).lo
        assert isinstance(moment, datetime)  # a time with an offset
        try:
            zone = named_zone(name)
        except ValueError as error:
            raise InvalidDateError(text, str(error), part=name) from None
        local = moment.astimezone(zone)
        if local.utcoffset() != moment.utcoffset():
            there = format_datetime(local)
            raise InvalidDateError(
                text, f"the offset is not {name}'s: there it is {there}", part=stamp
            )
        zones[moment] = local
        return stamp

    bare = _NAMED.sub(unnamed, source)
    if bare.startswith("[") and looks_like_edtf(bare):
        when = _window(bare, text, conventions)
    elif zones:
        when = parse_edtf(bare, conventions)
    else:
        return None
    if not zones:
        return when
    named = {name: zones.get(getattr(when, name), getattr(when, name)) for name in BOUNDS}
    return dataclasses.replace(when, **named)


def _window(source: str, text: str, conventions: Conventions) -> When:
    """``[time..time]``: an instant somewhere between two times."""
    ends = source[1:-1].split("..") if source.endswith("]") else []
    if len(ends) != 2 or not all(end.strip() for end in ends):
        raise InvalidDateError(text, "a window of times is [time..time]", part=source)
    first, last = (parse_date(end.strip(), text, conventions).lo for end in ends)
    if not (isinstance(first, datetime) and isinstance(last, datetime)):
        raise InvalidDateError(
            text, "each end of a window of times is a time with Z or an offset", part=source
        )
    return When.build(Endpoint(first, last, Precision.TIME), text=text)
