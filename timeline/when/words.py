"""The words of English dates: months, weekdays, numbers and ordinals."""

from __future__ import annotations

__all__ = ["MONTHS", "MONTH_RE", "NUMBERS", "NUMBER_RE", "ORDINALS", "ORDINAL_RE", "WEEKDAYS",
           "WEEKDAY_RE", "number_range"]  # fmt: skip

MONTHS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        "january jan",
        "february feb",
        "march mar",
        "april apr",
        "may",
        "june jun",
        "july jul",
        "august aug",
        "september sept sep",
        "october oct",
        "november nov",
        "december dec",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _index

WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        "monday mon",
        "tuesday tues tue",
        "wednesday wed",
        "thursday thurs thur thu",
        "friday fri",
        "saturday sat",
        "sunday sun",
    )
):
    for _name in _names.split():
        WEEKDAYS[_name] = _index

NUMBERS: dict[str, tuple[int, int]] = {
    "a": (1, 1),
    "an": (1, 1),
    "one": (1, 1),
    "two": (2, 2),
    "three": (3, 3),
    "four": (4, 4),
    "five": (5, 5),
    "six": (6, 6),
    "seven": (7, 7),
    "eight": (8, 8),
    "nine": (9, 9),
    "ten": (10, 10),
    "eleven": (11, 11),
    "twelve": (12, 12),
    "fifteen": (15, 15),
    "twenty": (20, 20),
    "thirty": (30, 30),
    "a couple of": (2, 2),
    "a couple": (2, 2),
    "a few": (2, 4),
    "few": (2, 4),
    "several": (3, 7),
    "a number of": (3, 7),
}

ORDINALS: dict[str, int] = {
    word: index
    for index, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
            "twenty-first",
        ],
        start=1,
    )
}


def _alternation(words: object) -> str:
    return "|".join(sorted(map(str, words), key=len, reverse=True))  # type: ignore[call-overload]


MONTH_RE = f"(?:{_alternation(MONTHS)})"
WEEKDAY_RE = f"(?:{_alternation(WEEKDAYS)})"
NUMBER_RE = f"(?:\\d{{1,4}}|{_alternation(NUMBERS)})"
ORDINAL_RE = f"(?:\\d{{1,2}}|{_alternation(ORDINALS)})"


def number_range(word: str) -> tuple[int, int]:
    """``"3"`` → (3, 3); ``"a few"`` → (2, 4); ``"several"`` → (3, 7)."""
    if word.isdigit():
        return int(word), int(word)
    return NUMBERS[word]


def ordinal(word: str) -> int:
    """``"2"`` or ``"second"`` → 2."""
    return int(word) if word.isdigit() else ORDINALS[word]
