"""``When.parse``: dispatch any input to the EDTF, ISO 8601, phrase or free-text reader."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from timeline.errors import InvalidDateError
from timeline.when.conventions import DEFAULT_CONVENTIONS, Conventions
from timeline.when.edtf import looks_like_edtf, parse_edtf
from timeline.when.edtf_write import to_edtf
from timeline.when.enums import Precision
from timeline.when.notation import read_notation
from timeline.when.periods import DIRECTIONS, Direction
from timeline.when.value import Endpoint, When

__all__ = ["MAX_LENGTH", "finish", "parse_value"]

#: Longer text is refused outright: this bounds the time any input can take.
MAX_LENGTH = 200

_BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})")
_WEEK = re.compile(r"(\d{4})-?W(\d{2})(?:-?([1-7]))?")
_ORDINAL = re.compile(r"(\d{4})-(\d{3})")
_SPACED_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)"
)


def parse_value(
    value: Any,
    reference: date | str | None,
    conventions: Conventions | None,
    direction: Direction = "nearest",
) -> When:
    """Read ``value`` (see :meth:`When.parse`)."""
    conventions = conventions or DEFAULT_CONVENTIONS
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if isinstance(value, When):
        return value
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise InvalidDateError(
                value, "a naive datetime has no zone; attach a tzinfo (e.g. timezone.utc)"
            )
        return When.build(Endpoint(value, value, Precision.TIME))
    if isinstance(value, date):
        return When.build(Endpoint(value, value, Precision.DAY))
    if not isinstance(value, str):
        raise InvalidDateError(
            value, f"expected a When, a date, a datetime or text, not {type(value).__name__}"
        )
    if isinstance(reference, str):
        reference = _single_day(reference, conventions)
    if reference is not None and not isinstance(reference, date):
        raise InvalidDateError(reference, "the reference must be a date, a datetime or ISO text")
    if isinstance(reference, datetime) and reference.utcoffset() is None:
        raise InvalidDateError(reference, "the reference is a naive datetime; attach a tzinfo")
    if len(value) > MAX_LENGTH:
        raise InvalidDateError(
            value[:40] + "…", f"text longer than {MAX_LENGTH} characters is not read as a date"
        )
    try:
        return _said_on(_parse_text(value, reference, conventions, direction), reference)
    except InvalidDateError:
        raise
    except (ValueError, OverflowError) as error:  # calendar arithmetic beyond year 1 or 9999
        raise InvalidDateError(
            value, f"it resolves outside the supported dates (years 1 to 9999): {error}"
        ) from error


def _said_on(when: When, reference: date | None) -> When:
    """``when``, with ``reference`` kept when its open end needs it: "2020/.." read against a
    publication date says the thing was still going on that day (``When.ongoing_until``)."""
    if reference is None or when.reference is not None or when.ongoing_until is None:
        return when
    return when.with_text(when.phrase, reference)


def _parse_text(
    value: str, reference: date | None, conventions: Conventions, direction: Direction
) -> When:
    source = value.strip()
    if not source:
        raise InvalidDateError(value, "empty text is not a date")
    written = read_notation(source, value, conventions)
    if written is not None:
        return written if written.notation == source else written.with_text(value, None)
    iso = _iso(source, value, conventions)
    if iso is not None:
        return iso
    edtf_error: InvalidDateError | None = None
    if looks_like_edtf(source):
        try:
            result = parse_edtf(source, conventions)
        except InvalidDateError as error:
            edtf_error = error
        else:
            if result.edtf == source:
                return result
            return result.with_text(value, None)
    from timeline.when.phrases import parse_phrase

    # its errors are the more specific
    found = parse_phrase(value, reference, conventions, direction)
    if found is not None:
        return found
    if edtf_error is not None:
        raise edtf_error
    raise InvalidDateError(
        value, "not EDTF, ISO 8601, a date in words or a phrase that can be resolved"
    )


def finish(when: When, text: str, reference: date | None, conventions: Conventions) -> When:
    """Record ``text`` and ``reference`` on ``when``; rewrite its EDTF for the hemisphere."""
    edtf = when.edtf
    if conventions.hemisphere != "north":
        edtf = to_edtf(when, conventions.hemisphere)
    result = when.with_text(text, reference)
    object.__setattr__(result, "edtf", edtf)
    return result


def _iso(source: str, text: str, conventions: Conventions) -> When | None:
    """ISO 8601 forms EDTF does not have: basic ``20260226``, weeks, ordinal days, spaced times."""
    try:
        if match := _BASIC.fullmatch(source):
            digits = match.groups()
            result = parse_edtf(f"{digits[0]}-{digits[1]}-{digits[2]}", conventions)
        elif match := _WEEK.fullmatch(source):
            iso_year, week, weekday = match.groups()
            monday = date.fromisocalendar(int(iso_year), int(week), 1)
            if weekday:
                one = monday + timedelta(days=int(weekday) - 1)
                result = When.build(Endpoint(one, one, Precision.DAY))
            else:
                result = When.build(Endpoint(monday, monday + timedelta(days=6), Precision.WEEK))
        elif match := _ORDINAL.fullmatch(source):
            year, ordinal = map(int, match.groups())
            first = date(year, 1, 1)
            day = first + timedelta(days=ordinal - 1)
            if not ordinal >= 1 or day.year != year:
                raise InvalidDateError(text, f"{year} has no day {ordinal}", part=match.group(2))
            result = When.build(Endpoint(day, day, Precision.DAY))
        elif match := _SPACED_TIME.fullmatch(source):
            result = parse_edtf(f"{match.group(1)}T{match.group(2).replace(' ', '')}", conventions)
        else:
            return None
    except ValueError as error:
        if isinstance(error, InvalidDateError):
            raise
        raise InvalidDateError(text, str(error)) from None
    return result.with_text(text, None)


def _single_day(text: str, conventions: Conventions) -> date:
    """A reference given as text ("2026-02-26"): it must name one day or one moment."""
    moment = parse_value(text, None, conventions)
    if moment.span or moment.start_earliest is None or moment.start_earliest != moment.start_latest:
        raise InvalidDateError(text, "a reference date must be a single day or moment")
    return moment.start_earliest
