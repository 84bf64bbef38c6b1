"""A hand-written parser for EDTF levels 0, 1 and 2 (Library of Congress, ISO 8601-2).

It scans each input once (no backtracking regular expressions) and returns a
:class:`~timeline.when.When` whose ``edtf`` is the canonical text of the input. Everything that
cannot be read raises :class:`~timeline.errors.InvalidDateError` naming the offending part.
"""

from __future__ import annotations

from datetime import date, datetime

from timeline.errors import InvalidDateError
from timeline.when.conventions import DEFAULT_CONVENTIONS, Conventions
from timeline.when.edtf_date import EdtfDate, parse_date
from timeline.when.enums import PRECISION_RANK, EndState, Precision
from timeline.when.value import Endpoint, When

__all__ = ["EDTF_CHARS", "looks_like_edtf", "parse_edtf"]

EDTF_CHARS = frozenset("0123456789XYESTZ:+-./[]{},?~% ")


def looks_like_edtf(text: str) -> bool:
    """True when ``text`` is made only of characters EDTF uses (and so is worth parsing as EDTF)."""
    return bool(text) and text[0] in "0123456789XY-.[{?~%/" and set(text) <= EDTF_CHARS


def parse_edtf(text: str, conventions: Conventions | None = None) -> When:
    """Parse EDTF (levels 0-2) into a :class:`When` whose ``edtf`` is the canonical text.

    :raises InvalidDateError: for anything that is not valid EDTF, or not a real date.
    """
    conventions = conventions or DEFAULT_CONVENTIONS
    source = text.strip()
    if not source:
        raise InvalidDateError(text, "empty date")
    if source[0] in "[{":
        return _parse_set(source, text, conventions)
    if "/" in source:
        return _parse_interval(source, text, conventions)
    value = parse_date(source, text, conventions)
    return When.build(value.endpoint(), edtf=value.text, text=text)


# -- intervals and sets ---------------------------------------------------------------------


def _parse_interval(source: str, text: str, conventions: Conventions) -> When:
    if source.count("/") != 1:
        raise InvalidDateError(text, "an interval has exactly one '/'", part=source)
    left, right = (part.strip() for part in source.split("/"))
    ends: list[Endpoint] = []
    texts: list[str] = []
    for part in (left, right):
        if part == "..":
            ends.append(Endpoint(None, None, Precision.UNKNOWN, state=EndState.OPEN))
            texts.append("..")
        elif part == "":
            ends.append(Endpoint(None, None, Precision.UNKNOWN, state=EndState.UNKNOWN))
            texts.append("")
        else:
            value = parse_date(part, text, conventions)
            ends.append(value.endpoint())
            texts.append(value.text)
    if ends[0].lo is None and ends[1].hi is None:
        raise InvalidDateError(text, "an interval needs at least one known end", part=source)
    start, end = ends
    if start.lo is not None and end.hi is not None and _after(start.lo, end.hi):
        raise InvalidDateError(
            text, f"the interval ends ({right}) before it starts ({left})", part=right
        )
    return When.build(start, end, span=True, edtf="/".join(texts), text=text)


def _after(a: date, b: date) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a > b
    a_day = a.date() if isinstance(a, datetime) else a
    b_day = b.date() if isinstance(b, datetime) else b
    return a_day > b_day


def _parse_set(source: str, text: str, conventions: Conventions) -> When:
    closing = "]" if source[0] == "[" else "}"
    if source[-1] != closing:
        raise InvalidDateError(text, f"a set must end with {closing!r}", part=source[-1:])
    raw = [member.strip() for member in source[1:-1].split(",")]
    if raw == [""]:
        raise InvalidDateError(text, "a set needs at least one member", part=source)
    firsts: list[EdtfDate | None] = []  # each member's first date (None: open start)
    lasts: list[EdtfDate | None] = []
    canon: list[str] = []
    for index, member in enumerate(raw):
        if not member:
            raise InvalidDateError(text, "empty member in a set", part=source)
        open_start = member.startswith("..")
        open_finish = member.endswith("..") and not open_start
        if open_start and index != 0:
            raise InvalidDateError(text, "only the first member may start with '..'", part=member)
        if open_finish and index != len(raw) - 1:
            raise InvalidDateError(text, "only the last member may end with '..'", part=member)
        if open_start or open_finish:
            body = member[2:] if open_start else member[:-2]
            value = _set_member(body.strip(), text, conventions)
            firsts.append(None if open_start else value)
            lasts.append(value if open_start else None)
            canon.append(f"..{value.text}" if open_start else f"{value.text}..")
        elif ".." in member:
            a_text, b_text = member.split("..", 1)
            a = _set_member(a_text.strip(), text, conventions)
            b = _set_member(b_text.strip(), text, conventions)
            if a.lo > b.lo or a.hi > b.hi:
                raise InvalidDateError(text, "a range in a set runs backwards", part=member)
            firsts.append(a)
            lasts.append(b)
            canon.append(f"{a.text}..{b.text}")
        else:
            value = _set_member(member, text, conventions)
            firsts.append(value)
            lasts.append(value)
            canon.append(value.text)
    edtf = source[0] + ", ".join(canon) + closing
    known = [d for d in firsts + lasts if d is not None]
    lo = None if firsts[0] is None else min(d.lo for d in firsts if d is not None)
    hi = None if lasts[-1] is None else max(d.hi for d in lasts if d is not None)
    precision = max((d.precision for d in known), key=PRECISION_RANK.__getitem__)
    approximate = any(d.approximate for d in known)
    uncertain = any(d.uncertain for d in known)
    if closing == "]":
        window = Endpoint(lo, hi, precision, approximate, uncertain, EndState.OPEN)
        return When.build(window, edtf=edtf, text=text)
    open_end = Endpoint(None, None, Precision.UNKNOWN, state=EndState.OPEN)
    starts = [d for d in firsts if d is not None]
    ends = [d for d in lasts if d is not None]
    first = min(starts, key=lambda d: (d.lo, d.hi)).endpoint() if lo is not None else open_end
    last = max(ends, key=lambda d: (d.hi, d.lo)).endpoint() if hi is not None else open_end
    return When.build(first, last, span=True, edtf=edtf, text=text)


def _set_member(body: str, text: str, conventions: Conventions) -> EdtfDate:
    if not body:
        raise InvalidDateError(text, "empty member in a set")
    if "T" in body:
        raise InvalidDateError(text, "EDTF sets hold dates, not times", part=body)
    return parse_date(body, text, conventions)


# -- single dates ---------------------------------------------------------------------------
