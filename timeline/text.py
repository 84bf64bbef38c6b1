"""Name matching: the key under which names and aliases are looked up, and what text may hold.

Two spellings of a name match when they differ only in case, accents, Unicode normal form,
hyphens, punctuation, spacing or invisible characters: "Kim Jong-un", "KIM  JONG UN" and
"Kim Jong Un" with a zero-width space share one key; "김정은" matches itself whether typed
composed or decomposed. Different letters never match, even when they look alike: "Kim" spelt
with a Cyrillic Ka (U+041A) is not Latin "Kim".

What a stored text may hold (see docs/reliability.md, "Hostile text is only text"):

- any character but NUL (U+0000), which PostgreSQL cannot store: text holding one is refused
  on both backends (:func:`check_text`); so is free text (a title, summary, quote…) longer than
  :data:`MAX_TEXT_LENGTH` characters, and indexed text (a name, tag, external id or URL) longer
  than :data:`MAX_INDEXED_BYTES` bytes of UTF-8, more than a PostgreSQL index entry holds;
- an entity or place name must also have something to match on (a letter, digit or symbol), and
  may not hold bidirectional override, embedding or isolate controls (U+202A to U+202E,
  U+2066 to U+2069), which reorder how it displays: "miK" after U+202E shows as "Kim" but is
  another name (:func:`check_name`);
- a name whose words mix alphabets (a Cyrillic Ka in a Latin "Kim") is stored as written but
  raises a :class:`~timeline.errors.ConfusableNameWarning` (:func:`mixed_script_words`).
"""

from __future__ import annotations

import unicodedata
import warnings

from .errors import ConfusableNameWarning, InvalidEventError

_DROP_CATEGORIES = {"Mn", "Me", "Cf"}  # combining marks, enclosing marks, zero-width/format chars

#: The longest free text (title, summary, quote, statement), in characters.
MAX_TEXT_LENGTH = 100_000
#: The longest indexed text (name and its key, alias, tag, external id, URL), in UTF-8 bytes.
MAX_INDEXED_BYTES = 2_000

#: Characters that reorder how the text around them displays (Unicode bidi controls).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: Scripts written together in one word (Japanese, Korean with Hanja): never "mixed".
_EAST_ASIAN = {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "BOPOMOFO"}


def name_key(name: str) -> str:
    """Return the lookup key of ``name``: case-folded, accents and punctuation removed.

    >>> name_key("Kim Jong-un") == name_key("KIM  JONG UN")
    True
    """
    decomposed = unicodedata.normalize("NFKD", name)
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category in _DROP_CATEGORIES:
            continue
        kept.append(" " if category[0] in "PZ" else char)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold()
    return " ".join(folded.split())


def check_text(value: str, field: str, where: str = "", *, indexed: bool = False) -> str:
    """Return ``value``, or raise ``InvalidEventError`` if it holds a NUL character or is too
    long (``indexed``: for :data:`MAX_INDEXED_BYTES`). ``where`` prefixes the message."""
    if "\0" in value:
        problem = "holds a NUL character (U+0000), which cannot be stored"
    elif indexed and len(value.encode("utf-8")) > MAX_INDEXED_BYTES:
        problem = f"is longer than {MAX_INDEXED_BYTES:,} bytes of UTF-8"
    elif len(value) > MAX_TEXT_LENGTH:
        problem = f"is longer than {MAX_TEXT_LENGTH:,} characters"
    else:
        return value
    shown = repr(value) if len(value) <= 80 else f"{value[:60]!r}… ({len(value):,} characters)"
    raise InvalidEventError(f"{where}{field} {shown} {problem}", field=field, value=value)


def check_name(name: str, field: str) -> str:
    """Return ``name`` if it can be stored and looked up as an entity or place name, else raise
    ``InvalidEventError``; warn (:class:`ConfusableNameWarning`) if a word mixes alphabets."""
    check_text(name, field, indexed=True)
    check_text(name_key(name), f"{field} key", indexed=True)
    controls = sorted(BIDI_CONTROLS.intersection(name))
    if controls:
        codes = ", ".join(f"U+{ord(c):04X}" for c in controls)
        raise InvalidEventError(
            f"{field} {name!r} holds bidirectional controls ({codes}) that change how it "
            "displays; remove them",
            field=field,
            value=name,
        )
    if not name_key(name):
        raise InvalidEventError(
            f"{field} {name!r} has no letter, digit or symbol to look it up by",
            field=field,
            value=name,
        )
    mixed = mixed_script_words(name)
    if mixed:
        warnings.warn(
            ConfusableNameWarning(
                f"{field} {name!r} mixes alphabets in {', '.join(map(repr, mixed))}: it may "
                "look like another name but never matches it"
            ),
            stacklevel=3,
        )
    return name


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name (``None`` for anything else)."""
    if unicodedata.category(char) not in {"Lu", "Ll", "Lt", "Lo"}:
        return None
    script = unicodedata.name(char, "").split(" ")[0]
    return "CJK" if script in _EAST_ASIAN else script or None


def mixed_script_words(name: str) -> list[str]:
    """The words of ``name`` (as in its key) whose letters come from more than one script.

    >>> mixed_script_words("\\u041aim Jong Un") == ["\\u043aim"]  # Cyrillic Ka, Latin "im"
    True
    """
    return [
        word
        for word in name_key(name).split()
        if len({s for s in map(_script, word) if s is not None}) > 1
    ]
