"""Column types that behave the same on SQLite and PostgreSQL, whatever the SQLModel version."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: attach a tzinfo (e.g. timezone.utc)")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite keeps no offset: the value was stored in UTC
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class StrEnumType(TypeDecorator[Any]):
    """An enum stored as its plain string value (no native enum type to migrate)."""

    impl = String(20)
    cache_ok = True

    def __init__(self, enum: type[Enum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(self.enum(value).value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else self.enum(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        """A dict lookup per row, with no Python call (an ``Enum`` call costs microseconds on
        large results); a value that is no member still raises the enum's ``ValueError``."""
        return _Members(self.enum).__getitem__


class _Members(dict[Any, Any]):
    """The members of an enum by value (and ``None`` by ``None``)."""

    def __init__(self, enum: type[Enum]) -> None:
        super().__init__({member.value: member for member in enum})
        self[None] = None
        self.enum = enum

    def __missing__(self, value: Any) -> Any:
        return self.enum(value)
