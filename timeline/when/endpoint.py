"""One end of a :class:`~timeline.when.When` while it is built, and checks on stored bounds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from timeline.errors import InvalidDateError
from timeline.when.calendar import civil
from timeline.when.enums import EndState, Precision

__all__ = ["Endpoint", "check_bound", "coerce", "describe", "le"]


Bound = date | None  # a date, an aware datetime (a subclass of date), or None


class Endpoint(NamedTuple):
    """One end of a value while it is being built: its window, precision and qualifiers."""

    lo: date | None
    hi: date | None
    precision: Precision = Precision.DAY
    approximate: bool = False
    uncertain: bool = False
    state: EndState = EndState.KNOWN


def le(a: date, b: date) -> bool:
    """``a <= b``: as instants for two datetimes, else by civil date."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a <= b
    return civil(a) <= civil(b)


def describe(value: date | None) -> str:
    return "open" if value is None else value.isoformat()


def coerce(kind: Any, value: Any, text: str, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(repr(m.value) for m in kind)
        raise InvalidDateError(text, f"{name} must be one of {choices}", part=repr(value)) from None


def check_bound(value: Any, text: str, name: str) -> None:
    if value is None:
        return
    if not isinstance(value, date):
        raise InvalidDateError(text, f"{name} must be a date, an aware datetime or None", part=name)
    if isinstance(value, datetime) and value.utcoffset() is None:
        raise InvalidDateError(
            text,
            f"{name} is a naive datetime; attach a tzinfo (e.g. datetime.timezone.utc)",
            part=name,
        )
