"""Controlled vocabularies: event status and relation kinds, with their outside mappings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from .errors import InvalidEventError

_E = TypeVar("_E", bound="_StrEnum")


class _StrEnum(str, Enum):
    """A string enum whose members compare equal to, and print as, their value."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def coerce(cls: type[_E], value: object, *, field: str) -> _E:
        """Return the member for ``value`` (a member or its string), or raise a clear error."""
        try:
            return cls(value.strip().lower() if isinstance(value, str) else value)
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise InvalidEventError(
                f"unknown {field} {value!r}; use one of: {allowed}", field=field, value=value
            ) from None


class Status(_StrEnum):
    """What is known of an event's reality.

    ``occurred`` and ``ongoing`` are facts; ``scheduled`` (a date is fixed), ``expected``,
    ``planned`` and ``rumored`` look ahead; ``postponed``, ``cancelled`` and ``denied`` record
    a change; ``unknown`` says nothing.
    """

    OCCURRED = "occurred"
    ONGOING = "ongoing"
    SCHEDULED = "scheduled"
    EXPECTED = "expected"
    PLANNED = "planned"
    RUMORED = "rumored"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    DENIED = "denied"
    UNKNOWN = "unknown"


#: Statuses of events that cannot be "upcoming": they happened, are happening or will not.
SETTLED_STATUSES = frozenset({Status.OCCURRED, Status.ONGOING, Status.CANCELLED, Status.DENIED})

#: schema.org ``eventStatus`` for each status (``None``: schema.org has no word for it).
SCHEMA_ORG_STATUS: dict[Status, str | None] = {
    Status.OCCURRED: "https://schema.org/EventScheduled",
    Status.ONGOING: "https://schema.org/EventScheduled",
    Status.SCHEDULED: "https://schema.org/EventScheduled",
    Status.EXPECTED: "https://schema.org/EventScheduled",
    Status.PLANNED: "https://schema.org/EventScheduled",
    Status.RUMORED: None,
    Status.POSTPONED: "https://schema.org/EventPostponed",
    Status.CANCELLED: "https://schema.org/EventCancelled",
    Status.DENIED: "https://schema.org/EventCancelled",
    Status.UNKNOWN: None,
}

#: iCalendar ``STATUS`` (RFC 5545) for each status.
ICALENDAR_STATUS: dict[Status, str] = {
    Status.OCCURRED: "CONFIRMED",
    Status.ONGOING: "CONFIRMED",
    Status.SCHEDULED: "CONFIRMED",
    Status.EXPECTED: "TENTATIVE",
    Status.PLANNED: "TENTATIVE",
    Status.RUMORED: "TENTATIVE",
    Status.POSTPONED: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
    Status.DENIED: "CANCELLED",
    Status.UNKNOWN: "TENTATIVE",
}


class RelationKind(_StrEnum):
    """How one event stands to another: ``parade part_of congress``."""

    PART_OF = "part_of"
    FOLLOWS = "follows"
    CAUSES = "causes"
    RESPONDS_TO = "responds_to"
    SAME_AS = "same_as"


_KIND = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*\Z")
_ROLE = re.compile(r"[a-z0-9_]{1,32}\Z")  # the column holds 32 characters


def check_kind(kind: object, *, field: str = "kind") -> str:
    """Return a dotted kind (``military.parade``) in lower case, or raise ``InvalidEventError``."""
    if not isinstance(kind, str) or not _KIND.match(kind.strip().lower()) or len(kind) > 128:
        raise InvalidEventError(
            f"invalid {field} {kind!r}: use dotted lower-case words such as 'military.parade' "
            "(at most 128 characters)",
            field=field,
            value=kind,
        )
    return kind.strip().lower()


def check_role(role: object) -> str:
    """Return a participation role (``speaker``, ``host``…) in lower case, or raise."""
    if not isinstance(role, str) or not _ROLE.match(role.strip().lower()):
        raise InvalidEventError(
            f"invalid role {role!r}: use one lower-case word of at most 32 characters, "
            "such as 'speaker' or 'host'",
            field="role",
            value=role,
        )
    return role.strip().lower()


def check_mapping(value: object, *, field: str, where: str = "") -> Mapping[Any, Any]:
    """``value`` if it is a mapping (``{name: role}``, ``{scheme: id}``), else raise."""
    if not isinstance(value, Mapping):
        raise InvalidEventError(
            f"{where}{field} must be a dict, not {type(value).__name__} {value!r:.100}",
            field=field,
            value=value,
        )
    return value


def check_many(value: object, *, field: str, where: str = "") -> list[Any]:
    """One text value or a collection of them (tags, roles), as a list; else raise."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable) or isinstance(value, (Mapping, bytes)):
        raise InvalidEventError(
            f"{where}{field} must be text or a list of text, not {type(value).__name__} "
            f"{value!r:.100}",
            field=field,
            value=value,
        )
    return list(value)
