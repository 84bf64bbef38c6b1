"""Where temporal expressions are in running text: one compiled regular expression.

:data:`MENTION` matches a whole TIMEX3 extent (determiners and modifiers included, prepositions
left out) and names its kind by group: ``set``, ``time``, ``duration``, ``date``. Alternatives are
tried in order, longest and most specific first. Names of months and weekdays must be
capitalised, so that "may", "march" and "sun" are not read as dates. What one regular expression
cannot decide (a bare "May" is a month only after a preposition) is checked by :func:`accept`.
"""

from __future__ import annotations

import re

__all__ = ["MENTION", "accept"]

_MONTH_FULL = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)"
)
_MONTH = rf"(?:{_MONTH_FULL}|(?-i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.)"
_WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
_YEAR = r"(?:1[0-9]\d\d|20\d\d)(?![\d,.]\d|\s*%|\s*percent)"
_DASH = r"\s*[-\u2013\u2014]\s*"
_SMALL = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
)
_NUMBER = rf"(?:\d+(?:\.\d+)?|{_SMALL}|a\s+couple\s+of|a\s+few|a\s+dozen|dozens\s+of|several)"
_COUNT = rf"(?:{_NUMBER}|an?)"
_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century)"
_UNIT_ONE = r"(?:second|minute|hour|day|week|month|year|decade|century)"
_UNITS = r"(?:seconds|minutes|hours|days|weeks|months|years|decades|centuries)"
_QMOD = (
    r"(?:(?:about|around|roughly|nearly|almost|approximately|more\s+than|less\s+than|"
    r"fewer\s+than|at\s+least|at\s+most|up\s+to|just\s+over|just\s+under|only|"
    r"some|barely|well\s+over|close\s+to|another|an\s+additional)\s+)"
)
_PART = r"(?:morning|afternoon|evening|night)"
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_REL = r"(?:this\s+coming|this\s+past|this|last|next|past|coming|previous|following|current)"
_YEAR_OF = rf"(?:\s+of\s+(?:fiscal\s+)?(?:{_YEAR}|this\s+year|last\s+year|next\s+year|the\s+year))"
_DECADE_WORD = r"(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)"
_CENTURY_ORD = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|"
    r"eighteenth|nineteenth|twentieth|twenty-first)"
)
_HOLIDAY = (
    r"(?-i:Christmas(?:\s+Eve|\s+Day)?|New\s+Year['\u2019]s(?:\s+Day|\s+Eve)?|Independence\s+Day|"
    r"Easter(?:\s+Sunday|\s+Monday)?|Good\s+Friday|Thanksgiving(?:\s+Day)?|Memorial\s+Day|"
    r"Labor\s+Day|Halloween|Valentine['\u2019]s\s+Day|Veterans\s+Day|Boxing\s+Day|"
    r"Martin\s+Luther\s+King(?:\s+Jr\.?)?\s+Day|Presidents['\u2019]?\s+Day|Ramadan|Hanukkah|"
    r"Passover|Diwali|Lunar\s+New\s+Year|Chinese\s+New\s+Year|the\s+Fourth\s+of\s+July)"
    rf"(?:,?\s+{_YEAR})?"
    r"(?!\s+(?-i:Street|St\b|Avenue|Road|Parade|Square|Island|Bridge|Offensive|Party|Uprising))"
)

# A calendar period that modifiers ("early", "the end of", "later this") can apply to.
_BASE = "|".join(
    (
        rf"(?:the\s+(?!past\b))?{_REL}\s+(?:weekend|week|month|quarter|year|decade|century|season|{_SEASON}|"
        rf"fiscal\s+year|{_MONTH_FULL})",
        rf"(?:the\s+)?(?:fiscal\s+)?{_ORD}[-\s](?:fiscal\s+)?quarter{_YEAR_OF}?",
        rf"(?:the\s+)?(?:fiscal\s+)?(?:first|second|1st|2nd)[-\s]half{_YEAR_OF}?",
        rf"fiscal\s+(?:year\s+)?{_YEAR}(?:['\u2019]s\s+{_ORD}\s+quarter)?",
        r"(?-i:FY)\s?(?:\d{4}|\d{2})\b",
        rf"(?-i:Q[1-4])(?:\s+{_YEAR})?|{_YEAR}\s+(?-i:Q[1-4])|(?-i:H[12])\s+{_YEAR}",
        rf"(?:the\s+)?{_SEASON}\s+(?:of\s+)?{_YEAR}(?:[-/]\d{{2,4}})?",
        rf"the\s+(?:late\s+|early\s+|mid-?)?(?:1\d|20)\d0s|(?:1\d|20)\d0s|the\s+['\u2019]?\d0s|"
        rf"['\u2019]\d0s|the\s+{_DECADE_WORD}",
        rf"the\s+{_CENTURY_ORD}[-\s]century",
        rf"{_MONTH_FULL}(?:{_DASH}{_MONTH_FULL})?,?\s+(?:of\s+)?{_YEAR}",
        rf"the\s+{_YEAR}(?:{_DASH}(?:\d{{4}}|\d\d))?\s+(?:season|academic\s+year|school\s+year|"
        r"financial\s+year|tax\s+year|model\s+year|fiscal\s+year)",
        rf"{_YEAR}{_DASH}(?:1[0-9]\d\d|20\d\d|\d\d)(?!\d)",
        rf"(?:the\s+year\s+)?{_YEAR}",
        rf"the\s+{_SEASON}",
        r"(?-i:spring|summer|autumn|winter)",
        _MONTH_FULL,
    )
)
_MODIFIER = (
    r"(?:(?:the\s+)?(?:very\s+)?(?:early|mid|late)[-\s]+|"
    r"(?:the\s+)?(?:start|beginning|end|middle|turn|close|rest|remainder|first\s+half|"
    r"second\s+half|latter\s+half|latter\s+part|early\s+part|most|much|all|part)\s+of\s+"
    r"(?:the\s+)?|"
    r"(?:earlier|later)\s+(?:this\s+|in\s+the\s+)?)"
)

_DATE = "|".join(
    (
        # full dates: "Thursday, Feb. 26, 2026", "March 3-5", "26 February", "the 4th of July"
        rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}(?:{_DASH}{_DAY})?(?:,?\s+{_YEAR})?",
        rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_DAY}(?:{_DASH}{_DAY})?\s+(?:of\s+)?{_MONTH}"
        rf"(?:,?\s+{_YEAR})?",
        r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)",
        r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4}(?![\d/])",
        _HOLIDAY,
        # reporting periods
        r"the\s+(?:latest|most\s+recent|year-earlier|year-ago)\s+(?:quarter|period)",
        rf"the\s+year-(?:earlier|ago)\s+{_ORD}\s+quarter",
        r"the\s+(?:same|comparable|corresponding)\s+(?:quarter|period|time)\s+(?:a\s+year\s+"
        r"(?:earlier|ago|before)|last\s+year|of\s+last\s+year|the\s+(?:previous|prior)\s+year)",
        rf"the\s+(?:first|last|final)\s+(?:{_SMALL}|\d+)\s+months{_YEAR_OF}?",
        r"the\s+(?:fiscal|full|calendar|whole|entire|current)\s+year",
        rf"the\s+(?:{_SMALL}|\d+)\s+months\s+(?:ended|ending|through|to)\s+{_MONTH}\s+{_DAY}"
        rf"(?:,?\s+{_YEAR})?|the\s+(?:quarter|year|half|period)\s+(?:ended|ending|through)\s+"
        rf"{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?",
        rf"{_MONTH_FULL}\s+of\s+(?:that|the\s+same|the\s+following|the\s+next|the\s+previous|"
        r"the\s+prior)\s+year",
        r"the\s+quarter\b",
        # counted from the reference or from a date earlier in the text
        rf"{_QMOD}?{_COUNT}\s+{_UNIT}\s+(?:ago|earlier|later|from\s+now|hence|"
        r"before(?=[.,;])|after(?=[.,;]))",
        rf"{_UNITS}\s+(?:ago|earlier|later)",
        r"(?:this|the\s+same|that)\s+time\s+(?:last|next)\s+year",
        rf"the\s+(?:next|following|previous|same|prior)\s+(?:day|week|weekend|month|year|"
        rf"{_PART})|that\s+(?:day|week|weekend|month|year|{_PART})|the\s+day\s+(?:before|after)",
        r"(?:the\s+)?(?:recent|coming|past\s+few|last\s+few|next\s+few)\s+(?:days|weeks|months|"
        r"years)",
        # part of a day, or a day near the reference
        rf"(?:{_REL}\s+)?{_WEEKDAY}(?:\s+{_PART})?(?![a-z])",
        rf"(?:early|late)\s+{_WEEKDAY}",
        rf"(?:this|tomorrow|yesterday|last|early\s+this|late\s+this)\s+{_PART}",
        r"the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow",
        r"today|tonight|yesterday|tomorrow|now|recently|nowadays|these\s+days",
        rf"the\s+(?:past|future)(?!\s+(?:{_NUMBER}|week|month|year|decade|century|of)\b)",
        r"the\s+weekend",
        # a period, possibly modified: "early next year", "the end of the year"
        rf"{_MODIFIER}(?:{_BASE}|(?:year|month|week|decade|century|day|quarter))",
        _BASE,
    )
)

_DURATION = "|".join(
    (
        rf"(?:the\s+)?(?:past|last|next|previous|first|coming|following|final)\s+{_NUMBER}\s+"
        rf"{_UNITS}",
        r"the\s+past\s+(?:week|month|year|decade|century)",
        rf"{_QMOD}?{_COUNT}\s+(?:and\s+a\s+half\s+)?{_UNIT}(?:\s+and\s+a\s+half|,?\s+and\s+"
        rf"{_COUNT}\s+{_UNIT})?"
        r"(?![-\s]+old\b|\s+of\s+age\b)(?!-)",
        rf"{_QMOD}?{_NUMBER}-{_UNIT_ONE}(?![-\s]+old\b)(?=[-\s])",  # "a three-year deal"
        rf"(?<=\bfor\s){_UNITS}|(?<=\bin\s)(?:years|decades|months)|"
        rf"(?:years|decades|months|weeks)(?=\s+of\s(?!age\b))",
    )
)

_SET = "|".join(
    (
        r"(?<=[0-9s]\s)(?:a|per)\s+(?:day|week|month|year)(?!\s+(?:ago|earlier|later|before|"
        r"after|from|and)\b)",
        rf"(?:every|each)\s+(?:other\s+)?(?:(?:{_NUMBER}|few)\s+)?(?:{_UNIT}|{_WEEKDAY}|{_PART}|{_SEASON}|"
        rf"{_MONTH_FULL}|quarter)",
        r"(?:once|twice|three\s+times|four\s+times|\d+\s+times|"
        rf"{_NUMBER}\s+(?:days|nights|hours|mornings|evenings))\s+(?:a|per|each|every)\s+"
        r"(?:day|week|month|year|quarter)",
        r"(?:daily|weekly|monthly|annually|yearly|quarterly|nightly|hourly|biweekly)",
        rf"{_WEEKDAY}s\b",
    )
)

_TIME = "|".join(
    (
        r"\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)(?:\s+(?-i:EST|EDT|ET|GMT|UTC|PST|PDT|"
        r"CET|BST)\b|\s+local\s+time)?",
        r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])(?:\s+(?-i:GMT|UTC)\b)?",
        r"noon|midnight|midday|overnight",
        r"(?<=\bin\s)(?:morning|afternoon|evening)",
    )
)

MENTION = re.compile(
    rf"(?<![\w$\u20ac\u00a3'\u2019-])(?:(?P<set>{_SET})|(?P<time>{_TIME})|"
    rf"(?P<date>{_DATE})|(?P<duration>{_DURATION}))(?![\w])",
    re.IGNORECASE,
)

_MAY_BEFORE = re.compile(
    r"(?:in|since|until|till|by|of|from|through|to|early|late|mid|last|next|this|and|or|"
    r"between|during|before|after|for|that|each|every|around|throughout)[\s-]+$",
    re.IGNORECASE,
)


_SPEED_BEFORE = re.compile(r"(?:miles|kilometers|kilometres|km|feet|meters|metres)\s+$")
_NAME_AFTER = re.compile(r"\s+(?:Street|St\.|Avenue|Ave\.|Road|Boulevard|Square|Parade)\b")
_OLD_YEAR = re.compile(r"1[0-8]\d\d")
_YEAR_BEFORE = re.compile(r"(?:in|since|of|by|until|from|year|circa|c\.|around|before|after)\s+$")


def accept(text: str, match: re.Match[str]) -> bool:
    """Whether ``match`` is a temporal expression: a bare "May" only after a preposition, a
    year before 1900 only after one ("1500 troops" is a number), never "a second" or the
    "an hour" of a speed, never the name of a street ("Fourth of July Street")."""
    found = match.group()
    if _NAME_AFTER.match(text, match.end()):
        return False  # "Fourth of July Street"
    if found == "May":
        return _MAY_BEFORE.search(text, max(0, match.start() - 12), match.start()) is not None
    if _OLD_YEAR.fullmatch(found):
        return _YEAR_BEFORE.search(text, max(0, match.start() - 8), match.start()) is not None
    if found.lower() in ("an hour", "a second"):
        return found.lower() == "an hour" and not _SPEED_BEFORE.search(
            text, max(0, match.start() - 12), match.start()
        )
    return True
