"""Fuzzy dates: the :class:`When` value and the conventions it is read with.

>>> from datetime import date
>>> str(When.parse("later this spring", reference=date(2026, 2, 26)))
'spring 2026'
"""

from __future__ import annotations

from timeline.when.conventions import Conventions
from timeline.when.enums import ALLEN_RELATIONS, Certainty, EndState, Precision
from timeline.when.value import When

__all__ = ["ALLEN_RELATIONS", "Certainty", "Conventions", "EndState", "Precision", "When"]
