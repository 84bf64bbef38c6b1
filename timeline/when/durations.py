"""ISO 8601 durations of lengths of time in words ("about two weeks" → ``P2W``) and the period
of a recurrence ("every Monday" → ``P1W``).

A vague count ("several years", "for decades") has ``X`` for its number (``PXY``), as TimeML
writes it; decades and centuries are written in years (``P30Y``), or ``PXDE`` / ``PXCE`` when
the count is vague.
"""

from __future__ import annotations

import re

__all__ = ["iso_duration", "set_period"]

_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12,
    "a couple of": 2, "another": 1, "an additional": 1,
}  # fmt: skip
_VAGUE = ("a few", "few", "several", "dozens of", "many", "some")
_UNIT = {"second": ("S", 1, True), "minute": ("M", 1, True), "hour": ("H", 1, True),
         "day": ("D", 1, False), "week": ("W", 1, False), "month": ("M", 1, False),
         "year": ("Y", 1, False), "decade": ("Y", 10, False), "centurie": ("Y", 100, False),
         "century": ("Y", 100, False), "quarter": ("M", 3, False)}  # fmt: skip
_R_LENGTH = re.compile(
    r"(?:(\d+(?:\.\d+)?|[a-z]+(?:-[a-z]+)?|a couple of|a few|a dozen|dozens of|an additional)"
    r"[\s-]+)?(and a half )?(second|minute|hour|day|week|month|quarter|year|decade|centurie|"
    r"century)s?( and a half)?$"
)


def _number(word: str | None, plural: bool) -> float | None:
    """The count in words or digits; ``None`` when it is vague ("several", "for years")."""
    if word is None or word in _VAGUE:
        return None if plural or word in _VAGUE else 1.0
    if word.replace(".", "", 1).isdigit():
        return float(word)
    if "-" in word:
        tens, _, ones = word.partition("-")
        if tens in _WORDS and ones in _WORDS:
            return float(_WORDS[tens] + _WORDS[ones])
    if word in _WORDS:
        return float(_WORDS[word])
    return None if plural else 1.0  # "the past week": one week


_R_COMPOUND = re.compile(r"(.+?),? and (\S+ (?:hours?|minutes?|seconds?|days?|weeks?|months?))")


def iso_duration(text: str) -> str | None:
    """The ISO 8601 duration of a length of time in words, or ``None`` if it is not one."""
    s = " ".join(text.lower().replace("-", " - ").split()).replace(" - ", "-")
    if (compound := _R_COMPOUND.fullmatch(s)) and not s.endswith("and a half"):
        # "two hours and 40 minutes": PT2H40M
        first, second = iso_duration(compound.group(1)), iso_duration(compound.group(2))
        if first is None or second is None:
            return None
        if ("T" in first and "T" not in second) or "X" in first + second:
            return None
        return first + (second[2:] if "T" in second and "T" in first else second[1:])
    match = _R_LENGTH.search(s)
    if match is None:
        return None
    word, half_before, unit, half_after = match.groups()
    designator, factor, is_time = _UNIT[unit]
    count = _number(word, match.group(0).split(" and a half")[0].endswith("s"))
    prefix = "PT" if is_time else "P"
    if count is None:
        if unit == "decade":
            return "PXDE"
        if unit in ("century", "centurie"):
            return "PXCE"
        return f"{prefix}X{designator}"
    count = count * factor + (0.5 * factor if half_before or half_after else 0)
    number = str(int(count)) if count == int(count) else str(count)
    return f"{prefix}{number}{designator}"


_SETS = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W",
         "monthly": "P1M", "quarterly": "P3M", "annually": "P1Y", "yearly": "P1Y",
         "hourly": "PT1H"}  # fmt: skip
_R_PER = re.compile(r"(?:a|per) (\w+)")
_R_ONCE = re.compile(
    r"(?:once|twice|\w+ times|\w+ (?:days|nights|hours|mornings|evenings)) "
    r"(?:a|per|each|every) (\w+)$"
)
_R_EVERY = re.compile(r"(?:every|each) (?:other )?(.+)$")
_CALENDAR_NAMES = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|"
    r"(?:spring|summer|autumn|fall|winter|january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|(morning|afternoon|evening|night)"
)


def set_period(text: str) -> str | None:
    """The period of a recurrence: "weekly" → ``P1W``, "every Monday" → ``P1W``."""
    s = " ".join(text.lower().split())
    if s in _SETS:
        return _SETS[s]
    if match := _R_PER.fullmatch(s):
        return iso_duration(f"one {match.group(1)}")
    if match := _R_ONCE.fullmatch(s):
        return iso_duration(f"one {match.group(1)}")
    if match := _R_EVERY.fullmatch(s):
        rest = match.group(1)
        other = "other " in s
        named = _CALENDAR_NAMES.fullmatch(rest)
        if named is not None:
            if named.group(1):
                return "P2D" if other else "P1D"
            if rest.startswith(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
                return "P2W" if other else "P1W"
            return "P2Y" if other else "P1Y"
        found = iso_duration(rest if rest[0].isdigit() or " " in rest else f"one {rest}")
        if found is not None and other:
            return found.replace("P1", "P2", 1).replace("PT1", "PT2", 1)
        return found
    if _CALENDAR_NAMES.fullmatch(s):  # "Mondays"
        return "P1W"
    return None
