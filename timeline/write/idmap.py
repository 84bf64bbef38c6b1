"""Compact maps kept for every row a write writes (a restore's map of a file's ids to the
stored ones): eight bytes an entry where the ids are integers in a dense range, as a file's
exported ids and a database's new ids are, instead of about a hundred in a dict."""

from __future__ import annotations

from array import array
from collections.abc import Hashable
from typing import Any

#: The distinct values a :class:`StateMap` keeps at most.
STATES = 1 << 14

#: How far past the array's end an integer id may fall and still grow it (the slots between
#: are left empty); an id further off, or below the first, goes to a dict.
GAP = 1 << 12


def _as_int(key: Hashable) -> Hashable:
    """``key`` as the integer it equals, if it is a bool or a whole float (a dict finds the
    entry of 1 by ``1.0`` or ``True`` too); ``key`` otherwise."""
    if isinstance(key, bool) or (isinstance(key, float) and key.is_integer()):
        return int(key)
    return key


class IdMap:
    """A map of ids (any hashable value) to positive integers: an array indexed by the
    integer ids in a dense range from the first one set, a dict for the others."""

    __slots__ = ("_base", "_others", "_values")

    def __init__(self) -> None:
        self._base = 0
        self._values = array("q")  # 0: no entry
        self._others: dict[Hashable, int] = {}

    def _offset(self, key: Hashable, grow: bool) -> int | None:
        """Where integer ``key`` is (or, with ``grow``, goes) in the array; ``None`` if not."""
        if type(key) is not int:
            return None
        values = self._values
        if not values and grow:
            self._base = key
        offset = key - self._base
        if 0 <= offset < len(values):
            return offset
        if grow and 0 <= offset < len(values) + GAP:
            values.frombytes(bytes(values.itemsize * (offset + 1 - len(values))))
            return offset
        return None

    def get(self, key: Hashable) -> int | None:
        """The integer ``key`` maps to, or ``None``."""
        if type(key) is not int:
            key = _as_int(key)
        offset = self._offset(key, grow=False)
        if offset is not None and self._values[offset]:
            return self._values[offset]
        return self._others.get(key)

    def __setitem__(self, key: Hashable, value: int) -> None:
        if type(key) is not int:
            key = _as_int(key)
        offset = self._offset(key, grow=value > 0)
        if offset is not None and value > 0:
            self._values[offset] = value
            if self._others:
                self._others.pop(key, None)
            return
        if offset is not None:
            self._values[offset] = 0
        self._others[key] = value

    def pop(self, key: Hashable) -> int | None:
        """Remove ``key``; the integer it mapped to, or ``None``."""
        if type(key) is not int:
            key = _as_int(key)
        offset = self._offset(key, grow=False)
        if offset is not None and self._values[offset]:
            found = self._values[offset]
            self._values[offset] = 0
            return found
        return self._others.pop(key, None)

    def clear(self) -> None:
        """Remove every entry."""
        self._values = array("q")
        self._others.clear()


class StateMap:
    """A map of ids to values few of which differ (an event's status and date): each distinct
    value is kept once, an :class:`IdMap` holds its number. Past ``limit`` distinct values,
    an id set to yet another one is not kept (``pop`` finds nothing for it)."""

    __slots__ = ("_limit", "_numbers", "_states", "_values")

    def __init__(self, limit: int = STATES) -> None:
        self._limit = limit
        self._numbers = IdMap()
        self._values: list[Any] = [None]  # numbered from 1
        self._states: dict[Any, int] = {}

    def __setitem__(self, key: Hashable, value: Any) -> None:
        number = self._states.get(value)
        if number is None:
            if len(self._values) > self._limit:
                self._numbers.pop(key)
                return
            number = self._states[value] = len(self._values)
            self._values.append(value)
        self._numbers[key] = number

    def pop(self, key: Hashable) -> Any:
        """Remove ``key``; the value it had, or ``None``."""
        number = self._numbers.pop(key)
        return None if number is None else self._values[number]

    def clear(self) -> None:
        """Remove every entry (and every value kept)."""
        self._numbers.clear()
        del self._values[1:]
        self._states.clear()
