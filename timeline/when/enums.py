"""The small enumerations of the :class:`~timeline.when.When` model.

Their values are plain strings so that they can be stored in a database column as they are.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["ALLEN_RELATIONS", "Certainty", "EndState", "Precision"]


class Precision(str, Enum):
    """How finely one end of a :class:`~timeline.when.When` is known."""

    TIME = "time"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"
    QUADRIMESTER = "quadrimester"
    HALF = "half"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    MILLENNIUM = "millennium"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


class Certainty(str, Enum):
    """Whether a relation between two fuzzy values holds for all, some or none of their readings."""

    CERTAIN = "certain"
    POSSIBLE = "possible"
    IMPOSSIBLE = "impossible"

    def __str__(self) -> str:
        return self.value


class EndState(str, Enum):
    """Whether one end of a :class:`~timeline.when.When` is known.

    ``OPEN`` is EDTF ``..`` (unbounded; for an end: still going); ``UNKNOWN`` is an empty EDTF
    end (there is an end, but it is not known).
    """

    KNOWN = "known"
    OPEN = "open"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


#: The names of Allen's thirteen interval relations, as accepted by :meth:`When.relation`.
ALLEN_RELATIONS: tuple[str, ...] = (
    "before",
    "after",
    "meets",
    "met_by",
    "overlaps",
    "overlapped_by",
    "starts",
    "started_by",
    "during",
    "contains",
    "finishes",
    "finished_by",
    "equals",
)

#: Ranks used to compare precisions (finer is smaller).
PRECISION_RANK: dict[Precision, int] = {p: i for i, p in enumerate(Precision)}
